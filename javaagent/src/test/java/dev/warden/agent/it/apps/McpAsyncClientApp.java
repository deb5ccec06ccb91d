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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An asynchronous MCP client (MCP Java SDK 2.1.0 {@code McpAsyncClient}) forking
 * {@link McpServerApp} over stdio. Each call is made and subscribed on a single-threaded
 * "event loop"; while the result is outstanding the main thread keeps handing that loop small
 * tasks, each of which must run within a second, and counts them: a loop thread parked in an
 * escalation would run none. Prints per call {@code <label>: error=<isError> <text>},
 * {@code <label> loop ticks: N} and {@code <label> took ms: M}. Arguments: the marker directory
 * and the server's class path; then, optionally, the {@code issueRefund} calls to make instead of
 * the default three, each {@code <label>=<orderId>:<amount>}.
 */
public final class McpAsyncClientApp {
    public static void main(String[] args) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ServerParameters server = ServerParameters.builder(java.toString())
                .args(List.of("-cp", args[1], McpServerApp.class.getName(), args[0])).build();
        McpAsyncClient client = McpClient.async(new StdioClientTransport(server, McpJsonDefaults.getMapper()))
                .requestTimeout(Duration.ofSeconds(30)).initializationTimeout(Duration.ofSeconds(60)).build(); // a server JVM under the agent starts slowly on a loaded machine
        client.initialize().block();
        ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "event-loop"));
        if (args.length > 2) {
            for (int i = 2; i < args.length; i++) {
                String[] call = args[i].split("[=:]");
                call(client, loop, call[0], "issueRefund", Map.of("orderId", call[1], "amount", Integer.parseInt(call[2])));
            }
        } else {
            call(client, loop, "big refund", "issueRefund", Map.of("orderId", "o1", "amount", 600));
            call(client, loop, "waited refund", "issueRefund", Map.of("orderId", "o3", "amount", 50));
            call(client, loop, "slow refund", "issueRefund", Map.of("orderId", "o2", "amount", 100, "sleepMs", 300));
        }
        loop.shutdown();
        client.closeGracefully().block();
        System.out.println("done: mcp-async");
    }

    private static void call(McpAsyncClient client, ExecutorService loop, String label, String tool, Map<String, Object> args) throws Exception {
        CompletableFuture<McpSchema.CallToolResult> result = new CompletableFuture<>();
        long start = System.nanoTime();
        loop.submit(() -> client.callTool(new McpSchema.CallToolRequest(tool, args)).subscribe(result::complete, result::completeExceptionally))
                .get(5, TimeUnit.SECONDS);
        int ticks = 0;
        while (!result.isDone()) {
            loop.submit(() -> { }).get(1, TimeUnit.SECONDS); // throws if the loop thread is held
            ticks++;
            Thread.sleep(20);
        }
        McpSchema.CallToolResult r = result.get();
        String text = r.content().isEmpty() ? "" : ((McpSchema.TextContent) r.content().get(0)).text();
        System.out.println(label + ": error=" + Boolean.TRUE.equals(r.isError()) + " " + text);
        System.out.println(label + " loop ticks: " + ticks);
        System.out.println(label + " took ms: " + (System.nanoTime() - start) / 1_000_000L);
    }
}
