package dev.warden.agent.principal;

/**
 * A task a servlet request handed to {@code AsyncContext.start(Runnable)}: runs it, on whatever
 * container thread picks it up, with the principal header of the request that started it, then
 * restores that thread's own. Created by {@link PrincipalSource#task}; implements only the JDK's
 * {@code Runnable}, so the container links to nothing of Warden's. Immutable; run by one thread
 * at a time.
 */
final class PrincipalTask implements Runnable {
    private final Runnable task;
    private final String principal;

    PrincipalTask(Runnable task, String principal) {
        this.task = task;
        this.principal = principal;
    }

    @Override
    public void run() {
        PrincipalSource.runAs(principal, task);
    }

    @Override
    public String toString() {
        return task.toString();
    }
}
