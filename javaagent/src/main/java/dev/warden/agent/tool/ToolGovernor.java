package dev.warden.agent.tool;

import dev.warden.agent.bootstrap.Bridge;
import dev.warden.agent.bootstrap.ToolDispatcher;
import dev.warden.agent.approval.Escalation;
import dev.warden.agent.evidence.EvidenceKey;
import dev.warden.agent.evidence.KeyedDigest;
import dev.warden.agent.runtime.Call;
import dev.warden.agent.runtime.CallContext;
import dev.warden.agent.runtime.Family;
import dev.warden.agent.runtime.Governor;
import dev.warden.agent.runtime.Log;
import dev.warden.agent.runtime.ThreadState;
import dev.warden.agent.session.SessionPropagation;
import dev.warden.rules.Kind;
import dev.warden.rules.Verdict;
import dev.warden.rules.evidence.EvidenceRecord;

/**
 * Governs tool calls and sets the per-thread context of framework scopes, behind
 * {@link Bridge#tools}: a tool call becomes a {@code tool} action ({@code tool}, {@code framework},
 * {@code args}), is evaluated and recorded through the {@link Governor} (escalations of synchronous
 * call sites wait on the calling thread in the approval gate; an MCP client's {@code Mono} is
 * governed at subscription and waits through a future, and so does an MCP server's escalated
 * handler, see {@link McpClientCalls}), and, when denied, answers with the framework's own error
 * result carrying {@code Blocked by policy <rule>: <reason>} so the model sees the refusal and the
 * tool body never runs. While an allowed tool runs, the thread's session is the tool's and its
 * {@code parent} is the tool's name, so the HTTP, SQL and process actions inside carry both.
 * One user-level call is one decision: the {@code @Tool} method a framework invokes for the call it
 * governed, and the MCP client call a Spring AI MCP tool callback makes for it
 * ({@link #nestedMcpCall}), are recognised and not governed again.
 *
 * <p>Framework scopes: a LangChain4j AI-service invocation sets the session from its chat memory
 * id ({@code session_source: langchain4j-memory-id}); a model client's own request sets
 * {@code parent: model}. Tokens restore the previous context at exit, so scopes nest.
 *
 * <p>Any application thread. Hot path (a framework tool call, allowed or denied), allocation-free
 * here: the thread's reusable {@link Token} (a call nested in an open call gets its own), its
 * reusable {@code Call} ({@code Governor.POOLED_CALL}; one with a budget reservation gets its own)
 * and the thread's {@link KeyedDigest} ({@code ThreadState.digest}). Still allocated per call: the
 * arguments digest's string (128 B: the record's field is a {@code String}), a denial's refusal text, and what a framework's own
 * accessors return (LangChain4j's arguments, MCP's argument map written as JSON).
 */
public final class ToolGovernor implements ToolDispatcher {
    public static final String MODEL = "model";

    private final Governor governor;
    private final SessionPropagation propagation;
    private final McpClientCalls mcpClient;

    public ToolGovernor(Governor governor) {
        this.governor = governor;
        this.propagation = new SessionPropagation(governor);
        this.mcpClient = new McpClientCalls(this, governor);
    }

    /**
     * What a tool call or scope restores when it ends. Confined to the call's thread. A thread's
     * tool calls reuse one instance ({@link PerThread#token}) while it is free; a call nested in a
     * call still open gets its own.
     */
    static final class Token {
        final ThreadState ts;
        String session;
        String sessionSource;
        String parent;
        Object outerToolCall;
        /** The thread's reusable token is handed out (set until {@link #restore}). */
        boolean inUse;
        Call call;
        int framework;
        /** The rebuilt first argument after an {@code action: modify}, or null. */
        Object replacement;
        /** The tool's name (framework calls: matched by the annotated method the framework then invokes). */
        String name;
        /** A framework call whose annotated method has been entered (that entry was not governed again). */
        boolean claimed;
        /** The hooked framework object (a Spring AI {@code ToolCallback}): what a nested MCP client call is matched against. */
        Object callback;

        Token(ThreadState ts) {
            this.ts = ts;
            open();
        }

        /** Saves the thread's context (to be restored) and clears what the previous call left. */
        Token open() {
            ThreadState t = ts;
            session = t.session;
            sessionSource = t.sessionSource;
            parent = t.parent;
            outerToolCall = t.toolCall;
            inUse = true;
            call = null;
            framework = 0;
            replacement = null;
            name = null;
            claimed = false;
            callback = null;
            return this;
        }

        /** Frees the token of a call that changed nothing on the thread (not governed here); returns {@code answer}. */
        Object free(Object answer) {
            inUse = false;
            return answer;
        }

        /** Puts the saved context back; the token is free again (called once per call that changed the context, on every path). */
        void restore() {
            ts.session = session;
            ts.sessionSource = sessionSource;
            ts.parent = parent;
            ts.toolCall = outerToolCall;
            inUse = false;
        }
    }

    /** A thread's reusable tool-call objects, kept in its {@code ThreadState} (slot {@code SCRATCH_TOOL}). Confined to that thread. */
    static final class PerThread {
        final Token token;

        PerThread(ThreadState ts) {
            token = new Token(ts);
            token.inUse = false;
        }

        static PerThread of(ThreadState ts) {
            Object p = ts.scratch(ThreadState.SCRATCH_TOOL);
            if (p == null) {
                p = new PerThread(ts);
                ts.scratch(ThreadState.SCRATCH_TOOL, p);
            }
            return (PerThread) p;
        }

        /** The thread's token when it is free, else a new one (a tool call inside a tool call). */
        Token token() {
            return token.inUse ? new Token(token.ts) : token.open();
        }
    }

    @Override
    public Object toolCall(int framework, Object a, Object b, Object c) {
        ThreadState ts = Governor.state();
        if (ts.internal) {
            return null;
        }
        PerThread own = PerThread.of(ts);
        Token token = own.token();
        try {
            String name;
            String args;
            String frameworkName;
            switch (framework) {
                case Bridge.TOOL_LANGCHAIN4J: {
                    name = LangChain4j.name(a);
                    args = LangChain4j.arguments(a);
                    frameworkName = "langchain4j";
                    String memoryId = LangChain4j.memoryId(c);
                    if (memoryId != null) {
                        ts.session = memoryId;
                        ts.sessionSource = LangChain4j.SESSION_SOURCE;
                    }
                    break;
                }
                case Bridge.TOOL_SPRING_AI: {
                    if (ts.inside(Family.TOOL)) {
                        return token.free(null); // a wrapper (AugmentedToolCallback ...) delegating to a governed callback
                    }
                    name = SpringAi.name(a);
                    String input = b == null ? null : b.toString();
                    args = input == null || input.isBlank() ? "{}" : input;
                    frameworkName = "spring-ai";
                    break;
                }
                case Bridge.TOOL_MCP_CLIENT:
                    // answered at once with a Mono governed at subscription (escalations wait through a future, not a thread)
                    return token.free(mcpClient.callTool(a, b));
                case Bridge.TOOL_MCP_SERVER: {
                    if (ts.inside(Family.TOOL)) {
                        return token.free(null); // a wrapper around a governed handler (structured output)
                    }
                    name = Mcp.name(b);
                    args = Mcp.arguments(b);
                    frameworkName = "mcp";
                    String session = Mcp.serverSession(a);
                    if (session != null) {
                        ts.session = session;
                        ts.sessionSource = Mcp.SERVER_SESSION_SOURCE;
                    }
                    break;
                }
                case Bridge.TOOL_CUSTOM:
                    name = CustomTools.name(c);
                    args = CustomTools.arguments(c, b, ts.text);
                    frameworkName = "custom";
                    break;
                case Bridge.TOOL_ANNOTATED: {
                    name = CustomTools.name(c);
                    Object outer = ts.toolCall;
                    if (outer instanceof Token && !((Token) outer).claimed && name.equals(((Token) outer).name)) {
                        // the framework's own invocation of the tool it just governed: one call, one evaluation
                        ((Token) outer).claimed = true;
                        return token.free(null);
                    }
                    args = CustomTools.arguments(c, b, ts.text);
                    frameworkName = "annotated";
                    break;
                }
                default:
                    return token.free(null);
            }
            describe(ts, name, frameworkName, args);
            boolean throwsBlock = framework == Bridge.TOOL_CUSTOM || framework == Bridge.TOOL_ANNOTATED;
            // framework call sites answer an error result: only the block message is needed, no exception is built
            // an MCP server's handler answers a Mono: its escalation waits through a future, not on the transport's thread
            // the outcome is recorded at this method's exit, on this thread: the thread's reusable Call serves it
            int flags = (throwsBlock ? 0 : Governor.BLOCK_MESSAGE) | (framework == Bridge.TOOL_MCP_SERVER && c != null ? Governor.DEFER_ESCALATION : 0)
                    | Governor.POOLED_CALL;
            Object decided = governor.decide(ts, Family.TOOL, null, false, flags);
            if (decided instanceof Escalation) {
                CallContext context = new CallContext(ts.session, ts.sessionSource, name);
                token.restore();
                return mcpClient.deferredHandler((Escalation) decided, c, a, b, context);
            }
            if (decided instanceof Throwable || decided instanceof String) {
                token.restore();
                if (throwsBlock) {
                    return decided; // the block exception, thrown at the call site
                }
                return denial(framework, a, b, decided instanceof String ? (String) decided : ((Throwable) decided).getMessage());
            }
            token.call = (Call) decided;
            token.framework = framework;
            token.name = name;
            token.callback = a;
            if (framework == Bridge.TOOL_LANGCHAIN4J || framework == Bridge.TOOL_SPRING_AI) {
                ts.toolCall = token; // the annotated method the framework invokes next is this call
            }
            if (ts.decision.verdict() == Verdict.MODIFY) {
                String modified = modifiedArgs(ts, args);
                if (modified != null) {
                    token.replacement = rebuilt(framework, a, b, modified);
                }
            }
            ts.parent = name;
            if (framework == Bridge.TOOL_SPRING_AI || framework == Bridge.TOOL_MCP_SERVER) {
                ts.enter(Family.TOOL); // Spring AI wrappers delegate to the callback they wrap: one evaluation
            }
            return token;
        } catch (Throwable t) {
            token.restore();
            Object f = governor.failure(Family.TOOL, t);
            if (f instanceof Throwable && (framework == Bridge.TOOL_CUSTOM || framework == Bridge.TOOL_ANNOTATED)) {
                return f;
            }
            if (f instanceof Throwable) {
                try {
                    return denial(framework, a, b, ((Throwable) f).getMessage());
                } catch (Throwable again) {
                    Log.once("tool-denial:" + again.getClass().getName(), "could not build a tool's error result (" + again + ")");
                }
            }
            return null;
        }
    }

    /**
     * True when an MCP client's {@code callTool(request)} on this thread is the call a Spring AI
     * MCP tool callback ({@code SyncMcpToolCallback}/{@code AsyncMcpToolCallback}) governed just
     * before: the innermost governed framework call on this thread is such a callback, still
     * unclaimed, and the request names the callback's MCP tool ({@code getOriginalToolName()}, the
     * name before Spring AI's optional prefix). It is then claimed, so the callback's one call is
     * one evaluation and one decision (framework {@code spring-ai}) and the client's call goes
     * ahead ungoverned. Recognised where the client is called, on the callback's thread: the
     * {@code Mono} may be subscribed on a Reactor thread, but that call was already decided. Any
     * other MCP call (a second one, another tool, one made from a {@code @Tool} method's body) is
     * its own call and governed as such.
     */
    static boolean nestedMcpCall(ThreadState ts, Object request) {
        Object outer = ts.toolCall;
        if (!(outer instanceof Token)) {
            return false;
        }
        Token t = (Token) outer;
        if (t.claimed || t.framework != Bridge.TOOL_SPRING_AI) {
            return false;
        }
        String tool = SpringAi.mcpToolName(t.callback);
        if (tool == null || !tool.equals(Mcp.name(request))) {
            return false;
        }
        t.claimed = true;
        return true;
    }

    /**
     * Fills the thread's action and decision record for a tool call (the caller then asks the
     * governor to decide). The arguments' keyed digest is taken here, on the calling thread (clear
     * arguments never reach the evidence ring), by the thread's {@link KeyedDigest}: allocation-free
     * but for the digest string.
     */
    void describe(ThreadState ts, String name, String frameworkName, String args) {
        Governor.begin(ts);
        ts.action.kind(Kind.TOOL).tool(name).framework(frameworkName).args(args);
        EvidenceRecord r = ts.record;
        r.target = name;
        r.attributes.put("tool", name);
        r.attributes.put("framework", frameworkName);
        EvidenceKey key = governor.key();
        if (key != null && args != null) {
            r.argsDigest = ts.digest(key).digest(args);
        }
    }

    /** The arguments after the decision's {@code action: modify} clauses, or null when they are unchanged. */
    static String modifiedArgs(ThreadState ts, String args) {
        String modified = args;
        for (int i = 0; i < ts.decision.modifyCount(); i++) {
            modified = ts.decision.modify(i).applyToArgs(modified);
        }
        return modified != null && !modified.equals(args) ? modified : null;
    }

    /** The hooked method's first argument carrying {@code json} as the tool's arguments. */
    private static Object rebuilt(int framework, Object a, Object b, String json) throws ReflectiveOperationException {
        switch (framework) {
            case Bridge.TOOL_LANGCHAIN4J:
                return LangChain4j.withArguments(a, json);
            case Bridge.TOOL_SPRING_AI:
                return json;
            case Bridge.TOOL_MCP_SERVER:
                return Mcp.withArguments(b, json); // the handler's request (the injected code replaces the second argument)
            default:
                return null;
        }
    }

    @Override
    public Object toolDenial(Object answer) {
        return answer instanceof Token ? null : answer;
    }

    @Override
    public Object toolArgument(Object token) {
        return token instanceof Token ? ((Token) token).replacement : null;
    }

    private static Object denial(int framework, Object a, Object b, String message) throws ReflectiveOperationException {
        switch (framework) {
            case Bridge.TOOL_LANGCHAIN4J:
                return LangChain4j.errorResult(b != null ? b.getClass().getClassLoader() : a.getClass().getClassLoader(), message);
            case Bridge.TOOL_SPRING_AI:
                return message;
            case Bridge.TOOL_MCP_CLIENT:
            case Bridge.TOOL_MCP_SERVER:
                return Mcp.deniedMono(b.getClass().getClassLoader(), message);
            default:
                throw new IllegalStateException("unknown tool framework " + framework);
        }
    }

    @Override
    public void toolExit(Object token, Object value, Throwable thrown) {
        if (!(token instanceof Token)) {
            return;
        }
        Token t = (Token) token;
        t.restore();
        if (t.call == null) {
            return;
        }
        if (t.framework == Bridge.TOOL_SPRING_AI || t.framework == Bridge.TOOL_MCP_SERVER) {
            t.ts.leave(Family.TOOL);
        }
        String status = "ok";
        String detail = null;
        if (thrown != null) {
            status = "error";
            detail = thrown.getClass().getName();
        } else if (t.framework == Bridge.TOOL_LANGCHAIN4J && LangChain4j.isError(value)) {
            status = "error";
            detail = "tool error result";
        }
        governor.finish(t.call, status, detail);
    }

    @Override
    public Object scopeEnter(int scope, Object a) {
        ThreadState ts = Governor.state();
        if (ts.internal) {
            return null;
        }
        Token token = new Token(ts);
        switch (scope) {
            case Bridge.SCOPE_LANGCHAIN4J_SERVICE: {
                String memoryId = LangChain4j.memoryId(a);
                if (memoryId == null) {
                    return null;
                }
                ts.session = memoryId;
                ts.sessionSource = LangChain4j.SESSION_SOURCE;
                return token;
            }
            case Bridge.SCOPE_SPRING_AI_CALL: {
                String conversation = SpringAi.conversationId(a);
                if (conversation == null) {
                    return null;
                }
                ts.session = conversation;
                ts.sessionSource = SpringAi.SESSION_SOURCE;
                return token;
            }
            case Bridge.SCOPE_MODEL:
                ts.parent = MODEL;
                return token;
            default:
                return null;
        }
    }

    @Override
    public void scopeExit(Object token) {
        if (token instanceof Token) {
            ((Token) token).restore();
        }
    }

    // ---- session propagation ----

    @Override
    public Object capture() {
        return propagation.capture();
    }

    @Override
    public Object apply(Object context) {
        return propagation.apply(context);
    }

    @Override
    public void restore(Object previous) {
        propagation.restore(previous);
    }

    @Override
    public void submitting(boolean start) {
        propagation.submitting(start);
    }

    @Override
    public void threadStarting(Object thread) {
        propagation.threadStarting(thread);
    }

    @Override
    public void threadRunning(Object thread) {
        propagation.threadRunning(thread);
    }
}
