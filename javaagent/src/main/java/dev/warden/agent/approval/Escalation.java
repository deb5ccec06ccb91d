package dev.warden.agent.approval;

import dev.warden.rules.Action;
import dev.warden.rules.Decision;
import dev.warden.rules.evidence.EvidenceRecord;

/**
 * An escalated call whose approval is awaited without holding a thread: the private copies of
 * its action, decision and (not yet appended) decision record, taken on the calling thread when
 * an asynchronous call site ({@code McpAsyncClient.callTool}'s {@code Mono}) asked the
 * {@code Governor} to defer the escalation. The approval gate's future settles it later, on
 * whatever thread completes it ({@code Governor.settle}). Owned by one stage at a time: created
 * by the caller, handed over to the thread that settles it; never shared.
 */
public final class Escalation {
    /** The evidence id of the decision ({@code <instance>-<seq>}): the approval's id. */
    public final String id;
    public final long seq;
    public final Action action;
    public final Decision decision;
    public final EvidenceRecord record;

    public Escalation(String id, long seq, Action action, Decision decision, EvidenceRecord record) {
        this.id = id;
        this.seq = seq;
        this.action = new Action().copyFrom(action);
        this.decision = new Decision().copyFrom(decision);
        this.record = record.copy();
    }
}
