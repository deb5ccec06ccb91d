package dev.warden.scanner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads application configuration without running it: {@code application*.properties} and
 * {@code .yml}/{@code .yaml} (all YAML documents) flattened to Spring-style dotted keys, and
 * MCP client configuration files ({@code mcp.json}-style: {@code {"mcpServers": {name: {command,
 * args, url}}}}) and Spring AI's {@code spring.ai.mcp.client.*} properties.
 *
 * <p>Stateless; any thread.
 */
public final class ConfigFiles {
    private ConfigFiles() {
    }

    /** A configured MCP server this application connects to. */
    public record McpConfig(String name, String transport, String url, String command, List<String> args, String key) {
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Dotted key to value for a properties or YAML file; throws with a one-line reason when unreadable. */
    public static Map<String, String> flatten(String fileName, byte[] bytes) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        String lower = fileName.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith(".properties")) {
            Properties p = new Properties();
            p.load(new java.io.InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.ISO_8859_1));
            for (String k : p.stringPropertyNames()) {
                out.put(k, p.getProperty(k));
            }
            return out;
        }
        if (lower.endsWith(".yml") || lower.endsWith(".yaml")) {
            try (var parser = YAML.getFactory().createParser(bytes)) {
                Iterator<JsonNode> docs = YAML.readValues(parser, JsonNode.class);
                while (docs.hasNext()) {
                    flattenNode("", docs.next(), out);
                }
            } catch (RuntimeException e) {
                throw new IOException(e.getMessage() == null ? e.toString() : e.getMessage().split("\n")[0]);
            }
            return out;
        }
        if (lower.endsWith(".json")) {
            flattenNode("", JSON.readTree(bytes), out);
        }
        return out;
    }

    private static void flattenNode(String prefix, JsonNode n, Map<String, String> out) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return;
        }
        if (n.isObject()) {
            var it = n.fields();
            while (it.hasNext()) {
                var e = it.next();
                flattenNode(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                flattenNode(prefix + "[" + i + "]", n.get(i), out);
            }
        } else {
            out.put(prefix, n.asText());
        }
    }

    /** MCP servers configured in a flattened configuration (mcp.json shape or Spring AI properties). */
    public static List<McpConfig> mcpServers(Map<String, String> flat) {
        Map<String, McpConfig> out = new LinkedHashMap<>();
        for (String prefix : new String[] {"mcpServers.", "servers.", "mcp.servers."}) {
            for (Map.Entry<String, String> e : flat.entrySet()) {
                String k = e.getKey();
                if (!k.startsWith(prefix)) {
                    continue;
                }
                String rest = k.substring(prefix.length());
                int dot = rest.indexOf('.');
                if (dot <= 0) {
                    continue;
                }
                String name = rest.substring(0, dot);
                out.computeIfAbsent(prefix + name, x -> server(flat, prefix + name + ".", name, null));
            }
        }
        for (String transport : new String[] {"stdio", "sse", "streamable-http", "streamable"}) {
            String prefix = "spring.ai.mcp.client." + transport + ".connections.";
            for (String k : flat.keySet()) {
                if (!k.startsWith(prefix)) {
                    continue;
                }
                String rest = k.substring(prefix.length());
                int dot = rest.indexOf('.');
                if (dot <= 0) {
                    continue;
                }
                String name = rest.substring(0, dot);
                out.computeIfAbsent(prefix + name, x -> server(flat, prefix + name + ".", name, transport.equals("stdio") ? "stdio" : "http"));
            }
        }
        List<McpConfig> l = new ArrayList<>();
        for (McpConfig c : out.values()) {
            if (c.url() != null || c.command() != null) {
                l.add(c);
            }
        }
        return l;
    }

    private static McpConfig server(Map<String, String> flat, String prefix, String name, String transport) {
        String url = first(flat, prefix + "url", prefix + "serverUrl", prefix + "sseUrl");
        String command = flat.get(prefix + "command");
        List<String> args = new ArrayList<>();
        for (int i = 0; flat.containsKey(prefix + "args[" + i + "]"); i++) {
            args.add(flat.get(prefix + "args[" + i + "]"));
        }
        if (args.isEmpty() && flat.get(prefix + "args") != null) {
            for (String a : flat.get(prefix + "args").split(",")) {
                args.add(a.strip());
            }
        }
        String t = transport != null ? transport : command != null ? "stdio" : "http";
        return new McpConfig(name, t, url, command, args, prefix.substring(0, prefix.length() - 1));
    }

    private static String first(Map<String, String> flat, String... keys) {
        for (String k : keys) {
            if (flat.get(k) != null) {
                return flat.get(k);
            }
        }
        return null;
    }
}
