package dev.warden.agent.session;

import dev.warden.agent.principal.PrincipalSource;
import dev.warden.agent.runtime.CallContext;
import dev.warden.agent.runtime.Governor;
import dev.warden.agent.runtime.ThreadState;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Carries an agent session (and the tool running as {@code parent}) and the principal (the end
 * user the thread acts for, {@link PrincipalSource#current()}) to other threads: a task handed to a
 * {@code ThreadPoolExecutor} or {@code ForkJoinPool} (which is where {@code CompletableFuture}'s
 * async stages go; also {@code ForkJoinPool.submit} and {@code ScheduledThreadPoolExecutor}'s
 * {@code schedule*}, periodic runs included) or to servlet {@code AsyncContext.start} is wrapped
 * with its submitter's context, captured at submission, applied around the task's run and the
 * executing thread's own restored afterwards (so a pooled worker never keeps a session or a user);
 * a {@code Thread} (an application subclass overriding {@code run()} included: its {@code run} is
 * woven) or virtual thread started inside a session or with a principal begins with that context
 * and keeps it for its life: {@code Thread.start()}, {@code Thread.ofVirtual().start},
 * and the threads a thread-per-task executor ({@code Executors.newVirtualThreadPerTaskExecutor()},
 * {@code newThreadPerTaskExecutor}) or a structured-concurrency scope starts for each task, which
 * the JDK starts through the package-private {@code start(ThreadContainer)} and never through
 * {@code start()} (see {@link ThreadAdvice}). Lambdas are hidden classes no transformer sees, so the context travels
 * with the task object where it is handed over, never through the lambda.
 *
 * <p>Only framework sessions and tool parents travel: a thread's own default session stays its
 * own, except inside a tool, whose session (its thread's, when no framework set one) travels with
 * its work. Threads an executor starts as its workers (inside {@code execute} or
 * {@code ThreadPoolExecutor.addWorker}, or on JDK 19+ into a pool's shared thread container) do not
 * inherit their starter's context: each task carries its own. Thread subclasses of the JDK itself (e.g. {@code ForkJoinWorkerThread})
 * never inherit: they are pool workers.
 *
 * <p>Any thread; state per thread lives in its {@link ThreadState} (session, parent, principal,
 * submission depth). A submission with neither session nor principal costs three reads of the
 * thread state's thread-local (plus the configured MDC/thread-local principal sources' reads) and
 * allocates nothing; only a submission with something to carry allocates (its context and the
 * wrapper), and running a wrapped task allocates the context it restores.
 */
public final class SessionPropagation {
    /** Threads started inside a session and not yet running: their context. */
    private final ConcurrentHashMap<Thread, CallContext> starting = new ConcurrentHashMap<>();
    private static final Class<?> VIRTUAL = virtualThreadClass();
    /** Whose principal source ({@code config principal:}) says who the submitting thread acts for. */
    private final Governor governor;

    public SessionPropagation(Governor governor) {
        this.governor = governor;
    }

    private static Class<?> virtualThreadClass() {
        try {
            return Class.forName("java.lang.VirtualThread", false, null);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /** The context a task or thread started now inherits, or null when there is nothing to carry. */
    public Object capture() {
        ThreadState ts = Governor.state();
        if (ts.internal) {
            return null;
        }
        PrincipalSource ps = governor.principals;
        String principal = ps == null ? null : ps.current(ts);
        if (ts.session == null && ts.parent == null) {
            return principal == null ? null : new CallContext(null, null, null, principal);
        }
        // inside a tool, the tool's session travels even when it is its thread's own (a tool called outside any framework)
        return new CallContext(ts.parent != null ? ts.session() : ts.session, ts.parent != null ? ts.sessionSource() : ts.sessionSource, ts.parent,
                principal);
    }

    /** Puts {@code context} (session, parent, principal) on the calling thread; returns the context it replaced. */
    public Object apply(Object context) {
        ThreadState ts = Governor.state();
        CallContext c = (CallContext) context;
        CallContext previous = new CallContext(ts.session, ts.sessionSource, ts.parent, ts.principal);
        ts.session = c.session;
        ts.sessionSource = c.sessionSource;
        ts.parent = c.parent;
        ts.principal = c.principal;
        return previous;
    }

    public void restore(Object previous) {
        apply(previous);
    }

    /** Counts the executor submissions in progress on this thread (never below zero: an exit whose entry went unseen, e.g. while the agent was installed). */
    public void submitting(boolean start) {
        ThreadState ts = Governor.state();
        if (start) {
            ts.submitting++;
        } else if (ts.submitting > 0) {
            ts.submitting--;
        }
    }

    public void threadStarting(Object thread) {
        Class<?> type = thread.getClass();
        if (type != Thread.class && type != VIRTUAL && type.getClassLoader() == null) {
            return; // the JDK's own thread types (pool workers, innocuous threads): their run is not woven
        }
        if (Governor.state().submitting > 0) {
            return;
        }
        Object ctx = capture();
        if (ctx != null) {
            starting.put((Thread) thread, (CallContext) ctx);
        }
    }

    public void threadRunning(Object thread) {
        if (starting.isEmpty() || thread != Thread.currentThread()) {
            return; // nothing pending, or run() called as a plain method on another thread
        }
        CallContext ctx = starting.remove(thread);
        if (ctx != null) {
            apply(ctx);
        }
    }
}
