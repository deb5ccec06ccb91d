package dev.warden.agent.it.apps;

import io.modelcontextprotocol.client.McpAsyncClient;
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
import java.util.function.Function;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.mcp.AsyncMcpToolCallbackProvider;
import org.springframework.ai.mcp.SyncMcpToolCallbackProvider;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;

/**
 * A Spring AI 2.0.1 agent ({@code ChatClient} against a mock OpenAI-compatible model) whose tools
 * are an MCP server's ({@link McpServerApp}, forked over stdio, no agent in it), reached through
 * Spring AI's MCP tool callbacks: {@code SyncMcpToolCallback} over an {@code McpSyncClient}
 * ({@code sync}) or {@code AsyncMcpToolCallback} over an {@code McpAsyncClient} ({@code async}).
 * Beside them one {@code @Tool} method, {@code forwardRefund}, whose body makes its own MCP call
 * ({@code issueRefund}) through the same client. Prints the callbacks' tool names and the answer.
 * Arguments: the model's base URL, the conversation id, the marker directory, the server's class
 * path, {@code sync} or {@code async}.
 */
public final class SpringMcpToolApp {
    /** The {@code @Tool} whose body calls the MCP server itself. */
    public static final class Forwarder {
        private final Function<McpSchema.CallToolRequest, McpSchema.CallToolResult> mcp;

        Forwarder(Function<McpSchema.CallToolRequest, McpSchema.CallToolResult> mcp) {
            this.mcp = mcp;
        }

        @Tool(description = "Forwards a refund to the payments server")
        public String forwardRefund(@ToolParam(description = "order") String orderId, @ToolParam(description = "EUR") double amount) {
            System.out.println("tool ran: forwardRefund " + orderId + " " + amount);
            McpSchema.CallToolResult r = mcp.apply(new McpSchema.CallToolRequest("issueRefund", Map.of("orderId", orderId, "amount", amount)));
            return "forwarded: error=" + Boolean.TRUE.equals(r.isError());
        }
    }

    public static void main(String[] args) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ServerParameters server = ServerParameters.builder(java.toString())
                .args(new ArrayList<>(List.of("-cp", args[3], McpServerApp.class.getName(), args[2]))).build();
        StdioClientTransport transport = new StdioClientTransport(server, McpJsonDefaults.getMapper());
        boolean async = "async".equals(args[4]);
        ToolCallback[] callbacks;
        Function<McpSchema.CallToolRequest, McpSchema.CallToolResult> mcp;
        Runnable close;
        if (async) {
            McpAsyncClient client = McpClient.async(transport).requestTimeout(Duration.ofSeconds(30)).initializationTimeout(Duration.ofSeconds(60)).build();
            client.initialize().block();
            callbacks = AsyncMcpToolCallbackProvider.builder().mcpClients(client).build().getToolCallbacks();
            mcp = request -> client.callTool(request).block();
            close = () -> client.closeGracefully().block();
        } else {
            McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30)).initializationTimeout(Duration.ofSeconds(60)).build();
            client.initialize();
            callbacks = SyncMcpToolCallbackProvider.builder().mcpClients(client).build().getToolCallbacks();
            mcp = client::callTool;
            close = client::closeGracefully;
        }
        for (ToolCallback c : callbacks) {
            System.out.println("callback: " + c.getClass().getSimpleName() + " " + c.getToolDefinition().name());
        }
        OpenAiChatModel model = OpenAiChatModel.builder()
                .options(OpenAiChatOptions.builder().baseUrl(args[0]).apiKey("test").model("gpt-4o-mini").maxRetries(0).build())
                .build();
        String answer = ChatClient.builder(model).defaultToolCallbacks(callbacks).defaultTools(new Forwarder(mcp)).build()
                .prompt().user("Please refund")
                .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, args[1]))
                .call().content();
        System.out.println("answer: " + answer);
        close.run();
    }
}
