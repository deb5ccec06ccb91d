package dev.warden.agent.session;

import dev.warden.agent.runtime.CallContext;
import dev.warden.agent.runtime.Governor;
import dev.warden.agent.runtime.ThreadState;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Carries an agent session (and the tool running as {@code parent}) to other threads: a task
 * handed to a {@code ThreadPoolExecutor} or {@code ForkJoinPool} (which is where
 * {@code CompletableFuture}'s async stages go) is wrapped with its submitter's context, and a
 * {@code Thread} or virtual thread started inside a session begins with it. Lambdas are hidden
 * classes no transformer sees, so the context travels with the task object where it is handed
 * over, never through the lambda.
 *
 * <p>Only framework sessions and tool parents travel: a thread's own default session stays its
 * own. Threads an executor starts as its workers (inside {@code execute}) do not inherit the task's
 * context: the task carries it. Subclasses of {@code Thread} that override {@code run()} are not
 * covered (their {@code run} never reaches {@code Thread.run}).
 *
 * <p>Any thread; a submission outside a session costs two thread-local reads and allocates nothing.
 */
public final class SessionPropagation {
    private static final ThreadLocal<int[]> SUBMITTING = ThreadLocal.withInitial(() -> new int[1]);
    /** Threads started inside a session and not yet running: their context. */
    private final ConcurrentHashMap<Thread, CallContext> starting = new ConcurrentHashMap<>();
    private static final Class<?> VIRTUAL = virtualThreadClass();

    private static Class<?> virtualThreadClass() {
        try {
            return Class.forName("java.lang.VirtualThread", false, null);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /** The context a task or thread started now inherits, or null. */
    public Object capture() {
        ThreadState ts = Governor.state();
        if (ts.internal || (ts.session == null && ts.parent == null)) {
            return null;
        }
        return new CallContext(ts.session, ts.sessionSource, ts.parent);
    }

    /** Puts {@code context} on the calling thread; returns the context it replaced. */
    public Object apply(Object context) {
        ThreadState ts = Governor.state();
        CallContext c = (CallContext) context;
        CallContext previous = new CallContext(ts.session, ts.sessionSource, ts.parent);
        ts.session = c.session;
        ts.sessionSource = c.sessionSource;
        ts.parent = c.parent;
        return previous;
    }

    public void restore(Object previous) {
        apply(previous);
    }

    public void submitting(boolean start) {
        SUBMITTING.get()[0] += start ? 1 : -1;
    }

    public void threadStarting(Object thread) {
        Class<?> type = thread.getClass();
        if (type != Thread.class && type != VIRTUAL) {
            return;
        }
        if (SUBMITTING.get()[0] > 0) {
            return;
        }
        Object ctx = capture();
        if (ctx != null) {
            starting.put((Thread) thread, (CallContext) ctx);
        }
    }

    public void threadRunning(Object thread) {
        if (starting.isEmpty()) {
            return;
        }
        CallContext ctx = starting.remove(thread);
        if (ctx != null) {
            apply(ctx);
        }
    }
}
