package dev.warden.agent.bootstrap;

/**
 * A task handed to an executor (or servlet {@code AsyncContext.start}) by a thread inside an agent
 * session or acting for a principal: runs the task with the submitter's session, parent and
 * principal ({@code context}, opaque here) on whatever thread executes it, and restores that
 * thread's own context afterwards (a pooled worker never keeps a session or a user). Created by
 * {@link Bridge#wrapTask} only when the submitting thread has something to carry; lives on the
 * bootstrap path because JDK executors must link to it. Immutable; run by one thread at a time.
 */
public final class ContextRunnable implements Runnable {
    private final Runnable task;
    private final Object context;

    public ContextRunnable(Runnable task, Object context) {
        this.task = task;
        this.context = context;
    }

    @Override
    public void run() {
        Object previous = Bridge.contextEnter(context);
        try {
            task.run();
        } finally {
            Bridge.contextExit(previous);
        }
    }

    @Override
    public String toString() {
        return task.toString();
    }
}
