package dev.warden.agent.bootstrap;

/**
 * What the {@link Bridge}'s tool and session entry points forward to: implemented once by
 * Warden's runtime ({@code dev.warden.agent.tool.ToolGovernor}) and installed in
 * {@link Bridge#tools}. Arguments are plain objects (framework types are read reflectively
 * through the application's class loader).
 *
 * <p>{@link #toolCall} returns null (not governed), an object of the hooked method's return type
 * (the call is denied: the injected code returns it instead of running the tool), or an opaque
 * token handed back to {@link #toolExit}. Called on application threads, any number at once;
 * implementations must be thread-safe and must not throw.
 */
public interface ToolDispatcher {
    /** A tool call is about to run; {@code framework} is one of {@code Bridge.TOOL_*}. */
    Object toolCall(int framework, Object a, Object b, Object c);

    /** {@code answer} (what {@link #toolCall} returned) when it is a denial result, else null. */
    Object toolDenial(Object answer);

    /**
     * The replacement of the hooked method's first argument when an {@code action: modify} rule
     * changed the tool's arguments (built through the framework's own request type), else null.
     */
    Object toolArgument(Object token);

    /** The governed tool call whose {@code token} it is returned {@code value} or threw {@code thrown}. */
    void toolExit(Object token, Object value, Throwable thrown);

    /** A framework entry point ({@code Bridge.SCOPE_*}) starts on this thread: returns the token restoring the previous context. */
    Object scopeEnter(int scope, Object a);

    /** The scope whose {@code token} it is ended on this thread. */
    void scopeExit(Object token);

    // ---- session and principal propagation (dev.warden.agent.session) ----

    /** The calling thread's context (session, parent, principal) to hand to another thread, or null when it has none of them. */
    Object capture();

    /** Applies a captured context to the calling thread; returns what {@link #restore} puts back. */
    Object apply(Object context);

    void restore(Object previous);

    /** An executor's {@code execute} starts (true) or ends (false) on this thread: threads it starts are its workers, not the task's. */
    void submitting(boolean start);

    /** {@code thread} is being started by the calling thread. */
    void threadStarting(Object thread);

    /** {@code thread} (the calling thread) begins to run. */
    void threadRunning(Object thread);
}
