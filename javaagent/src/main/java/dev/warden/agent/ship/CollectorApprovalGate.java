package dev.warden.agent.ship;

import dev.warden.agent.approval.ApprovalGate;
import dev.warden.rules.Action;
import dev.warden.rules.Decision;
import dev.warden.rules.Rule;
import dev.warden.rules.Verdict;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code approvals=collector}: an escalated call asks a person through the collector
 * ({@link CollectorApprovals}) and the calling thread waits for the answer, at most the rule's
 * approval timeout. Approved or denied by a named approver, the call goes ahead or not; no answer
 * in time, or no collector to ask, applies the rule's {@code on_timeout}. The request shows the
 * approver a one-line summary of the action that carries no secret (the URL without its query,
 * the normalised SQL, the command without its arguments, the tool's name) and a SHA-256 of the
 * whole action so they know exactly what they approve.
 *
 * <p>{@link #request} asks the same without waiting (asynchronous call sites).
 *
 * <p>Thread-safe: any number of application threads may wait at once.
 */
public final class CollectorApprovalGate implements ApprovalGate {
    /** Extra time the caller waits beyond the deadline for the shipper to report it (it completes every request by then). */
    private static final long GRACE_MILLIS = 2_000;

    private final CollectorApprovals approvals;

    public CollectorApprovalGate(CollectorApprovals approvals) {
        this.approvals = approvals;
    }

    @Override
    public Resolution await(String id, Action action, Decision decision) {
        Rule.Approval rule = decision.approval();
        long start = System.nanoTime();
        ApprovalResult result;
        try {
            result = approvals.request(id, digest(action), summary(action), action.session(), action.principal(), rule.timeoutMillis())
                    .get(rule.timeoutMillis() + GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            result = new ApprovalResult(ApprovalResult.Status.TIMED_OUT, null, elapsed(start), "no decision within " + rule.timeoutMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = new ApprovalResult(ApprovalResult.Status.UNAVAILABLE, null, elapsed(start), "interrupted while waiting for approval");
        } catch (ExecutionException | IllegalStateException e) {
            result = new ApprovalResult(ApprovalResult.Status.UNAVAILABLE, null, elapsed(start), "approval request failed: " + e.getMessage());
        }
        return resolution(rule, result);
    }

    /** The same answer as {@link #await} through a future: nobody waits; the collector link's thread or the JDK's delayer completes it. */
    @Override
    public CompletableFuture<Resolution> request(String id, Action action, Decision decision) {
        Rule.Approval rule = decision.approval();
        long start = System.nanoTime();
        CompletableFuture<ApprovalResult> asked;
        try {
            asked = approvals.request(id, digest(action), summary(action), action.session(), action.principal(), rule.timeoutMillis());
        } catch (IllegalStateException e) {
            asked = CompletableFuture.failedFuture(e);
        }
        return asked.orTimeout(rule.timeoutMillis() + GRACE_MILLIS, TimeUnit.MILLISECONDS).handle((result, thrown) -> {
            if (thrown != null) {
                Throwable t = thrown instanceof java.util.concurrent.CompletionException && thrown.getCause() != null ? thrown.getCause() : thrown;
                result = t instanceof TimeoutException
                        ? new ApprovalResult(ApprovalResult.Status.TIMED_OUT, null, elapsed(start), "no decision within " + rule.timeoutMillis() + " ms")
                        : new ApprovalResult(ApprovalResult.Status.UNAVAILABLE, null, elapsed(start), "approval request failed: " + t.getMessage());
            }
            return resolution(rule, result);
        });
    }

    private static Resolution resolution(Rule.Approval rule, ApprovalResult result) {
        return switch (result.status()) {
            case APPROVED -> new Resolution(true, result.approver(), result.status().label, result.waitedMillis(),
                    "approved by " + result.approver());
            case DENIED -> new Resolution(false, result.approver(), result.status().label, result.waitedMillis(),
                    "denied by " + result.approver());
            default -> {
                boolean allow = rule.onTimeout() == Verdict.ALLOW;
                yield new Resolution(allow, null, result.status().label, result.waitedMillis(),
                        result.detail() + "; on_timeout " + (allow ? "allows" : "denies") + " the call");
            }
        };
    }

    private static long elapsed(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000L;
    }

    /**
     * One line for the approver. A person cannot approve a refund without seeing its amount, so a
     * tool call shows its arguments (at most 500 characters): the line lives only in the collector's
     * pending-approval list, behind the approvers' bearer tokens, and never in the audit trail (which
     * keeps the arguments' digest). Still withheld: query values (URLs are shown without them), SQL
     * literals (already normalised), process arguments.
     */
    static String summary(Action a) {
        if (a.kind() == null) {
            return "(unknown action)";
        }
        StringBuilder sb = new StringBuilder(a.kind().label).append(' ');
        switch (a.kind()) {
            case HTTP -> {
                sb.append(a.method() == null ? "?" : a.method()).append(' ').append(a.scheme() == null ? "http" : a.scheme()).append("://")
                        .append(a.host() == null ? "?" : a.host());
                if (a.port() > 0) {
                    sb.append(':').append(a.port());
                }
                sb.append(a.path() == null ? "/" : a.path());
            }
            case SQL -> sb.append(a.statement() == null ? "?" : a.statement());
            case PROCESS -> sb.append(a.command() == null ? "?" : a.command()).append(" (arguments withheld)");
            case TOOL -> {
                sb.append(a.tool() == null ? "?" : a.tool()).append(a.framework() == null ? "" : " via " + a.framework());
                String args = a.args();
                if (args != null && !args.isBlank()) {
                    sb.append(' ').append(args.length() > 500 ? args.substring(0, 500) + "…" : args);
                }
            }
        }
        return sb.length() > 1000 ? sb.substring(0, 1000) + "…" : sb.toString();
    }

    /** {@code sha256:} over every field that identifies the action, arguments included. */
    static String digest(Action a) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Object part : new Object[] {a.kind(), a.method(), a.url(), a.statement(), a.database(), a.command(),
            String.join("\u0000", a.processArgs()), a.tool(), a.framework(), a.args(), a.server()}) {
            md.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
        }
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }
}
