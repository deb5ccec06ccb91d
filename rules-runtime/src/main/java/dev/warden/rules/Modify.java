package dev.warden.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an {@code action: modify} rule changes before the call proceeds (language 1.1):
 * tool arguments (clamp, set, remove), HTTP headers (set, remove), an HTTP redirect to another
 * host, and a cap on the rows a SQL query returns. Immutable.
 *
 * <p>Applying a modification is not on the allocation-free path: it happens only for calls a
 * modify rule matched, and builds the new request.
 */
public final class Modify {
    /** One edit of one argument field. */
    public record ArgEdit(String key, String[] path, Op op, double min, double max, JsonNode value) {
        /** A text naming the field and the change, for conflict checks and evidence. */
        public String describe() {
            switch (op) {
                case REMOVE: return key + ": remove";
                case SET: return key + ": set " + value;
                default: return key + ": clamp [" + (min == Double.NEGATIVE_INFINITY ? "" : fmt(min)) + ", " + (max == Double.POSITIVE_INFINITY ? "" : fmt(max)) + "]";
            }
        }
    }

    public enum Op { CLAMP, SET, REMOVE }

    private static final ObjectMapper JSON = new ObjectMapper();

    public final List<ArgEdit> args;
    /** Header name (as written) to value; values may use ${agent}, ${session}, ${principal}. */
    public final Map<String, String> setHeaders;
    public final List<String> removeHeaders;
    /** Host to send the request to instead (shadow routing), or null. */
    public final String redirectHost;
    /** Row cap for SQL results, or -1. */
    public final int maxRows;

    public Modify(List<ArgEdit> args, Map<String, String> setHeaders, List<String> removeHeaders, String redirectHost, int maxRows) {
        this.args = List.copyOf(args);
        this.setHeaders = new LinkedHashMap<>(setHeaders);
        this.removeHeaders = List.copyOf(removeHeaders);
        this.redirectHost = redirectHost;
        this.maxRows = maxRows;
    }

    /** The fields this modification touches, each with its change ({@code args.amount: clamp [, 500]}). */
    public List<String> fields() {
        List<String> out = new ArrayList<>();
        for (ArgEdit e : args) {
            out.add(e.describe());
        }
        setHeaders.forEach((k, v) -> out.add("header " + k + ": set " + v));
        for (String h : removeHeaders) {
            out.add("header " + h + ": remove");
        }
        if (redirectHost != null) {
            out.add("redirect: host " + redirectHost);
        }
        if (maxRows >= 0) {
            out.add("max_rows: " + maxRows);
        }
        return out;
    }

    /**
     * Applies the argument edits to a tool's JSON arguments and returns the new JSON (the same
     * string when nothing changed). Non-object or unparseable arguments are returned unchanged.
     */
    public String applyToArgs(String json) {
        if (args.isEmpty() || json == null) {
            return json;
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (Exception e) {
            return json;
        }
        if (!(root instanceof ObjectNode)) {
            return json;
        }
        boolean changed = false;
        for (ArgEdit e : args) {
            ObjectNode parent = (ObjectNode) root;
            for (int i = 0; i < e.path.length - 1 && parent != null; i++) {
                JsonNode next = parent.get(e.path[i]);
                if (next == null && e.op == Op.SET) {
                    next = parent.putObject(e.path[i]);
                }
                parent = next instanceof ObjectNode ? (ObjectNode) next : null;
            }
            if (parent == null) {
                continue;
            }
            String field = e.path[e.path.length - 1];
            JsonNode cur = parent.get(field);
            switch (e.op) {
                case REMOVE:
                    if (cur != null) {
                        parent.remove(field);
                        changed = true;
                    }
                    break;
                case SET:
                    if (cur == null || !cur.equals(e.value)) {
                        parent.set(field, e.value);
                        changed = true;
                    }
                    break;
                default: {
                    if (cur == null) {
                        break;
                    }
                    double v = cur.isNumber() ? cur.asDouble() : parseOrNaN(cur.asText());
                    if (Double.isNaN(v)) {
                        break;
                    }
                    double clamped = Math.max(e.min, Math.min(e.max, v));
                    if (clamped != v) {
                        if (clamped == Math.rint(clamped) && Math.abs(clamped) < 1e15 && (cur.isIntegralNumber() || !cur.isNumber())) {
                            parent.put(field, (long) clamped);
                        } else {
                            parent.put(field, clamped);
                        }
                        changed = true;
                    }
                }
            }
        }
        return changed ? root.toString() : json;
    }

    private static double parseOrNaN(String s) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** A header value with ${agent}, ${session} and ${principal} filled in from the action. */
    public static String expand(String template, Action a) {
        if (template.indexOf("${") < 0) {
            return template;
        }
        return template.replace("${agent}", nz(a.agent())).replace("${session}", nz(a.session())).replace("${principal}", nz(a.principal()));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    public static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    /** Every field a composition of modifications would touch, with the rule touching it, for conflict checks. */
    public Map<String, String> fieldKeys() {
        Map<String, String> out = new LinkedHashMap<>();
        for (ArgEdit e : args) {
            out.put(e.key, e.describe());
        }
        setHeaders.forEach((k, v) -> out.put("header " + k.toLowerCase(java.util.Locale.ROOT), "set " + v));
        for (String h : removeHeaders) {
            out.put("header " + h.toLowerCase(java.util.Locale.ROOT), "remove");
        }
        if (redirectHost != null) {
            out.put("redirect", redirectHost);
        }
        if (maxRows >= 0) {
            out.put("max_rows", Integer.toString(maxRows));
        }
        return out;
    }
}
