package dev.warden.rules.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * All session state of one agent instance, bounded in memory: at most {@code maxSessions}
 * sessions, and a session idle for {@code idleMillis} expires.
 *
 * <p>Lookup of an existing session is a {@link ConcurrentHashMap#get} (lock-free, no
 * allocation). Creating a session allocates; when the store is over its cap one thread sweeps
 * expired sessions and, if still over, evicts the least recently seen, reporting each eviction
 * to the listener (the agent records it as evidence).
 */
public final class SessionStore {
    public static final String NO_SESSION = "";

    private final ConcurrentHashMap<String, SessionState> sessions = new ConcurrentHashMap<>();
    private final StateRegistry registry = new StateRegistry();
    private final SessionState agentScope;
    private final int maxSessions;
    private final long idleMillis;
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicLong expirations = new AtomicLong();
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final AtomicLong creations = new AtomicLong();
    /** Ids of sessions evicted under memory pressure (bounded): a requires rule fails closed for them. */
    private final java.util.Set<String> evicted = ConcurrentHashMap.newKeySet();
    private volatile BiConsumer<String, String> evictionListener = (id, why) -> { };

    public SessionStore() {
        this(100_000, 30 * 60_000L);
    }

    public SessionStore(int maxSessions, long idleMillis) {
        this.maxSessions = maxSessions;
        this.idleMillis = idleMillis;
        this.agentScope = new SessionState("<agent>", 64, 16, System.currentTimeMillis());
    }

    public StateRegistry registry() {
        return registry;
    }

    /** State shared by the whole agent instance ({@code scope: agent}). */
    public SessionState agent() {
        return agentScope;
    }

    /** Called with (session id, reason) whenever a session is dropped under memory pressure. */
    public void onEviction(BiConsumer<String, String> listener) {
        this.evictionListener = listener == null ? (id, why) -> { } : listener;
    }

    /** The session's state, or null when none has been created. */
    public SessionState find(String sessionId) {
        return sessions.get(sessionId == null ? NO_SESSION : sessionId);
    }

    /** The session's state, created on first use. */
    public SessionState get(String sessionId, long now) {
        String key = sessionId == null ? NO_SESSION : sessionId;
        SessionState s = sessions.get(key);
        if (s == null) {
            s = sessions.computeIfAbsent(key, k -> new SessionState(k, registry.conditionCount(), registry.limitCount(), now));
            if ((creations.incrementAndGet() & 1023) == 0 || sessions.size() > maxSessions) {
                sweep(now);
            }
        }
        s.touch(now);
        return s;
    }

    /** True when this session's state was dropped under memory pressure (so its history is unknown). */
    public boolean wasEvicted(String sessionId) {
        return !evicted.isEmpty() && evicted.contains(sessionId == null ? NO_SESSION : sessionId);
    }

    public int size() {
        return sessions.size();
    }

    public long evictions() {
        return evictions.get();
    }

    public long expirations() {
        return expirations.get();
    }

    /** Drops idle sessions, then the least recently seen ones while over the cap. */
    public void sweep(long now) {
        if (!sweeping.compareAndSet(false, true)) {
            return;
        }
        try {
            for (Map.Entry<String, SessionState> e : sessions.entrySet()) {
                if (now - e.getValue().lastSeenMillis() > idleMillis && sessions.remove(e.getKey(), e.getValue())) {
                    expirations.incrementAndGet();
                }
            }
            int over = sessions.size() - maxSessions;
            if (over > 0) {
                List<SessionState> all = new ArrayList<>(sessions.values());
                all.sort((a, b) -> Long.compare(a.lastSeenMillis(), b.lastSeenMillis()));
                // evict a tenth more than needed so that the next creations do not sweep again at once
                int target = Math.min(all.size(), over + maxSessions / 10);
                for (int i = 0; i < target; i++) {
                    SessionState victim = all.get(i);
                    if (sessions.remove(victim.id(), victim)) {
                        evictions.incrementAndGet();
                        if (evicted.size() > Math.max(1024, maxSessions)) {
                            evicted.clear();
                        }
                        evicted.add(victim.id());
                        evictionListener.accept(victim.id(), "memory: more than " + maxSessions + " live sessions");
                    }
                }
            }
        } finally {
            sweeping.set(false);
        }
    }
}
