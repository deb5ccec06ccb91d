package dev.warden.agent.bootstrap;

/**
 * Marks every exception Warden throws to block a call (HTTP, JDBC, process, tool), so the
 * application, tests and evidence readers recognise a policy block whatever its base type. On
 * the bootstrap class path, so every class loader sees the same interface.
 */
public interface WardenBlocked {
    /** The evidence id ({@code <instance>-<seq>}) of the decision that blocked the call, or null. */
    String evidenceId();
}
