package dev.warden.agent.it.apps;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * An MCP server over stdio (MCP Java SDK 2.1.0) with {@code issueRefund} and {@code deleteAccount}
 * tools; each tool body creates a marker file {@code <dir>/<tool>-<first argument>} (stdout is the
 * protocol channel) so a test sees which bodies ran; an argument {@code sleepMs} makes the body take
 * that long first. Argument: the marker directory. Runs until
 * its stdin closes.
 */
public final class McpServerApp {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Map<String, Object> schema = Map.of("type", "object");
        McpServer.sync(new StdioServerTransportProvider(McpJsonDefaults.getMapper()))
                .serverInfo("refund-server", "1.0")
                .tools(tool("issueRefund", "orderId", dir, schema), tool("deleteAccount", "id", dir, schema))
                .build();
        Thread.currentThread().join();
    }

    private static McpServerFeatures.SyncToolSpecification tool(String name, String key, Path dir, Map<String, Object> schema) {
        return McpServerFeatures.SyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder().name(name).description(name).inputSchema(schema).build())
                .callHandler((exchange, request) -> {
                    try {
                        Object sleep = request.arguments().get("sleepMs");
                        if (sleep instanceof Number) {
                            Thread.sleep(((Number) sleep).longValue());
                        }
                        Files.createFile(dir.resolve(name + "-" + request.arguments().get(key)));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return McpSchema.CallToolResult.builder().addTextContent(name + " done " + request.arguments()).build();
                })
                .build();
    }
}
