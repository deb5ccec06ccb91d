package dev.warden.agent.tool;

import java.lang.reflect.Method;
import java.util.Map;

/**
 * Spring AI 2.0 read reflectively (no compile-time dependency): a {@code ToolCallback}'s tool
 * name ({@code getToolDefinition().name()}) and a {@code ChatClientRequest}'s conversation id
 * ({@code context().get("chat_memory_conversation_id")}, the advisor parameter
 * {@code ChatMemory.CONVERSATION_ID}). A denied Spring AI tool call returns its refusal text
 * as the tool result (any exception would abort {@code ChatClient.call()}). Method lookups are
 * cached per class; thread-safe.
 */
final class SpringAi {
    static final String SESSION_SOURCE = "spring-ai-conversation-id";
    static final String CONVERSATION_ID = "chat_memory_conversation_id";

    private static final ClassValue<Method> DEFINITION = accessor("getToolDefinition");
    private static final ClassValue<Method> NAME = accessor("name");
    private static final ClassValue<Method> CONTEXT = accessor("context");

    private SpringAi() {
    }

    private static ClassValue<Method> accessor(String name) {
        return new ClassValue<>() {
            @Override
            protected Method computeValue(Class<?> type) {
                try {
                    Method m = type.getMethod(name);
                    m.setAccessible(true);
                    return m;
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return null;
                }
            }
        };
    }

    private static Object call(ClassValue<Method> accessor, Object target) {
        if (target == null) {
            return null;
        }
        Method m = accessor.get(target.getClass());
        if (m == null) {
            return null;
        }
        try {
            return m.invoke(target);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /** The name the model calls the tool by. */
    static String name(Object callback) {
        Object v = call(NAME, call(DEFINITION, callback));
        return v == null ? "unknown" : v.toString();
    }

    /** The conversation id of a {@code ChatClientRequest}, or null when the call set none. */
    static String conversationId(Object chatClientRequest) {
        Object context = call(CONTEXT, chatClientRequest);
        if (context instanceof Map) {
            Object id = ((Map<?, ?>) context).get(CONVERSATION_ID);
            return id == null ? null : id.toString();
        }
        return null;
    }
}
