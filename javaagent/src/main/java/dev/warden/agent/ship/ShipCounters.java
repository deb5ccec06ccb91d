package dev.warden.agent.ship;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the shipper has done, for tests and for the agent's status line. Written by the shipper
 * thread, readable from any thread.
 */
public final class ShipCounters {
    public final LongAdder hellos = new LongAdder();
    public final LongAdder batchesSent = new LongAdder();
    public final LongAdder recordsSent = new LongAdder();
    public final LongAdder backPressured = new LongAdder();
    public final LongAdder rewinds = new LongAdder();
    public final LongAdder truncated = new LongAdder();
    public final LongAdder unreadable = new LongAdder();
    public final LongAdder gapsDeclared = new LongAdder();
    public final LongAdder chainMismatch = new LongAdder();
    public final LongAdder badControl = new LongAdder();
    public final LongAdder collectorKeyChanged = new LongAdder();
    public final LongAdder stateWriteFailures = new LongAdder();
    public final LongAdder filesDeleted = new LongAdder();
    public final LongAdder instancesFinished = new LongAdder();
    public final LongAdder errors = new LongAdder();
    public final LongAdder heartbeats = new LongAdder();
    public final LongAdder orders = new LongAdder();

    @Override
    public String toString() {
        return "sent=" + recordsSent.sum() + " batches=" + batchesSent.sum() + " rewinds=" + rewinds.sum()
                + " backPressured=" + backPressured.sum() + " truncated=" + truncated.sum()
                + " finished=" + instancesFinished.sum() + " errors=" + errors.sum();
    }
}
