package dev.warden.agent.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.agent.instrument.Hook;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * any thread.
 */
public final class CustomTools {
    private static final Pattern HOOK = Pattern.compile("([A-Za-z_$][A-Za-z0-9_$]*\\.)*[A-Za-z_$][A-Za-z0-9_$]*#[A-Za-z_$][A-Za-z0-9_$]*");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    private static final ObjectMapper JSON = new ObjectMapper();

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

    /** The tool name from the advice's constant ({@code name\0params}). */
    static String name(Object spec) {
        String s = String.valueOf(spec);
        int z = s.indexOf('\0');
        return z < 0 ? s : s.substring(0, z);
    }

    /** The arguments as a JSON object: by parameter name when known, else {@code arg0...}; simple values as is, others as text. */
    static String arguments(Object spec, Object values) {
        String s = String.valueOf(spec);
        int z = s.indexOf('\0');
        String[] names = z < 0 || z == s.length() - 1 ? new String[0] : s.substring(z + 1).split(",");
        Object[] args = values instanceof Object[] ? (Object[]) values : new Object[0];
        Map<String, Object> json = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            Object v = args[i];
            String key = i < names.length && !names[i].isEmpty() ? names[i] : "arg" + i;
            json.put(key, v == null || v instanceof Number || v instanceof Boolean || v instanceof String ? v : String.valueOf(v));
        }
        try {
            return JSON.writeValueAsString(json);
        } catch (Exception e) {
            return "{}";
        }
    }
}
