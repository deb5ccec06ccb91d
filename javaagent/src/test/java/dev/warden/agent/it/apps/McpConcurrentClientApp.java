package dev.warden.agent.it.apps;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * An asynchronous MCP client that sends three {@code issueRefund} calls at once to
 * {@link McpServerApp} (over stdio, the server under its own {@code -javaagent}): {@code o1} of 600,
 * {@code o3} of 50 and {@code o2} of 100, in that order. Prints per call
 * {@code <label>: error=<isError> <text>} and then the labels in the order the answers arrived
 * ({@code order: a,b,c}). Arguments: the marker directory, the server's class path, the server's
 * {@code -javaagent} option.
 */
public final class McpConcurrentClientApp {
    public static void main(String[] args) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ServerParameters server = ServerParameters.builder(java.toString())
                .args(List.of(args[2], "-cp", args[1], McpServerApp.class.getName(), args[0])).build();
        McpAsyncClient client = McpClient.async(new StdioClientTransport(server, McpJsonDefaults.getMapper()))
                .requestTimeout(Duration.ofSeconds(30)).initializationTimeout(Duration.ofSeconds(60)).build(); // a server JVM under the agent starts slowly on a loaded machine
        client.initialize().block();
        StringBuffer order = new StringBuffer();
        List<CompletableFuture<String>> answers = List.of(
                call(client, order, "big refund", Map.of("orderId", "o1", "amount", 600)),
                call(client, order, "waited refund", Map.of("orderId", "o3", "amount", 50)),
                call(client, order, "small refund", Map.of("orderId", "o2", "amount", 100)));
        for (CompletableFuture<String> a : answers) {
            System.out.println(a.get());
        }
        System.out.println("order: " + order);
        client.closeGracefully().block();
    }

    private static CompletableFuture<String> call(McpAsyncClient client, StringBuffer order, String label, Map<String, Object> args) {
        return client.callTool(new McpSchema.CallToolRequest("issueRefund", args)).toFuture().thenApply(r -> {
            synchronized (order) {
                order.append(order.length() == 0 ? "" : ",").append(label);
            }
            String text = r.content().isEmpty() ? "" : ((McpSchema.TextContent) r.content().get(0)).text();
            return label + ": error=" + Boolean.TRUE.equals(r.isError()) + " " + text;
        });
    }
}
