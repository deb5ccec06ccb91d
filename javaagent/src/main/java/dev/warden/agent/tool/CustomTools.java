package dev.warden.agent.tool;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.agent.instrument.Hook;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Custom tool hooks from the agent's {@code config=FILE} (never from a policy, so a pushed policy
 * cannot instrument arbitrary code):
 * <pre>
 * tools:
 *   - hook: com.acme.payments.Payments#refund   # every overload of the method
 *     name: issueRefund                         # the tool name policies match (default: the method)
 * </pre>
 * and the arguments of such a call as JSON (by parameter name, or {@code arg0...}). A bad entry
 * is reported as one problem line and skipped. Called once at start-up; the argument encoding on
 * any thread. Also the argument encoding of annotated tools ({@code @Tool} methods called outside
 * their framework). Holds no JSON library state: nothing is built at start-up when no tool is declared.
 */
public final class CustomTools {
    private static final Pattern HOOK = Pattern.compile("([A-Za-z_$][A-Za-z0-9_$]*\\.)*[A-Za-z_$][A-Za-z0-9_$]*#[A-Za-z_$][A-Za-z0-9_$]*");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    private CustomTools() {
    }

    /** The hooks the {@code tools} setting declares ({@code null}: none); problems are added to {@code problems}. */
    public static List<Hook> hooks(JsonNode tools, List<String> problems) {
        List<Hook> out = new ArrayList<>();
        if (tools == null || tools.isNull()) {
            return out;
        }
        if (!tools.isArray()) {
            problems.add("config: 'tools' must be a list of { hook: class#method, name: tool }");
            return out;
        }
        for (JsonNode t : tools) {
            String hook = t.path("hook").asText("");
            if (!HOOK.matcher(hook).matches()) {
                problems.add("config: tools: '" + hook.replaceAll("[^\\x20-\\x7e]", "?") + "' is not class#method; skipped");
                continue;
            }
            String className = hook.substring(0, hook.indexOf('#'));
            String method = hook.substring(hook.indexOf('#') + 1);
            String name = t.path("name").asText(method);
            if (!NAME.matcher(name).matches()) {
                problems.add("config: tools: name '" + name.replaceAll("[^\\x20-\\x7e]", "?") + "' of " + hook + " is not a tool name; skipped");
                continue;
            }
            out.add(Hook.on("tool", "custom", className.replace('.', '/'), method, null, CustomToolAdvice.of(name)));
        }
        return out;
    }

    /** Tool names by advice constant: one entry per woven method, so a call looks its name up instead of cutting a new string. */
    private static final ConcurrentHashMap<String, String> NAMES = new ConcurrentHashMap<>();

    /** The tool name from the advice's constant ({@code name\0params}); allocation-free once per constant. */
    static String name(Object spec) {
        String s = String.valueOf(spec);
        String name = NAMES.get(s);
        if (name == null) {
            int z = s.indexOf('\0');
            name = z < 0 ? s : s.substring(0, z);
            if (NAMES.size() < 4096) {
                NAMES.putIfAbsent(s, name);
            }
        }
        return name;
    }

    /**
     * The arguments as a JSON object: by parameter name when known, else {@code arg0...}; numbers
     * and booleans as JSON values, null as null, anything else as its text. Written by hand into
     * the caller's scratch builder (one string allocated).
     */
    static String arguments(Object spec, Object values, StringBuilder sb) {
        String s = String.valueOf(spec);
        int z = s.indexOf('\0');
        Object[] args = values instanceof Object[] ? (Object[]) values : new Object[0];
        sb.setLength(0);
        sb.append('{');
        int nameStart = z < 0 ? s.length() : z + 1;
        for (int i = 0; i < args.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            int nameEnd = nameStart < s.length() ? s.indexOf(',', nameStart) : -1;
            if (nameEnd < 0) {
                nameEnd = s.length();
            }
            sb.append('"');
            if (nameStart < nameEnd) {
                sb.append(s, nameStart, nameEnd);
            } else {
                sb.append("arg").append(i);
            }
            sb.append("\":");
            nameStart = nameEnd + 1;
            Object v = args[i];
            if (v == null || v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
                sb.append(v);
            } else if (v instanceof Number && Double.isFinite(((Number) v).doubleValue())) {
                sb.append(v);
            } else {
                dev.warden.rules.evidence.EvidenceJson.quote(sb, String.valueOf(v));
            }
        }
        return sb.append('}').toString();
    }
}
