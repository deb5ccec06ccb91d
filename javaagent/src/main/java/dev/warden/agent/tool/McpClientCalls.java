package dev.warden.agent.tool;

import dev.warden.agent.approval.ApprovalGate;
import dev.warden.agent.approval.Escalation;
import dev.warden.agent.runtime.Call;
import dev.warden.agent.runtime.CallContext;
import dev.warden.agent.runtime.Family;
import dev.warden.agent.runtime.Governor;
import dev.warden.agent.runtime.Log;
import dev.warden.agent.runtime.ThreadState;
import dev.warden.rules.Verdict;
import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * MCP Java SDK client tool calls ({@code McpAsyncClient.callTool}, behind which the sync client
 * blocks): the hooked method answers at once with a governed {@code Mono} in place of its own.
 * Governance happens at each subscription, on the subscriber's thread, with the session and parent
 * of the thread that called {@code callTool}:
 * <ul>
 * <li>denied: {@code Mono.just(error CallToolResult)}, nothing reaches the server;</li>
 * <li>allowed: the client's own {@code callTool} (invoked once more, recognised and let through),
 *     whose completion, error or cancellation records the outcome, so its duration covers the real
 *     tool call;</li>
 * <li>escalated: the approval is asked through a future ({@code ApprovalGate.request}); no thread
 *     waits for it, neither the subscriber's (which may be an event loop) nor any other. When the
 *     answer comes, a Reactor worker records the decision and either answers the error result or
 *     subscribes the real call.</li>
 * </ul>
 * An MCP server's escalated tool call is deferred the same way ({@link #deferredHandler}).
 * Thread-safe; the per-thread pass-through counter is confined to its thread.
 */
final class McpClientCalls {
    /** Depth of Warden's own {@code callTool} invocations on this thread: those run ungoverned (they already were). */
    private static final ThreadLocal<int[]> OWN = ThreadLocal.withInitial(() -> new int[1]);
    private static final ConcurrentHashMap<Class<?>, Method> CALL_TOOL = new ConcurrentHashMap<>();

    private final ToolGovernor tools;
    private final Governor governor;

    McpClientCalls(ToolGovernor tools, Governor governor) {
        this.tools = tools;
        this.governor = governor;
    }

    /** {@code client.callTool(request)} was called: the governed {@code Mono} to return instead, or null to run the method (Warden's own call). */
    Object callTool(Object client, Object request) throws ReflectiveOperationException {
        if (OWN.get()[0] > 0) {
            return null;
        }
        ThreadState ts = Governor.state();
        if (ToolGovernor.nestedMcpCall(ts, request)) {
            return null; // a Spring AI MCP callback's own client call: that callback's decision governs it
        }
        CallContext caller = ts.session != null
                ? new CallContext(ts.session, ts.sessionSource, ts.parent)
                : new CallContext(Mcp.clientSession(client), Mcp.SESSION_SOURCE, ts.parent);
        ReactorMono rx = ReactorMono.of(request.getClass().getClassLoader());
        return rx.defer(() -> subscribed(client, request, caller, rx));
    }

    /** One subscription: decide, then the answer's {@code Mono}. Runs on the subscriber's thread. */
    private Object subscribed(Object client, Object request, CallContext caller, ReactorMono rx) {
        ClassLoader loader = request.getClass().getClassLoader();
        try {
            ThreadState ts = Governor.state();
            String name = Mcp.name(request);
            String args = Mcp.arguments(request);
            Object decided;
            Object effective = request;
            try {
                tools.describe(ts, name, "mcp", args);
                decided = governor.decide(ts, Family.TOOL, caller, false, Governor.DEFER_ESCALATION | Governor.BLOCK_MESSAGE);
                if (decided instanceof Call && ts.decision.verdict() == Verdict.MODIFY) {
                    String modified = tools.modifiedArgs(ts, args);
                    if (modified != null) {
                        Object rebuilt = Mcp.withArguments(request, modified);
                        effective = rebuilt != null ? rebuilt : request;
                    }
                }
            } catch (Throwable t) {
                decided = governor.failure(Family.TOOL, t);
            }
            if (decided instanceof String || decided instanceof Throwable) {
                return rx.just(Mcp.errorResult(loader, decided instanceof String ? (String) decided : ((Throwable) decided).getMessage()));
            }
            if (decided instanceof Escalation) {
                Escalation e = (Escalation) decided;
                CompletableFuture<ApprovalGate.Resolution> answer = governor.requestApproval(e);
                Object target = effective;
                return rx.whenDone(answer, res -> settled(client, target, e, (ApprovalGate.Resolution) res, rx));
            }
            return governed(client, effective, (Call) decided, rx);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw ReactorMono.unchecked(e);
        }
    }

    /** The approver's answer, on a Reactor worker: record it, then the error result or the real call. */
    private Object settled(Object client, Object request, Escalation e, ApprovalGate.Resolution res, ReactorMono rx) {
        try {
            Object s = governor.settle(e, Family.TOOL, res);
            if (s instanceof Throwable) {
                return rx.just(Mcp.errorResult(request.getClass().getClassLoader(), ((Throwable) s).getMessage()));
            }
            return governed(client, request, (Call) s, rx);
        } catch (ReflectiveOperationException | RuntimeException ex) {
            throw ReactorMono.unchecked(ex);
        }
    }

    /**
     * An MCP server tool call whose escalation was deferred ({@code GovernedToolHandler}): the
     * {@code Mono} the handler answers at once; when the approval comes, a Reactor worker records
     * it and runs the handler (with the tool's session and parent, the tool guard held so wrappers
     * are not evaluated again) or answers the error result. The transport's thread never waits.
     */
    @SuppressWarnings("unchecked")
    Object deferredHandler(Escalation e, Object handler, Object exchange, Object request, CallContext tool) throws ReflectiveOperationException {
        ReactorMono rx = ReactorMono.of(request.getClass().getClassLoader());
        CompletableFuture<ApprovalGate.Resolution> answer = governor.requestApproval(e);
        return rx.whenDone(answer, res -> {
            try {
                Object s = governor.settle(e, Family.TOOL, (ApprovalGate.Resolution) res);
                if (s instanceof Throwable) {
                    return rx.just(Mcp.errorResult(request.getClass().getClassLoader(), ((Throwable) s).getMessage()));
                }
                ThreadState ts = Governor.state();
                String session = ts.session;
                String source = ts.sessionSource;
                String parent = ts.parent;
                ts.session = tool.session;
                ts.sessionSource = tool.sessionSource;
                ts.parent = tool.parent;
                ts.enter(Family.TOOL);
                Object mono;
                try {
                    mono = ((java.util.function.BiFunction<Object, Object, Object>) handler).apply(exchange, request);
                } catch (RuntimeException | Error t) {
                    finish((Call) s, "error", t.getClass().getName());
                    throw t;
                } finally {
                    ts.leave(Family.TOOL);
                    ts.session = session;
                    ts.sessionSource = source;
                    ts.parent = parent;
                }
                Call call = (Call) s;
                return rx.observed(mono,
                        v -> finish(call, v == null || !Mcp.isError(v) ? "ok" : "error", v != null && Mcp.isError(v) ? "tool error result" : null),
                        t -> finish(call, "error", t.getClass().getName()),
                        () -> finish(call, "cancelled", null));
            } catch (ReflectiveOperationException ex) {
                throw ReactorMono.unchecked(ex);
            }
        });
    }

    /** The client's own {@code callTool(request)}, its outcome recorded when the {@code Mono} completes, fails or is cancelled. */
    private Object governed(Object client, Object request, Call call, ReactorMono rx) throws ReflectiveOperationException {
        if (call == null) {
            // failure=open after an internal error: the call goes ahead unrecorded
            return invoke(client, request, rx);
        }
        Object mono;
        int[] own = OWN.get();
        own[0]++;
        try {
            mono = callToolMethod(client.getClass()).invoke(client, request);
        } catch (java.lang.reflect.InvocationTargetException t) {
            governor.finish(call, "error", t.getCause() == null ? null : t.getCause().getClass().getName());
            return rx.error(t.getCause() != null ? t.getCause() : t);
        } finally {
            own[0]--;
        }
        return rx.observed(mono,
                v -> finish(call, v == null || !Mcp.isError(v) ? "ok" : "error", v != null && Mcp.isError(v) ? "tool error result" : null),
                t -> finish(call, "error", t.getClass().getName()),
                () -> finish(call, "cancelled", null));
    }

    private static Object invoke(Object client, Object request, ReactorMono rx) throws ReflectiveOperationException {
        int[] own = OWN.get();
        own[0]++;
        try {
            return callToolMethod(client.getClass()).invoke(client, request);
        } catch (java.lang.reflect.InvocationTargetException t) {
            return rx.error(t.getCause() != null ? t.getCause() : t);
        } finally {
            own[0]--;
        }
    }

    private void finish(Call call, String status, String detail) {
        try {
            governor.finish(call, status, detail);
        } catch (Throwable t) {
            Log.once("mcp-outcome:" + t.getClass().getName(), "could not record the outcome of an MCP tool call (" + t + ")");
        }
    }

    private static Method callToolMethod(Class<?> client) throws NoSuchMethodException {
        Method m = CALL_TOOL.get(client);
        if (m == null) {
            Class<?> request = null;
            for (Method c : client.getMethods()) {
                if (c.getName().equals("callTool") && c.getParameterCount() == 1
                        && c.getParameterTypes()[0].getName().equals("io.modelcontextprotocol.spec.McpSchema$CallToolRequest")) {
                    request = c.getParameterTypes()[0];
                }
            }
            if (request == null) {
                throw new NoSuchMethodException(client.getName() + ".callTool(CallToolRequest)");
            }
            m = client.getMethod("callTool", request);
            CALL_TOOL.putIfAbsent(client, m);
        }
        return m;
    }
}
