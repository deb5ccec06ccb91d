package dev.warden.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The agent's settings (DESIGN.md, "The javaagent contract"), from, highest precedence first: the
 * agent argument string ({@code key=value,...}), system properties {@code warden.<key>},
 * environment variables {@code WARDEN_<KEY>}, and the {@code config=FILE} YAML file. Every value is
 * validated here, so a hostile or mistyped argument produces one {@link ConfigException} line and
 * never reaches a file path or the policy engine. Immutable once parsed.
 */
public final class AgentConfig {
    public enum Failure { CLOSED, OPEN }

    public enum Approvals { DENY, ALLOW, COLLECTOR }

    public static final List<String> KEYS = List.of("policy", "agent", "evidence", "collector", "mode", "approvals",
            "failure", "config", "policy-key", "verify", "heartbeat");
    /** Default milliseconds between heartbeats to the collector. */
    public static final long DEFAULT_HEARTBEAT_MILLIS = 5_000;

    private static final Pattern AGENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]{1,253}):([0-9]{1,5})");

    public final Path policy;
    public final String agent;
    public final Path evidence;
    public final String collector;
    /** True when {@code mode=monitor}: the policy is downgraded to monitor (never upgraded). */
    public final boolean monitor;
    public final Approvals approvals;
    public final Failure failure;
    public final Path configFile;
    /** The collector's order-signing public key ({@code policy-key=FILE}): orders are verified against it. */
    public final Path policyKey;
    /** Milliseconds between heartbeats to the collector ({@code heartbeat=MILLIS}). */
    public final long heartbeatMillis;
    /** Test mode: verify every transformed class with ASM's analyzer. */
    public final boolean verify;
    /** Settings from the config file that later features read (custom tool hooks); raw. */
    public final Map<String, JsonNode> extra;

    private AgentConfig(Map<String, String> v, Map<String, JsonNode> extra) throws ConfigException {
        String p = v.get("policy");
        this.policy = p == null ? null : path("policy", p);
        String a = v.get("agent");
        if (a == null) {
            a = defaultAgentId();
        } else if (!AGENT_ID.matcher(a).matches()) {
            throw new ConfigException("agent=" + printable(a) + " is not a valid agent id (letters, digits, '.', '_', '-'; at most 64; it names a directory)");
        }
        this.agent = a;
        this.evidence = path("evidence", v.getOrDefault("evidence", "warden-evidence"));
        String c = v.get("collector");
        if (c != null) {
            java.util.regex.Matcher m = HOST_PORT.matcher(c);
            int port = m.matches() ? Integer.parseInt(m.group(2)) : -1;
            if (port < 1 || port > 65535) {
                throw new ConfigException("collector=" + printable(c) + " is not HOST:PORT (port 1-65535)");
            }
        }
        this.collector = c;
        String mode = v.getOrDefault("mode", "enforce");
        if (!mode.equals("monitor") && !mode.equals("enforce")) {
            throw new ConfigException("mode=" + printable(mode) + " is not one of: monitor, enforce");
        }
        this.monitor = mode.equals("monitor");
        this.approvals = enumValue("approvals", v.getOrDefault("approvals", c == null ? "deny" : "collector"), Approvals.class);
        this.failure = enumValue("failure", v.getOrDefault("failure", "closed"), Failure.class);
        String cf = v.get("config");
        this.configFile = cf == null ? null : path("config", cf);
        String pk = v.get("policy-key");
        this.policyKey = pk == null ? null : path("policy-key", pk);
        String hb = v.get("heartbeat");
        long hbMillis = DEFAULT_HEARTBEAT_MILLIS;
        if (hb != null) {
            try {
                hbMillis = Long.parseLong(hb);
            } catch (NumberFormatException e) {
                hbMillis = -1;
            }
            if (hbMillis < 50 || hbMillis > 3_600_000) {
                throw new ConfigException("heartbeat=" + printable(hb) + " is not a number of milliseconds between 50 and 3600000");
            }
        }
        this.heartbeatMillis = hbMillis;
        String verifyValue = v.getOrDefault("verify", "false");
        if (!verifyValue.equals("true") && !verifyValue.equals("false")) {
            throw new ConfigException("verify=" + printable(verifyValue) + " is not true or false");
        }
        this.verify = verifyValue.equals("true");
        this.extra = extra;
    }

    /**
     * Parses the agent argument string together with the given system properties and
     * environment. Throws with one line naming the bad key or value.
     */
    public static AgentConfig parse(String args, Map<String, String> sysprops, Map<String, String> env) throws ConfigException {
        Map<String, String> fromArgs = parseArgs(args);
        Map<String, String> merged = new LinkedHashMap<>();
        for (String key : KEYS) {
            String value = fromArgs.get(key);
            if (value == null) {
                value = sysprops.get("warden." + key);
            }
            if (value == null) {
                value = env.get("WARDEN_" + key.toUpperCase(Locale.ROOT).replace('-', '_'));
            }
            if (value != null) {
                checkValue(key, value);
                merged.put(key, value);
            }
        }
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        String configFile = merged.get("config");
        if (configFile != null) {
            readConfigFile(path("config", configFile), merged, extra);
        }
        return new AgentConfig(merged, extra);
    }

    /** The failure mode that applies even when the rest of the configuration is unusable. */
    public static Failure failureModeOf(String args, Map<String, String> sysprops, Map<String, String> env) {
        String value = null;
        if (args != null) {
            // lenient on purpose: the rest of the argument string may be what is broken
            for (String part : args.split(",")) {
                if (part.trim().startsWith("failure=")) {
                    value = part.trim().substring("failure=".length()).trim();
                }
            }
        }
        if (value == null) {
            value = sysprops.get("warden.failure");
        }
        if (value == null) {
            value = env.get("WARDEN_FAILURE");
        }
        return "open".equals(value) ? Failure.OPEN : Failure.CLOSED;
    }

    static Map<String, String> parseArgs(String args) throws ConfigException {
        Map<String, String> out = new LinkedHashMap<>();
        if (args == null || args.isBlank()) {
            return out;
        }
        for (String part : args.split(",", -1)) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("agent argument '" + printable(part) + "' is not key=value (known keys: " + String.join(", ", KEYS) + ")");
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            if (!KEYS.contains(key)) {
                throw new ConfigException("unknown agent argument '" + printable(key) + "' (known keys: " + String.join(", ", KEYS) + ")");
            }
            if (out.put(key, value) != null) {
                throw new ConfigException("agent argument '" + key + "' is given twice");
            }
        }
        return out;
    }

    private static void readConfigFile(Path file, Map<String, String> merged, Map<String, JsonNode> extra) throws ConfigException {
        JsonNode root;
        try {
            if (Files.size(file) > 1 << 20) {
                throw new ConfigException(file + ": larger than 1 MiB, not a Warden config file");
            }
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ConfigException("config=" + file + ": cannot be read (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            return;
        }
        if (!root.isObject()) {
            throw new ConfigException(file + ": must be a YAML mapping of agent settings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            if (key.equals("config")) {
                throw new ConfigException(file + ": 'config' cannot name another config file");
            }
            if (KEYS.contains(key)) {
                if (!e.getValue().isValueNode()) {
                    throw new ConfigException(file + ": '" + key + "' must be a single value");
                }
                String value = e.getValue().asText();
                checkValue(key, value);
                merged.putIfAbsent(key, value);
            } else if (key.equals("tools") || key.equals("hooks") || key.equals("principal")) {
                extra.put(key, e.getValue());
            } else {
                throw new ConfigException(file + ": unknown setting '" + printable(key) + "' (known: " + String.join(", ", KEYS) + ", tools, principal)");
            }
        }
    }

    private static void checkValue(String key, String value) throws ConfigException {
        if (value.isEmpty()) {
            throw new ConfigException("agent argument '" + key + "' has an empty value");
        }
        if (value.length() > 4096) {
            throw new ConfigException("agent argument '" + key + "' is longer than 4096 characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch < 0x20 || ch == 0x7f) {
                throw new ConfigException("agent argument '" + key + "' contains a control character");
            }
        }
    }

    private static Path path(String key, String value) throws ConfigException {
        try {
            return Path.of(value);
        } catch (RuntimeException e) {
            throw new ConfigException(key + "=" + printable(value) + " is not a valid path");
        }
    }

    private static <E extends Enum<E>> E enumValue(String key, String value, Class<E> type) throws ConfigException {
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            String n = e.name().toLowerCase(Locale.ROOT);
            if (n.equals(value)) {
                return e;
            }
            names.add(n);
        }
        throw new ConfigException(key + "=" + printable(value) + " is not one of: " + String.join(", ", names));
    }

    /** The agent id when none is given: the main class (or jar) name, made safe for a directory name. */
    static String defaultAgentId() {
        String command = System.getProperty("sun.java.command", "");
        String first = command.isBlank() ? "java-app" : command.trim().split("\\s+")[0];
        int slash = Math.max(first.lastIndexOf('/'), first.lastIndexOf('\\'));
        first = first.substring(slash + 1);
        if (first.endsWith(".jar")) {
            first = first.substring(0, first.length() - 4);
        }
        String safe = first.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.isEmpty() || !Character.isLetterOrDigit(safe.charAt(0))) {
            safe = "app" + safe;
        }
        return safe.length() > 64 ? safe.substring(safe.length() - 64) : safe;
    }

    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 80; i++) {
            char ch = s.charAt(i);
            sb.append(ch < 0x20 || ch == 0x7f ? '?' : ch);
        }
        return s.length() > 80 ? sb + "..." : sb.toString();
    }

    @Override
    public String toString() {
        return "policy=" + policy + ",agent=" + agent + ",evidence=" + evidence + (collector == null ? "" : ",collector=" + collector)
                + ",mode=" + (monitor ? "monitor" : "enforce") + ",approvals=" + approvals.name().toLowerCase(Locale.ROOT)
                + ",failure=" + failure.name().toLowerCase(Locale.ROOT);
    }
}
