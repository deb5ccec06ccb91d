package dev.warden.agent.runtime;

/**
 * Who a governed call belongs to: its agent session (and where that id came from) and its
 * parent (the tool during which it happens, or {@code model} for a model client's own traffic).
 * Captured on the caller's thread when a call's hops run on other threads (JDK HttpClient,
 * OkHttp {@code enqueue}). Immutable.
 *
 * <p>Issue 4 (tool hooks, session propagation) sets the per-thread context in
 * {@link ThreadState}; every action reads it from there or from a captured {@code CallContext}.
 */
public final class CallContext {
    public final String session;
    public final String sessionSource;
    public final String parent;

    public CallContext(String session, String sessionSource, String parent) {
        this.session = session;
        this.sessionSource = sessionSource;
        this.parent = parent;
    }
}
