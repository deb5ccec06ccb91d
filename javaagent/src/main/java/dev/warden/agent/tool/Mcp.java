package dev.warden.agent.tool;

import dev.warden.agent.runtime.Reflect;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * MCP Java SDK 2.x read and built reflectively through the application's class loader (no
 * compile-time dependency): a {@code CallToolRequest}'s tool name and arguments (as JSON), and the
 * answer of a denied client call, {@code Mono.just(CallToolResult.builder().addTextContent(message)
 * .isError(true).build())}: nothing is sent to the server. Thread-safe; lookups cached.
 */
final class Mcp {
    static final String SESSION_SOURCE = "mcp-client";
    static final String SERVER_SESSION_SOURCE = "mcp-session";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final ConcurrentHashMap<ClassLoader, Method[]> BUILDERS = new ConcurrentHashMap<>();

    private Mcp() {
    }

    static String name(Object request) {
        Object v = Reflect.callOrNull(request, "name");
        return v == null ? "unknown" : v.toString();
    }

    /** The request's arguments as JSON ({@code {}} when it has none or they cannot be written). */
    static String arguments(Object request) {
        Object v = Reflect.callOrNull(request, "arguments");
        if (!(v instanceof Map)) {
            return "{}";
        }
        try {
            return JSON.writeValueAsString(v);
        } catch (Exception e) {
            return "{}";
        }
    }

    /** An MCP server exchange's session id ({@code McpAsyncServerExchange.sessionId()}), or null. */
    static String serverSession(Object exchange) {
        Object v = Reflect.callOrNull(exchange, "sessionId");
        return v == null ? null : v.toString();
    }

    /** The session of a client outside any framework session: the client instance. */
    static String clientSession(Object client) {
        return "mcp-client:" + client.getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(client));
    }

    /** {@code Mono.just(error CallToolResult)} built in {@code loader}. */
    static Object deniedMono(ClassLoader loader, String message) throws ReflectiveOperationException {
        return builders(loader)[4].invoke(null, errorResult(loader, message));
    }

    private static Method[] builders(ClassLoader loader) throws ReflectiveOperationException {
        ClassLoader key = loader != null ? loader : ClassLoader.getSystemClassLoader();
        Method[] m = BUILDERS.get(key);
        if (m == null) {
            Class<?> result = Class.forName("io.modelcontextprotocol.spec.McpSchema$CallToolResult", false, key);
            Method builder = result.getMethod("builder");
            Class<?> b = builder.getReturnType();
            Class<?> mono = Class.forName("reactor.core.publisher.Mono", false, key);
            m = new Method[] {builder, b.getMethod("addTextContent", String.class), b.getMethod("isError", Boolean.class), b.getMethod("build"),
                mono.getMethod("just", Object.class)};
            BUILDERS.putIfAbsent(key, m);
        }
        return m;
    }

    /** An error {@code CallToolResult} carrying {@code message}, built in {@code loader} (the value of {@link #deniedMono}). */
    static Object errorResult(ClassLoader loader, String message) throws ReflectiveOperationException {
        Method[] m = builders(loader);
        Object b = m[0].invoke(null);
        m[1].invoke(b, message);
        m[2].invoke(b, Boolean.TRUE);
        return m[3].invoke(b);
    }

    /** Whether a {@code CallToolResult} is an error result. */
    static boolean isError(Object result) {
        return Boolean.TRUE.equals(Reflect.callOrNull(result, "isError"));
    }

    /** A {@code CallToolRequest} for the same tool with other arguments ({@code new CallToolRequest(name, Map)}). */
    static Object withArguments(Object request, String json) throws ReflectiveOperationException {
        Map<?, ?> args;
        try {
            args = JSON.readValue(json, Map.class);
        } catch (Exception e) {
            return null;
        }
        return request.getClass().getConstructor(String.class, Map.class).newInstance(name(request), args);
    }
}
