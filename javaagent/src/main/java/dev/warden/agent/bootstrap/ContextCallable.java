package dev.warden.agent.bootstrap;

import java.util.concurrent.Callable;

/**
 * The {@code Callable} form of {@link ContextRunnable}: a task handed to an executor
 * ({@code ScheduledThreadPoolExecutor.schedule(Callable, ...)}, {@code ForkJoinPool.submit(Callable)})
 * by a thread inside an agent session or acting for a principal runs with its submitter's session,
 * parent and principal, and the executing thread's own context is restored afterwards. Created by
 * {@link Bridge#wrapCallable} only when there is something to carry. Immutable; called by one
 * thread at a time.
 */
public final class ContextCallable<V> implements Callable<V> {
    private final Callable<V> task;
    private final Object context;

    public ContextCallable(Callable<V> task, Object context) {
        this.task = task;
        this.context = context;
    }

    @Override
    public V call() throws Exception {
        Object previous = Bridge.contextEnter(context);
        try {
            return task.call();
        } finally {
            Bridge.contextExit(previous);
        }
    }

    @Override
    public String toString() {
        return task.toString();
    }
}
