package dev.warden.agent.approval;

import dev.warden.rules.Action;
import dev.warden.rules.Decision;

/**
 * Decides an escalated call (a rule with {@code action: escalate}): the calling thread waits in
 * {@link #await} until an approver answers or the rule's timeout passes. {@code approvals=deny}
 * and {@code approvals=allow} answer at once ({@link FixedApprovals}); {@code approvals=collector}
 * (issue 6) asks a human through the collector. Implementations are thread-safe.
 */
public interface ApprovalGate {
    /** The answer for one escalated call; {@code id} is the decision's evidence id. */
    Resolution await(String id, Action action, Decision decision);

    /** How an escalation ended. Immutable. */
    record Resolution(boolean approved, String approver, String decision, long waitedMillis, String reason) {
    }
}
