package dev.warden.agent.tool;

import dev.warden.agent.runtime.Reflect;

import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;

/**
 * LangChain4j 1.19 read and built reflectively through the application's class loader (Warden
 * has no compile-time dependency on it): a {@code ToolExecutionRequest}'s name and JSON
 * arguments, an {@code InvocationContext}'s chat memory id, a {@code ToolExecutionResult}'s
 * error flag, and the error result a denied call returns
 * ({@code ToolExecutionResult.builder().isError(true).resultText(message).build()}). Method
 * lookups are cached per class; thread-safe.
 */
final class LangChain4j {
    static final String SESSION_SOURCE = "langchain4j-memory-id";
    private static final String RESULT = "dev.langchain4j.service.tool.ToolExecutionResult";

    private static final ConcurrentHashMap<ClassLoader, Method[]> BUILDERS = new ConcurrentHashMap<>();

    private LangChain4j() {
    }

    static String name(Object request) {
        Object v = Reflect.callOrNull(request, "name");
        return v == null ? "unknown" : v.toString();
    }

    static String arguments(Object request) {
        Object v = Reflect.callOrNull(request, "arguments");
        return v == null ? "{}" : v.toString();
    }

    /** The chat memory id of an {@code InvocationContext}, or null when there is none. */
    static String memoryId(Object invocationContext) {
        Object v = Reflect.callOrNull(invocationContext, "chatMemoryId");
        return v == null ? null : v.toString();
    }

    static boolean isError(Object result) {
        return Boolean.TRUE.equals(Reflect.callOrNull(result, "isError"));
    }

    /** A {@code ToolExecutionResult} with {@code isError} and {@code message}, built in {@code loader}. */
    static Object errorResult(ClassLoader loader, String message) throws ReflectiveOperationException {
        ClassLoader key = loader != null ? loader : ClassLoader.getSystemClassLoader();
        Method[] m = BUILDERS.get(key);
        if (m == null) {
            Class<?> result = Class.forName(RESULT, false, key);
            Method builder = result.getMethod("builder");
            Class<?> b = builder.getReturnType();
            m = new Method[] {builder, b.getMethod("isError", boolean.class), b.getMethod("resultText", String.class), b.getMethod("build")};
            BUILDERS.putIfAbsent(key, m);
        }
        Object b = m[0].invoke(null);
        m[1].invoke(b, true);
        m[2].invoke(b, message);
        return m[3].invoke(b);
    }

    /** A copy of the {@code ToolExecutionRequest} with other arguments, built through its own builder. */
    static Object withArguments(Object request, String json) throws ReflectiveOperationException {
        Class<?> type = request.getClass();
        Method builder = type.getMethod("builder");
        Object b = builder.invoke(null);
        Class<?> bt = b.getClass();
        bt.getMethod("id", String.class).invoke(b, type.getMethod("id").invoke(request));
        bt.getMethod("name", String.class).invoke(b, type.getMethod("name").invoke(request));
        bt.getMethod("arguments", String.class).invoke(b, json);
        return bt.getMethod("build").invoke(b);
    }
}
