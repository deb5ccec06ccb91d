package dev.warden.rules.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree that remembers where every key and value stands (line and column,
 * 1-based), so that validation errors can say {@code policy.yaml:12:7: ...}. Built from
 * Jackson's streaming YAML parser; duplicate keys are reported, not silently merged.
 */
public final class YamlNode {
    public enum Type { MAP, LIST, SCALAR, NULL }

    public final Type type;
    public final int line;
    public final int column;
    /** For scalars: the text as written (unquoted); null for maps, lists and nulls. */
    public final String text;
    /** For scalars: true for YAML numbers. */
    public final boolean number;
    /** For scalars: true for YAML booleans. */
    public final boolean bool;
    private final LinkedHashMap<String, YamlNode> map;
    private final LinkedHashMap<String, int[]> keyPositions;
    private final List<YamlNode> list;

    private YamlNode(Type type, int line, int column, String text, boolean number, boolean bool) {
        this.type = type;
        this.line = line;
        this.column = column;
        this.text = text;
        this.number = number;
        this.bool = bool;
        this.map = type == Type.MAP ? new LinkedHashMap<>() : null;
        this.keyPositions = type == Type.MAP ? new LinkedHashMap<>() : null;
        this.list = type == Type.LIST ? new ArrayList<>() : null;
    }

    public Map<String, YamlNode> map() {
        return map;
    }

    public List<YamlNode> list() {
        return list;
    }

    public YamlNode get(String key) {
        return map == null ? null : map.get(key);
    }

    /** Position of a key in a map: {line, column}. */
    public int[] keyPosition(String key) {
        return keyPositions.get(key);
    }

    public boolean isScalar() {
        return type == Type.SCALAR;
    }

    /** Parses YAML text; problems (syntax, duplicate keys) are added to {@code problems}. */
    public static YamlNode parse(byte[] yaml, Problems problems) {
        YAMLFactory factory = YAMLFactory.builder().build();
        try (JsonParser p = factory.createParser(yaml)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                problems.add(1, 1, "the policy is empty");
                return null;
            }
            YamlNode root = read(p, t, problems);
            if (p.nextToken() != null) {
                problems.add(p.currentTokenLocation(), "more than one YAML document; a policy is one document");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String msg = e.getOriginalMessage();
            // keep snakeyaml's first line: it names the problem; the rest repeats the position
            int nl = msg.indexOf('\n');
            String first = (nl > 0 ? msg.substring(0, nl) : msg).trim();
            problems.add(loc, "YAML syntax: " + first + describeContext(msg));
            return null;
        } catch (IOException e) {
            problems.add(1, 1, "cannot read: " + e.getMessage());
            return null;
        }
    }

    private static String describeContext(String msg) {
        String[] lines = msg.split("\n");
        for (String l : lines) {
            String s = l.trim();
            if (s.startsWith("found") || s.startsWith("expected")) {
                return " (" + s + ")";
            }
        }
        return "";
    }

    private static YamlNode read(JsonParser p, JsonToken t, Problems problems) throws IOException {
        JsonLocation loc = p.currentTokenLocation();
        int line = loc.getLineNr();
        int col = loc.getColumnNr();
        switch (t) {
            case START_OBJECT: {
                YamlNode n = new YamlNode(Type.MAP, line, col, null, false, false);
                while ((t = p.nextToken()) != JsonToken.END_OBJECT) {
                    String key = p.currentName();
                    JsonLocation kl = p.currentTokenLocation();
                    YamlNode value = read(p, p.nextToken(), problems);
                    if (n.map.containsKey(key)) {
                        problems.add(kl, "duplicate key '" + key + "' (first at line " + n.keyPositions.get(key)[0] + ")");
                        continue;
                    }
                    n.map.put(key, value);
                    n.keyPositions.put(key, new int[] {kl.getLineNr(), kl.getColumnNr()});
                }
                return n;
            }
            case START_ARRAY: {
                YamlNode n = new YamlNode(Type.LIST, line, col, null, false, false);
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    n.list.add(read(p, t, problems));
                }
                return n;
            }
            case VALUE_NULL:
                return new YamlNode(Type.NULL, line, col, null, false, false);
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return new YamlNode(Type.SCALAR, line, col, p.getText(), true, false);
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new YamlNode(Type.SCALAR, line, col, p.getText(), false, true);
            default:
                return new YamlNode(Type.SCALAR, line, col, p.getText(), false, false);
        }
    }

    public String describeType() {
        switch (type) {
            case MAP: return "a map";
            case LIST: return "a list";
            case NULL: return "nothing";
            default: return number ? "a number" : bool ? "a boolean" : "text";
        }
    }
}
