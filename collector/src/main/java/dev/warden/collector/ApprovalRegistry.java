package dev.warden.collector;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Approvals waiting for a person: registered by the ingest thread when an agent's authenticated
 * APPROVAL_REQUEST arrives, listed and decided through the HTTP API, and handed back to the
 * ingest thread, which sends the decision to the waiting agent and records it in the store.
 * Nobody may decide a request made on their own behalf, and a request is decided once.
 *
 * <p>Thread-safe.
 */
public final class ApprovalRegistry {
    /** A request as an approver sees it. */
    public record Pending(String id, String agent, String instance, String session, String principal, String summary,
                          String actionDigest, long requestedAtMillis, long expiresAtMillis) {
    }

    /** A decision on its way to the agent. */
    public record Decided(Pending request, boolean approved, String approver, long decidedAtMillis) {
    }

    /** What became of a decision attempt. */
    public enum Outcome { DECIDED, NOT_FOUND, OWN_REQUEST }

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<Decided> outbox = new ConcurrentLinkedQueue<>();
    /** Run after a decision is queued (the ingest thread's wake-up). */
    private volatile Runnable onDecided = () -> { };

    /** Sets what runs after each queued decision; it must be cheap and must not throw. */
    void onDecided(Runnable r) {
        onDecided = r;
    }

    /** Registers a request; false when the id is already pending for another instance. */
    boolean register(Pending p) {
        Pending prev = pending.putIfAbsent(p.id(), p);
        return prev == null || prev.instance().equals(p.instance());
    }

    public List<Pending> list() {
        List<Pending> l = new ArrayList<>(pending.values());
        l.sort(Comparator.comparingLong(Pending::requestedAtMillis));
        return l;
    }

    public Pending get(String id) {
        return pending.get(id);
    }

    public int size() {
        return pending.size();
    }

    /** Decides a pending request as {@code approver} (already authenticated by the caller). */
    public Outcome decide(String id, boolean approve, String approver) {
        Pending p = pending.get(id);
        if (p == null) {
            return Outcome.NOT_FOUND;
        }
        if (approver.equals(p.principal()) || approver.equals(p.agent())) {
            return Outcome.OWN_REQUEST;
        }
        if (!pending.remove(id, p)) {
            return Outcome.NOT_FOUND;
        }
        outbox.add(new Decided(p, approve, approver, System.currentTimeMillis()));
        onDecided.run();
        return Outcome.DECIDED;
    }

    /** Removes requests past their deadline; the ingest thread tells the agents and records it. */
    List<Pending> expire(long nowMillis) {
        List<Pending> out = new ArrayList<>();
        for (Pending p : pending.values()) {
            if (nowMillis >= p.expiresAtMillis() && pending.remove(p.id(), p)) {
                out.add(p);
            }
        }
        return out;
    }
}
