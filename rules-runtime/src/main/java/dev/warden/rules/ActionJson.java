package dev.warden.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds an {@link Action} from its JSON (or YAML-as-tree) description, as {@code policy explain
 * --action} and policy tests write it: {@code {"kind":"http","method":"POST","url":"https://x/y"}}.
 * A {@code url} fills scheme, host, port and path; tool {@code args} may be an object or a JSON
 * string. Unknown keys are errors. Not for the hot path.
 */
public final class ActionJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KEYS = Set.of("kind", "agent", "session", "parent", "principal", "region", "time",
            "tool", "framework", "args", "server", "method", "scheme", "host", "port", "path", "url", "client",
            "operation", "tables", "columns", "statement", "database", "driver", "command");

    private ActionJson() {
    }

    public static Action parse(String json) {
        try {
            return fromTree(JSON.readTree(json), new Action().reset());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("the action is not valid JSON: " + e.getOriginalMessage());
        }
    }

    public static Action fromMap(Map<?, ?> map) {
        return fromTree(JSON.valueToTree(map), new Action().reset());
    }

    public static Action fromTree(JsonNode n, Action a) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("an action is a JSON object such as {\"kind\":\"tool\",\"tool\":\"sendEmail\"}");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown action attribute '" + k + "'");
            }
        }
        String kindText = text(n, "kind");
        Kind kind = kindText == null ? null : Kind.of(kindText);
        if (kind == null) {
            throw new IllegalArgumentException("the action needs \"kind\": tool, http, sql or process" + (kindText == null ? "" : " (found '" + kindText + "')"));
        }
        a.kind(kind).agent(text(n, "agent")).session(text(n, "session")).parent(text(n, "parent")).principal(text(n, "principal"));
        if (n.has("region")) {
            a.region(text(n, "region"));
        }
        if (n.has("time")) {
            JsonNode t = n.get("time");
            a.timeMillis(t.isNumber() ? t.asLong() : java.time.Instant.parse(t.asText()).toEpochMilli());
        }
        switch (kind) {
            case TOOL: {
                a.tool(text(n, "tool")).framework(text(n, "framework")).server(text(n, "server"));
                JsonNode args = n.get("args");
                if (args != null && !args.isNull()) {
                    a.args(args.isTextual() ? args.asText() : args.toString());
                }
                break;
            }
            case HTTP: {
                String url = text(n, "url");
                if (url != null) {
                    URI u = URI.create(url);
                    a.scheme(u.getScheme() == null ? null : u.getScheme().toLowerCase(Locale.ROOT));
                    a.host(Hosts.normalize(u.getHost()));
                    int port = u.getPort();
                    if (port < 0 && u.getScheme() != null) {
                        port = "https".equalsIgnoreCase(u.getScheme()) ? 443 : "http".equalsIgnoreCase(u.getScheme()) ? 80 : -1;
                    }
                    a.port(port).path(u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath()).url(url);
                }
                if (n.has("scheme")) {
                    a.scheme(text(n, "scheme").toLowerCase(Locale.ROOT));
                }
                if (n.has("host")) {
                    a.host(Hosts.normalize(text(n, "host")));
                }
                if (n.has("port")) {
                    a.port(n.get("port").asInt());
                }
                if (n.has("path")) {
                    a.path(text(n, "path"));
                }
                String m = text(n, "method");
                a.method(m == null ? "GET" : m.toUpperCase(Locale.ROOT)).client(text(n, "client"));
                break;
            }
            case SQL: {
                String op = text(n, "operation");
                SqlOperation sop = op == null ? SqlOperation.OTHER : SqlOperation.of(op);
                if (sop == null) {
                    throw new IllegalArgumentException("unknown SQL operation '" + op + "'");
                }
                a.operation(sop).tables(lowerList(n.get("tables"))).columns(lowerList(n.get("columns")))
                        .statement(text(n, "statement")).database(text(n, "database")).driver(text(n, "driver"));
                break;
            }
            default: {
                a.command(text(n, "command"));
                JsonNode args = n.get("args");
                a.processArgs(args == null ? null : list(args));
            }
        }
        return a;
    }

    private static String text(JsonNode n, String k) {
        JsonNode v = n.get(k);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String[] list(JsonNode v) {
        List<String> out = new ArrayList<>();
        if (v.isArray()) {
            v.forEach(e -> out.add(e.asText()));
        } else if (!v.isNull()) {
            out.add(v.asText());
        }
        return out.toArray(new String[0]);
    }

    private static String[] lowerList(JsonNode v) {
        if (v == null) {
            return null;
        }
        String[] s = list(v);
        for (int i = 0; i < s.length; i++) {
            s[i] = s[i].toLowerCase(Locale.ROOT);
        }
        return s;
    }

    /** The action as a JSON object (for explain output and evidence of tests). */
    public static String toJson(Action a) {
        ObjectNode o = JSON.createObjectNode();
        o.put("kind", a.kind() == null ? null : a.kind().label);
        put(o, "tool", a.tool());
        put(o, "framework", a.framework());
        put(o, "args", a.args());
        put(o, "method", a.method());
        put(o, "host", a.host());
        if (a.port() >= 0) {
            o.put("port", a.port());
        }
        put(o, "path", a.path());
        put(o, "region", a.region());
        if (a.operation() != null) {
            o.put("operation", a.operation().name());
        }
        if (a.tableCount() > 0) {
            o.putPOJO("tables", a.tables());
        }
        if (a.columnCount() > 0) {
            o.putPOJO("columns", a.columns());
        }
        put(o, "command", a.command());
        put(o, "session", a.session());
        put(o, "parent", a.parent());
        put(o, "principal", a.principal());
        return o.toString();
    }

    private static void put(ObjectNode o, String k, String v) {
        if (v != null) {
            o.put(k, v);
        }
    }
}
