package dev.warden.agent.approval;

import dev.warden.rules.Action;
import dev.warden.rules.Decision;

/**
 * The approval gates that need nobody: {@code approvals=deny} (the default without a collector:
 * every escalation is denied with "no approver") and {@code approvals=allow} (every escalation is
 * approved, for trials). Stateless; any thread.
 */
public final class FixedApprovals implements ApprovalGate {
    public static final FixedApprovals DENY = new FixedApprovals(false, "no approver (approvals=deny)");
    public static final FixedApprovals ALLOW = new FixedApprovals(true, "approved without an approver (approvals=allow)");
    /** Until the collector's approval client exists (issue 6), {@code approvals=collector} cannot reach anyone. */
    public static final FixedApprovals UNREACHABLE = new FixedApprovals(false, "no approver reachable (approvals=collector needs the collector connection)");

    private final Resolution resolution;

    private FixedApprovals(boolean approve, String reason) {
        this.resolution = new Resolution(approve, approve ? "approvals=allow" : null, approve ? "approved" : "denied", 0, reason);
    }

    @Override
    public Resolution await(String id, Action action, Decision decision) {
        return resolution;
    }
}
