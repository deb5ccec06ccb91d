package dev.warden.agent.tool;

import dev.warden.agent.runtime.Reflect;

import java.util.Map;

/**
 * Spring AI 2.0 read reflectively (no compile-time dependency): a {@code ToolCallback}'s tool
 * name ({@code getToolDefinition().name()}) and a {@code ChatClientRequest}'s conversation id
 * ({@code context().get("chat_memory_conversation_id")}, the advisor parameter
 * {@code ChatMemory.CONVERSATION_ID}), and the MCP tool behind a Spring AI MCP tool callback. A denied Spring AI tool call returns its refusal text
 * as the tool result (any exception would abort {@code ChatClient.call()}). Method lookups are
 * cached per class; thread-safe.
 */
final class SpringAi {
    static final String SESSION_SOURCE = "spring-ai-conversation-id";
    static final String CONVERSATION_ID = "chat_memory_conversation_id";
    static final String SYNC_MCP_CALLBACK = "org.springframework.ai.mcp.SyncMcpToolCallback";
    static final String ASYNC_MCP_CALLBACK = "org.springframework.ai.mcp.AsyncMcpToolCallback";


    private SpringAi() {
    }

    /** The name the model calls the tool by. */
    static String name(Object callback) {
        Object v = Reflect.callOrNull(Reflect.callOrNull(callback, "getToolDefinition"), "name");
        return v == null ? "unknown" : v.toString();
    }

    /**
     * The MCP tool a Spring AI MCP tool callback ({@code org.springframework.ai.mcp.SyncMcpToolCallback},
     * {@code AsyncMcpToolCallback} or a subclass) calls ({@code getOriginalToolName()}), or null
     * for any other callback.
     */
    static String mcpToolName(Object callback) {
        if (callback == null) {
            return null;
        }
        for (Class<?> c = callback.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            String n = c.getName();
            if (n.equals(SYNC_MCP_CALLBACK) || n.equals(ASYNC_MCP_CALLBACK)) {
                Object v = Reflect.callOrNull(callback, "getOriginalToolName");
                return v == null ? null : v.toString();
            }
        }
        return null;
    }

    /** The conversation id of a {@code ChatClientRequest}, or null when the call set none. */
    static String conversationId(Object chatClientRequest) {
        Object context = Reflect.callOrNull(chatClientRequest, "context");
        if (context instanceof Map) {
            Object id = ((Map<?, ?>) context).get(CONVERSATION_ID);
            return id == null ? null : id.toString();
        }
        return null;
    }
}
