package dev.warden.agent.ship;

/**
 * How a request for human approval through the collector ended. Immutable, safe to share.
 *
 * @param status what happened
 * @param approver who decided ({@code null} unless approved or denied by a person)
 * @param waitedMillis how long the calling thread waited, from request to completion
 * @param detail a short human-readable explanation (why it is unavailable, for instance)
 */
public record ApprovalResult(Status status, String approver, long waitedMillis, String detail) {
    public enum Status {
        /** A named approver approved it: the action may go ahead. */
        APPROVED("approved"),
        /** A named approver denied it. */
        DENIED("denied"),
        /** Nobody decided before the timeout (the collector also expires it). */
        TIMED_OUT("timeout"),
        /** The collector could not be reached, or the shipper is not running: apply {@code on_timeout}. */
        UNAVAILABLE("unavailable");

        /** The word used in evidence ({@code approval.decision}). */
        public final String label;

        Status(String label) {
            this.label = label;
        }
    }

    public boolean approved() {
        return status == Status.APPROVED;
    }
}
