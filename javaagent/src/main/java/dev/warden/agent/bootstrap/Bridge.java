package dev.warden.agent.bootstrap;

import java.io.IOException;

/**
 * The static methods that injected bytecode calls. Every hook makes exactly one call here at each
 * advice point; everything else happens in the {@link Dispatcher} Warden's runtime installs.
 *
 * <p>Contract with the injected code: an {@code Object} result that is a {@link Throwable} is
 * thrown as is (it is Warden's block exception); any other non-null result is a token handed
 * back to one of the {@code exit*} methods when the method returns or throws. Nothing thrown by
 * the dispatcher escapes: a failure is turned into the configured failure mode's answer. Any
 * thread; lock-free; allocation-free itself.
 */
public final class Bridge {
    /** Installed once by Warden's runtime; null until then (calls pass through ungoverned). */
    public static volatile Dispatcher dispatcher;

    // JDBC execution kinds (for the evidence and for batches)
    public static final int SQL_EXECUTE = 0;
    public static final int SQL_QUERY = 1;
    public static final int SQL_UPDATE = 2;
    public static final int SQL_BATCH = 3;

    // library HTTP clients: what (a, b) of httpRequest are
    /** Apache HttpClient 4 exec chain: (HttpRoute, HttpRequestWrapper). */
    public static final int APACHE4 = 1;
    /** Apache HttpClient 5 classic ConnectExec: (ClassicHttpRequest, ExecChain.Scope). */
    public static final int APACHE5 = 2;
    /** Apache HttpClient 5 MinimalHttpClient: (HttpHost, ClassicHttpRequest). */
    public static final int APACHE5_MINIMAL = 3;
    /** OkHttp 4 BridgeInterceptor: (Interceptor.Chain, null). */
    public static final int OKHTTP = 4;

    // tool frameworks: what (a, b, c) of toolCall are
    /** LangChain4j {@code ToolService.executeWithErrorHandling}: (ToolExecutionRequest, ToolExecutor, InvocationContext). */
    public static final int TOOL_LANGCHAIN4J = 1;
    /** Spring AI {@code ToolCallback.call(String, ToolContext)} implementations: (the callback, input JSON, ToolContext). */
    public static final int TOOL_SPRING_AI = 2;
    /** MCP Java SDK client {@code McpAsyncClient.callTool} (the sync client delegates): (the client, CallToolRequest, null). */
    public static final int TOOL_MCP_CLIENT = 3;
    /** MCP Java SDK server tool call handler ({@link GovernedToolHandler}): (McpAsyncServerExchange, CallToolRequest, the handler). */
    public static final int TOOL_MCP_SERVER = 4;
    /** A custom tool from {@code config=FILE} ({@code class#method}): (this or null, Object[] arguments, "name\0parameter names"). */
    public static final int TOOL_CUSTOM = 5;
    /** A method annotated LangChain4j or Spring AI {@code @Tool}, called from anywhere: (this or null, Object[] arguments, "name\0parameter names"). */
    public static final int TOOL_ANNOTATED = 6;

    // framework scopes (session and parent for what runs inside): what a of scopeEnter is
    /** LangChain4j AI-service invocation: (InvocationContext). */
    public static final int SCOPE_LANGCHAIN4J_SERVICE = 1;
    /** A model client's own request ({@code parent: model}): (the model). */
    public static final int SCOPE_MODEL = 2;
    /** Spring AI {@code ChatClient} call: (ChatClientRequest). */
    public static final int SCOPE_SPRING_AI_CALL = 3;

    /** Installed once by Warden's runtime with the dispatcher; null until then (tools run ungoverned). */
    public static volatile ToolDispatcher tools;

    private Bridge() {
    }

    private static Object failed(Dispatcher d, Throwable t) {
        try {
            return d.internalError(t);
        } catch (Throwable again) {
            return null;
        }
    }

    public static void httpCallCreated(Object call) {
        Dispatcher d = dispatcher;
        if (d != null) {
            try {
                d.httpCallCreated(call);
            } catch (Throwable t) {
                failed(d, t);
            }
        }
    }

    public static Object httpJdkRequest(Object exchange, Object request) {
        Dispatcher d = dispatcher;
        if (d == null) {
            return null;
        }
        try {
            return d.httpJdkRequest(exchange, request);
        } catch (Throwable t) {
            return failed(d, t);
        }
    }

    public static void httpJdkResponse(Object exchange, int status) {
        Dispatcher d = dispatcher;
        if (d != null) {
            try {
                d.httpJdkResponse(exchange, status);
            } catch (Throwable t) {
                failed(d, t);
            }
        }
    }

    public static void httpJdkCompleted(Object exchange, Object future) {
        Dispatcher d = dispatcher;
        if (d != null) {
            try {
                d.httpJdkCompleted(exchange, future);
            } catch (Throwable t) {
                failed(d, t);
            }
        }
    }

    public static Object httpConnection(Object connection) {
        Dispatcher d = dispatcher;
        if (d == null) {
            return null;
        }
        try {
            return d.httpConnection(connection);
        } catch (Throwable t) {
            return failed(d, t);
        }
    }

    public static void httpConnectionResponse(Object connection, int responseCode) {
        Dispatcher d = dispatcher;
        if (d != null) {
            try {
                d.httpConnectionResponse(connection, responseCode, null);
            } catch (Throwable t) {
                failed(d, t);
            }
        }
    }

    public static void httpConnectionFailed(Throwable thrown, Object connection, int responseCode) {
        Dispatcher d = dispatcher;
        if (d != null) {
            try {
                d.httpConnectionResponse(connection, responseCode, thrown);
            } catch (Throwable t) {
                failed(d, t);
            }
        }
    }

    public static Object httpRequest(int client, Object a, Object b) {
        Dispatcher d = dispatcher;
        if (d == null) {
            return null;
        }
        try {
            return d.httpRequest(client, a, b);
        } catch (Throwable t) {
            return failed(d, t);
        }
    }

    /**
     * {@code HttpClient.send} re-wraps whatever failed the exchange in a plain {@code IOException};
     * a Warden block inside is unwrapped so a synchronous caller sees the block exception itself.
     */
    public static Throwable unwrapBlocked(Throwable t) {
        Throwable cause = t.getCause();
        if (t instanceof IOException && !(t instanceof WardenBlocked) && cause instanceof WardenBlocked && cause instanceof IOException) {
            return cause;
        }
        return t;
    }

    public static void sqlPrepared(Object statement, String sql) {
        Dispatcher d = dispatcher;
        if (d != null) {
            try {
                d.sqlPrepared(statement, sql);
            } catch (Throwable t) {
                failed(d, t);
            }
        }
    }

    public static void sqlAddBatch(Object statement, String sql) {
        Dispatcher d = dispatcher;
        if (d != null) {
            try {
                d.sqlBatch(statement, sql, false);
            } catch (Throwable t) {
                failed(d, t);
            }
        }
    }

    public static void sqlClearBatch(Object statement) {
        Dispatcher d = dispatcher;
        if (d != null) {
            try {
                d.sqlBatch(statement, null, true);
            } catch (Throwable t) {
                failed(d, t);
            }
        }
    }

    public static Object sqlExecute(Object statement, String sql, int method) {
        Dispatcher d = dispatcher;
        if (d == null) {
            return null;
        }
        try {
            return d.sqlExecute(statement, sql, method);
        } catch (Throwable t) {
            return failed(d, t);
        }
    }

    public static Object processStart(Object builder) {
        Dispatcher d = dispatcher;
        if (d == null) {
            return null;
        }
        try {
            return d.processStart(builder);
        } catch (Throwable t) {
            return failed(d, t);
        }
    }

    public static Object processPipeline(Object builders) {
        Dispatcher d = dispatcher;
        if (d == null) {
            return null;
        }
        try {
            return d.processPipeline(builders);
        } catch (Throwable t) {
            return failed(d, t);
        }
    }

    // ---- tools and framework scopes ----

    public static Object toolCall(int framework, Object a, Object b, Object c) {
        ToolDispatcher d = tools;
        if (d == null) {
            return null;
        }
        try {
            return d.toolCall(framework, a, b, c);
        } catch (Throwable t) {
            Dispatcher main = dispatcher;
            if (main != null) {
                failed(main, t);
            }
            return null;
        }
    }

    /** What {@link #toolCall} returned, when it is a denial (the framework's error result); else null. */
    public static Object toolDenial(Object answer) {
        ToolDispatcher d = tools;
        if (d == null || answer == null) {
            return null;
        }
        try {
            return d.toolDenial(answer);
        } catch (Throwable t) {
            return null;
        }
    }

    /** An MCP server tool specification is being built: its handler, governed. */
    @SuppressWarnings("unchecked")
    public static java.util.function.BiFunction<Object, Object, Object> wrapToolHandler(java.util.function.BiFunction<Object, Object, Object> handler) {
        if (tools == null || handler == null || handler instanceof GovernedToolHandler) {
            return handler;
        }
        return new GovernedToolHandler(handler);
    }

    /** After {@link #toolCall}: the modified first argument, or null to keep it. */
    public static Object toolArgument(Object token) {
        ToolDispatcher d = tools;
        if (d == null || token == null) {
            return null;
        }
        try {
            return d.toolArgument(token);
        } catch (Throwable t) {
            return null;
        }
    }

    public static void toolExit(Object value, Object token) {
        ToolDispatcher d = tools;
        if (token != null && d != null) {
            try {
                d.toolExit(token, value, null);
            } catch (Throwable ignored) {
                // the tool's result stands; its outcome record is lost
            }
        }
    }

    public static void toolThrown(Throwable thrown, Object token) {
        ToolDispatcher d = tools;
        if (token != null && d != null) {
            try {
                d.toolExit(token, null, thrown);
            } catch (Throwable ignored) {
                // the tool's exception stands; its outcome record is lost
            }
        }
    }

    /** An inbound request's handling begins (servlet {@code service}, JDK {@code HttpServer} filter chain): the principal header. */
    public static Object principalEnter(Object request) {
        Dispatcher d = dispatcher;
        if (d == null) {
            return null;
        }
        try {
            return d.principalEnter(request);
        } catch (Throwable t) {
            return null;
        }
    }

    public static void principalExit(Object token) {
        Dispatcher d = dispatcher;
        if (d == null || token == null) {
            return;
        }
        try {
            d.principalExit(token);
        } catch (Throwable t) {
            // restoring the previous principal failed: nothing else to do
        }
    }

    public static Object scopeEnter(int scope, Object a) {
        ToolDispatcher d = tools;
        if (d == null) {
            return null;
        }
        try {
            return d.scopeEnter(scope, a);
        } catch (Throwable t) {
            return null;
        }
    }

    public static void scopeExit(Object token) {
        ToolDispatcher d = tools;
        if (token != null && d != null) {
            try {
                d.scopeExit(token);
            } catch (Throwable ignored) {
                // nothing to restore
            }
        }
    }

    // ---- session and principal propagation: executors, CompletableFuture async stages, AsyncContext.start, threads ----

    /** An executor's {@code execute(task)} begins: the task, wrapped in its submitter's context (session, parent, principal) when there is one. */
    public static Runnable wrapTask(Runnable task) {
        ToolDispatcher d = tools;
        if (d == null) {
            return task;
        }
        try {
            d.submitting(true); // paired with submitted() at the method's exit, whether the task is wrapped or not
            if (task == null || task instanceof ContextRunnable) {
                return task;
            }
            Object ctx = d.capture();
            return ctx == null ? task : new ContextRunnable(task, ctx);
        } catch (Throwable t) {
            return task;
        }
    }

    /** The {@code Callable} form of {@link #wrapTask} ({@code schedule(Callable, ...)}, {@code ForkJoinPool.submit(Callable)}). */
    @SuppressWarnings({"rawtypes", "unchecked"})
    public static java.util.concurrent.Callable wrapCallable(java.util.concurrent.Callable task) {
        ToolDispatcher d = tools;
        if (d == null) {
            return task;
        }
        try {
            d.submitting(true); // paired with submitted() at the method's exit, whether the task is wrapped or not
            if (task == null || task instanceof ContextCallable) {
                return task;
            }
            Object ctx = d.capture();
            return ctx == null ? task : new ContextCallable(task, ctx);
        } catch (Throwable t) {
            return task;
        }
    }

    /** The executor's {@code execute} returned or threw. */
    public static void submitted() {
        ToolDispatcher d = tools;
        if (d != null) {
            try {
                d.submitting(false);
            } catch (Throwable ignored) {
                // nothing to undo
            }
        }
    }

    public static Object contextEnter(Object context) {
        ToolDispatcher d = tools;
        if (d == null || context == null) {
            return null;
        }
        try {
            return d.apply(context);
        } catch (Throwable t) {
            return null;
        }
    }

    public static void contextExit(Object previous) {
        ToolDispatcher d = tools;
        if (d != null && previous != null) {
            try {
                d.restore(previous);
            } catch (Throwable ignored) {
                // the thread keeps the task's context until its next task
            }
        }
    }

    public static void threadStarting(Object thread) {
        ToolDispatcher d = tools;
        if (d != null) {
            try {
                d.threadStarting(thread);
            } catch (Throwable ignored) {
                // the new thread starts without the session
            }
        }
    }

    public static void threadRunning(Object thread) {
        ToolDispatcher d = tools;
        if (d != null) {
            try {
                d.threadRunning(thread);
            } catch (Throwable ignored) {
                // the thread runs without the session
            }
        }
    }

    // ---- exits: the token is last so injected code can push the return value first ----

    public static void exitVoid(Object token) {
        exit(token, null, -1, null);
    }

    public static void exitValue(Object value, Object token) {
        exit(token, value, -1, null);
    }

    public static void exitCount(long count, Object token) {
        exit(token, null, count, null);
    }

    public static void exitThrown(Throwable thrown, Object token) {
        exit(token, null, -1, thrown);
    }

    private static void exit(Object token, Object value, long count, Throwable thrown) {
        Dispatcher d = dispatcher;
        if (token == null || d == null) {
            return;
        }
        try {
            d.exit(token, value, count, thrown);
        } catch (Throwable t) {
            failed(d, t);
        }
    }
}
