package dev.warden.agent.it.apps;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An MCP client (MCP Java SDK 2.1.0, sync client) that forks {@link McpServerApp} over stdio and
 * calls its tools: {@code issueRefund} of 600 and of 100, {@code deleteAccount}. Prints
 * {@code <label>: error=<isError> <text>} per call. Arguments: the marker directory, the
 * server's class path, and optionally one JVM argument for the server (its own {@code -javaagent}).
 */
public final class McpClientApp {
    public static void main(String[] args) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> serverArgs = new ArrayList<>();
        if (args.length > 2) {
            serverArgs.add(args[2]); // e.g. the server's own -javaagent
        }
        serverArgs.addAll(List.of("-cp", args[1], McpServerApp.class.getName(), args[0]));
        ServerParameters server = ServerParameters.builder(java.toString()).args(serverArgs).build();
        McpSyncClient client = McpClient.sync(new StdioClientTransport(server, McpJsonDefaults.getMapper()))
                .requestTimeout(Duration.ofSeconds(30)).initializationTimeout(Duration.ofSeconds(60)).build(); // a server JVM under the agent starts slowly on a loaded machine
        client.initialize();
        call(client, "big refund", "issueRefund", Map.of("orderId", "o1", "amount", 600));
        call(client, "small refund", "issueRefund", Map.of("orderId", "o2", "amount", 100));
        call(client, "delete", "deleteAccount", Map.of("id", "c1"));
        client.closeGracefully();
        System.out.println("done: mcp");
    }

    private static void call(McpSyncClient client, String label, String tool, Map<String, Object> args) {
        McpSchema.CallToolResult r = client.callTool(new McpSchema.CallToolRequest(tool, args));
        String text = r.content().isEmpty() ? "" : ((McpSchema.TextContent) r.content().get(0)).text();
        System.out.println(label + ": error=" + Boolean.TRUE.equals(r.isError()) + " " + text);
    }
}
