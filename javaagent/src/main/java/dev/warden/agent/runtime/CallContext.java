package dev.warden.agent.runtime;

/**
 * Who a governed call belongs to: its agent session (and where that id came from), its parent
 * (the tool during which it happens, or {@code model} for a model client's own traffic) and, when
 * it travels to another thread with a task or a new thread, the principal (the end user) its
 * submitter acted for. Captured on the caller's thread when a call's hops run on other threads
 * (JDK HttpClient, OkHttp {@code enqueue}) and when work is handed to an executor or a thread
 * ({@code session/SessionPropagation}). Immutable.
 *
 * <p>Issue 4 (tool hooks, session propagation) sets the per-thread context in
 * {@link ThreadState}; every action reads it from there or from a captured {@code CallContext}.
 */
public final class CallContext {
    public final String session;
    public final String sessionSource;
    public final String parent;
    /** The principal a task or thread carries from its submitter (null: none); calls' hops carry theirs separately. */
    public final String principal;

    public CallContext(String session, String sessionSource, String parent) {
        this(session, sessionSource, parent, null);
    }

    public CallContext(String session, String sessionSource, String parent, String principal) {
        this.session = session;
        this.sessionSource = sessionSource;
        this.parent = parent;
        this.principal = principal;
    }
}
