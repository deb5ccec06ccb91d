package dev.warden.agent.ship;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Human approval through the collector ({@code approvals=collector}): the agent's
 * {@code ApprovalGate} calls {@link #request} for an escalated action and waits on the future.
 *
 * <h2>Contract</h2>
 * <ul>
 * <li>{@code request} never blocks and never throws for a runtime condition: it queues the
 *     request for the shipper thread ({@code warden-shipper}), which sends it to the collector
 *     over the authenticated link of this JVM's instance, resending every second until the
 *     collector confirms receipt. It then appears in {@code GET /api/approvals} and in
 *     {@code warden approvals list}.</li>
 * <li>The future completes exactly once: {@code APPROVED}/{@code DENIED} with the approver's
 *     name when a person decides ({@code warden approvals approve ID --as alice}),
 *     {@code TIMED_OUT} when {@code timeoutMillis} passes first, {@code UNAVAILABLE} at once when
 *     no shipper runs, or at the timeout when the collector was never reached. {@code waitedMillis}
 *     is measured from the call. The caller applies the rule's {@code on_timeout} to anything
 *     but {@code APPROVED}, and records decision, approver and wait in the evidence.</li>
 * <li>The future is completed on the shipper thread: block on it with {@code get(timeout)} or
 *     use the {@code ...Async} continuations; never run long work in a synchronous continuation.</li>
 * <li>{@code approvalId} must be unique per request (the decision record's id is a good choice);
 *     a second request with a pending id fails fast with {@code IllegalStateException}.
 *     {@code actionDigest} identifies the exact action (e.g. {@code hmac-sha256:...} of the
 *     arguments) so the approver sees what they approve; {@code summary} is the one line shown
 *     to them — never put secrets in it.</li>
 * <li>{@code principal}, when known, is the person the agent acts for: the collector refuses an
 *     approval by that same person (nobody approves their own request).</li>
 * </ul>
 *
 * <p>Thread-safe: any application thread may call {@link #request}.
 */
public final class CollectorApprovals {
    /** One request waiting for its decision; owned by the shipper thread after submission. */
    static final class Pending {
        final String id;
        final String digest;
        final String summary;
        final String session;
        final String principal;
        final long timeoutMillis;
        final long startNanos;
        final long deadlineNanos;
        final CompletableFuture<ApprovalResult> future = new CompletableFuture<>();
        boolean received;
        long lastSentNanos;
        boolean everSent;

        Pending(String id, String digest, String summary, String session, String principal, long timeoutMillis) {
            this.id = id;
            this.digest = digest;
            this.summary = summary;
            this.session = session;
            this.principal = principal;
            this.timeoutMillis = timeoutMillis;
            this.startNanos = System.nanoTime();
            this.deadlineNanos = startNanos + timeoutMillis * 1_000_000L;
        }

        long waitedMillis() {
            return (System.nanoTime() - startNanos) / 1_000_000L;
        }
    }

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<Pending> submitted = new ConcurrentLinkedQueue<>();
    private volatile boolean running;
    private volatile Runnable onSubmit = () -> { };

    CollectorApprovals() {
    }

    /** Run after each submitted request (the shipper's wake-up). */
    void onSubmit(Runnable r) {
        onSubmit = r;
    }

    /** Whether any request still waits for its decision. */
    boolean awaiting() {
        return !pending.isEmpty();
    }

    void running(boolean r) {
        running = r;
    }

    public CompletableFuture<ApprovalResult> request(String approvalId, String actionDigest, String summary, long timeoutMillis) {
        return request(approvalId, actionDigest, summary, null, null, timeoutMillis);
    }

    public CompletableFuture<ApprovalResult> request(String approvalId, String actionDigest, String summary,
                                                     String session, String principal, long timeoutMillis) {
        Objects.requireNonNull(approvalId, "approvalId");
        if (!running) {
            return CompletableFuture.completedFuture(new ApprovalResult(ApprovalResult.Status.UNAVAILABLE, null, 0,
                    "the evidence shipper is not running, so the collector cannot be asked"));
        }
        Pending p = new Pending(approvalId, actionDigest, summary, session, principal, Math.max(1, timeoutMillis));
        if (pending.putIfAbsent(approvalId, p) != null) {
            throw new IllegalStateException("approval " + approvalId + " is already pending");
        }
        p.future.whenComplete((r, e) -> pending.remove(approvalId, p));
        submitted.add(p);
        onSubmit.run();
        return p.future;
    }

    /** Pending requests (read by the shipper thread to resend and expire them). */
    Iterable<Pending> pendingRequests() {
        return pending.values();
    }

    Pending get(String id) {
        return pending.get(id);
    }

    /** Completes every waiting request as unavailable (the shipper is stopping). */
    void failAll(String why) {
        running = false;
        for (Pending p : pending.values()) {
            p.future.complete(new ApprovalResult(ApprovalResult.Status.UNAVAILABLE, null, p.waitedMillis(), why));
        }
    }
}
