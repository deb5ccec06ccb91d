package dev.warden.agent.bootstrap;

import java.util.function.BiFunction;

/**
 * An MCP server's tool call handler (MCP Java SDK {@code AsyncToolSpecification.callHandler},
 * {@code (exchange, CallToolRequest) -> Mono<CallToolResult>}) governed by Warden: each call is
 * evaluated first; a denied one answers the framework's error result (a {@code Mono} of a
 * {@code CallToolResult} with {@code isError}) and the handler never runs; an escalated one
 * answers a {@code Mono} that runs the handler once approved (nobody waits meanwhile). Installed by the hook
 * on the specification's constructor; lives on the bootstrap path so any class loader links to
 * it. Immutable; any thread.
 */
public final class GovernedToolHandler implements BiFunction<Object, Object, Object> {
    private final BiFunction<Object, Object, Object> handler;

    public GovernedToolHandler(BiFunction<Object, Object, Object> handler) {
        this.handler = handler;
    }

    @Override
    public Object apply(Object exchange, Object request) {
        // the handler itself goes along: an escalated call runs it later, when the approval comes
        Object token = Bridge.toolCall(Bridge.TOOL_MCP_SERVER, exchange, request, handler);
        Object denied = Bridge.toolDenial(token);
        if (denied != null) {
            return denied;
        }
        Object modified = Bridge.toolArgument(token);
        Object value;
        try {
            value = handler.apply(exchange, modified != null ? modified : request);
        } catch (RuntimeException | Error e) {
            Bridge.toolThrown(e, token);
            throw e;
        }
        Bridge.toolExit(value, token);
        return value;
    }
}
