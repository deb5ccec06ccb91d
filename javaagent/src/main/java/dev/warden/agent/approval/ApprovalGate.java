package dev.warden.agent.approval;

import dev.warden.rules.Action;
import dev.warden.rules.Decision;
import java.util.concurrent.CompletableFuture;

/**
 * Decides an escalated call (a rule with {@code action: escalate}): the calling thread waits in
 * {@link #await} until an approver answers or the rule's timeout passes. {@code approvals=deny}
 * and {@code approvals=allow} answer at once ({@link FixedApprovals}); {@code approvals=collector}
 * (issue 6) asks a human through the collector. Asynchronous call sites (an MCP client's
 * {@code Mono}) use {@link #request} instead, so no thread waits: the future completes when the
 * approver answers or the timeout passes. Implementations are thread-safe.
 */
public interface ApprovalGate {
    /** The answer for one escalated call; {@code id} is the decision's evidence id. */
    Resolution await(String id, Action action, Decision decision);

    /**
     * The answer for one escalated call, without waiting: completes exactly once, never
     * exceptionally. Gates that answer at once need not override it.
     */
    default CompletableFuture<Resolution> request(String id, Action action, Decision decision) {
        return CompletableFuture.completedFuture(await(id, action, decision));
    }

    /** How an escalation ended. Immutable. */
    record Resolution(boolean approved, String approver, String decision, long waitedMillis, String reason) {
    }
}
