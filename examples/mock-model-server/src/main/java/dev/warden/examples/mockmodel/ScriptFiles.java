package dev.warden.examples.mockmodel;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads a {@link Script} from a JSON or YAML document (YAML when the name ends in .yaml/.yml).
 * The format, with every key:
 *
 * <pre>
 * model: gpt-4o-mini                 # optional
 * turns:
 *   - user: "double charged"         # optional guard: fragment of the latest user message
 *     tool_calls:
 *       - name: lookupCustomer
 *         id: call_lookup_1          # optional; default call_&lt;n&gt;
 *         arguments: { id: "C-17" }  # an object (sent as a JSON string) or a JSON string
 *   - text: "Here is what I found: {{results}}"   # {{results}}: the previous turn's tool results
 * </pre>
 *
 * Problems are reported as one {@link ScriptException} line naming the file and the turn.
 * Stateless; any thread.
 */
public final class ScriptFiles {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> SCRIPT_KEYS = Set.of("model", "turns");
    private static final Set<String> TURN_KEYS = Set.of("user", "tool_calls", "text");
    private static final Set<String> CALL_KEYS = Set.of("id", "name", "arguments");

    private ScriptFiles() {
    }

    /** A script file that cannot be used; the message is one line: {@code file: where: what}. */
    public static final class ScriptException extends Exception {
        public ScriptException(String message) {
            super(message);
        }
    }

    public static Script read(Path file) throws ScriptException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ScriptException(file + ": no such file");
        } catch (IOException e) {
            throw new ScriptException(file + ": cannot read: " + e.getMessage());
        }
        return parse(bytes, file.toString());
    }

    /** Parses {@code bytes}; {@code name} names the source in messages and picks YAML or JSON. */
    public static Script parse(byte[] bytes, String name) throws ScriptException {
        String lower = name.toLowerCase();
        ObjectMapper mapper = lower.endsWith(".yaml") || lower.endsWith(".yml") ? YAML : JSON;
        JsonNode root;
        try {
            root = mapper.readTree(bytes);
        } catch (JacksonException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : loc.getLineNr() + ":" + loc.getColumnNr() + ": ";
            throw new ScriptException(name + ":" + where + "not valid " + (mapper == YAML ? "YAML" : "JSON") + ": "
                    + e.getOriginalMessage().replaceAll("\\s+", " ").strip());
        } catch (IOException e) {
            throw new ScriptException(name + ": cannot read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ScriptException(name + ": expected an object with a \"turns\" list");
        }
        checkKeys(root, SCRIPT_KEYS, name + ": ");
        JsonNode turnsNode = root.get("turns");
        if (turnsNode == null || !turnsNode.isArray() || turnsNode.isEmpty()) {
            throw new ScriptException(name + ": \"turns\" must be a non-empty list");
        }
        List<Script.Turn> turns = new ArrayList<>();
        for (int i = 0; i < turnsNode.size(); i++) {
            turns.add(turn(turnsNode.get(i), name + ": turn " + (i + 1) + ": "));
        }
        JsonNode model = root.get("model");
        return new Script(model == null ? null : text(model, name + ": model"), turns);
    }

    private static Script.Turn turn(JsonNode node, String where) throws ScriptException {
        if (!node.isObject()) {
            throw new ScriptException(where + "expected an object with \"tool_calls\" or \"text\"");
        }
        checkKeys(node, TURN_KEYS, where);
        String user = node.has("user") ? text(node.get("user"), where + "user") : null;
        JsonNode calls = node.get("tool_calls");
        JsonNode text = node.get("text");
        if ((calls == null) == (text == null)) {
            throw new ScriptException(where + "needs exactly one of \"tool_calls\" and \"text\"");
        }
        if (text != null) {
            return new Script.Turn(user, List.of(), text(text, where + "text"));
        }
        if (!calls.isArray() || calls.isEmpty()) {
            throw new ScriptException(where + "\"tool_calls\" must be a non-empty list");
        }
        List<Script.ToolCall> list = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            JsonNode call = calls.get(i);
            String at = where + "tool call " + (i + 1) + ": ";
            if (!call.isObject()) {
                throw new ScriptException(at + "expected an object with \"name\" and \"arguments\"");
            }
            checkKeys(call, CALL_KEYS, at);
            if (!call.hasNonNull("name")) {
                throw new ScriptException(at + "\"name\" is missing");
            }
            JsonNode args = call.get("arguments");
            String argsJson;
            if (args == null || args.isNull()) {
                argsJson = "{}";
            } else if (args.isObject()) {
                argsJson = args.toString();
            } else if (args.isTextual()) {
                argsJson = args.asText();
                try {
                    if (!JSON.readTree(argsJson).isObject()) {
                        throw new ScriptException(at + "\"arguments\" must be a JSON object");
                    }
                } catch (JacksonException e) {
                    throw new ScriptException(at + "\"arguments\" is not valid JSON: " + e.getOriginalMessage());
                }
            } else {
                throw new ScriptException(at + "\"arguments\" must be an object or a JSON string");
            }
            String id = call.has("id") ? text(call.get("id"), at + "id") : null;
            list.add(new Script.ToolCall(id, text(call.get("name"), at + "name"), argsJson));
        }
        return new Script.Turn(user, list, null);
    }

    private static String text(JsonNode node, String where) throws ScriptException {
        if (!node.isValueNode() || node.isNull()) {
            throw new ScriptException(where + ": must be a string");
        }
        return node.asText();
    }

    private static void checkKeys(JsonNode node, Set<String> allowed, String where) throws ScriptException {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw new ScriptException(where + "unknown key \"" + key + "\" (expected one of " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }
}
