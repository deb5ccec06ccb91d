package dev.warden.agent.control;

import dev.warden.rules.Action;
import dev.warden.rules.Kind;
import dev.warden.rules.SqlOperation;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The capabilities this agent instance has exercised, de-duplicated: (tool), (http host,
 * method), (sql database, table, operation), (process command), each with first and last
 * sighting and counts, for the fleet inventory the heartbeat reports.
 *
 * <p>Hot path: {@link #record} is called by the governor for every governed action, on any
 * number of application threads at once. It is lock-free and, after the first sighting of a
 * key, allocation-free: an open-addressing table of {@link Entry} references probed linearly
 * from a hash built from the action's strings' cached hash codes; a hit is a few reference
 * comparisons (or {@code equals} over short strings) and one atomic add. A first sighting
 * allocates its entry and publishes it with one compare-and-set; two threads racing for the same
 * new key settle on the winner's entry. The table is bounded ({@code capacity} slots, at most
 * three quarters used): actions whose key finds no room are counted in {@link #overflow()} and
 * reported as such, never silently lost.
 *
 * <p>{@link #drain} runs on one reader thread (the shipper's, for heartbeats): it reports the
 * entries changed since the previous drain (or all of them) with their cumulative counts, so a
 * resent heartbeat is idempotent.
 */
public final class Capabilities {
    public static final int DEFAULT_CAPACITY = 4096;
    private static final int MAX_PROBES = 64;

    /** One capability: its kind and key strings, counts and sightings (epoch ms). */
    public static final class Entry {
        public final Kind kind;
        final int hash;
        /** tool: tool; http: host; sql: database; process: command. */
        public final String a;
        /** http: method; sql: table. */
        public final String b;
        /** sql: operation. */
        public final String c;
        public final long first;
        volatile long count;
        volatile long denied;
        volatile long last;
        volatile boolean changed;

        Entry(Kind kind, int hash, String a, String b, String c, long now) {
            this.kind = kind;
            this.hash = hash;
            this.a = a;
            this.b = b;
            this.c = c;
            this.first = now;
            this.last = now;
        }

        public long count() {
            return count;
        }

        public long denied() {
            return denied;
        }

        public long last() {
            return last;
        }

        boolean is(Kind k, int h, String x, String y, String z) {
            return hash == h && kind == k && same(a, x) && same(b, y) && same(c, z);
        }

        private static boolean same(String p, String q) {
            return p == q || (p != null && p.equals(q));
        }
    }

    private static final VarHandle COUNT;
    private static final VarHandle DENIED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            COUNT = l.findVarHandle(Entry.class, "count", long.class);
            DENIED = l.findVarHandle(Entry.class, "denied", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final AtomicReferenceArray<Entry> slots;
    private final int mask;
    private final int limit;
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong overflow = new AtomicLong();

    public Capabilities() {
        this(DEFAULT_CAPACITY);
    }

    /** {@code capacity} is rounded up to a power of two; at most three quarters of it hold entries. */
    public Capabilities(int capacity) {
        int n = Integer.highestOneBit(Math.max(16, capacity) - 1) << 1;
        this.slots = new AtomicReferenceArray<>(n);
        this.mask = n - 1;
        this.limit = n - n / 4;
    }

    /** Records one governed action (filled by the hook); {@code denied}: it was not allowed to go ahead. Hot path. */
    public void record(Action a, long nowMillis, boolean denied) {
        Kind k = a.kind();
        if (k == null) {
            return;
        }
        switch (k) {
            case TOOL -> sight(k, a.tool(), null, null, nowMillis, denied);
            case HTTP -> sight(k, a.host(), a.method(), null, nowMillis, denied);
            case PROCESS -> sight(k, a.command(), null, null, nowMillis, denied);
            case SQL -> {
                SqlOperation op = a.operation();
                String opName = op == null ? null : op.name();
                int n = a.tableCount();
                if (n == 0) {
                    sight(k, a.database(), null, opName, nowMillis, denied);
                }
                for (int i = 0; i < n; i++) {
                    sight(k, a.database(), a.table(i), opName, nowMillis, denied);
                }
            }
            default -> {
                // a kind without a capability key
            }
        }
    }

    /** Records one sighting of a key. Lock-free; allocation-free unless the key is new. */
    public void sight(Kind k, String x, String y, String z, long nowMillis, boolean denied) {
        int h = hash(k, x, y, z);
        int i = h & mask;
        for (int probe = 0; probe < MAX_PROBES; probe++, i = (i + 1) & mask) {
            Entry e = slots.get(i);
            if (e == null) {
                if (size.get() >= limit) {
                    overflow.incrementAndGet();
                    return;
                }
                Entry fresh = new Entry(k, h, x, y, z, nowMillis);
                if (slots.compareAndSet(i, null, fresh)) {
                    size.incrementAndGet();
                    e = fresh;
                } else {
                    e = slots.get(i); // another thread took this slot: it may hold our key
                    if (!e.is(k, h, x, y, z)) {
                        continue;
                    }
                }
            } else if (!e.is(k, h, x, y, z)) {
                continue;
            }
            COUNT.getAndAdd(e, 1L);
            if (denied) {
                DENIED.getAndAdd(e, 1L);
            }
            if (e.last < nowMillis) {
                e.last = nowMillis; // a racing older time may win: last is a sighting time, not a maximum
            }
            if (!e.changed) {
                e.changed = true;
            }
            return;
        }
        overflow.incrementAndGet();
    }

    static int hash(Kind k, String x, String y, String z) {
        int h = k.ordinal() + 1;
        h = h * 31 + (x == null ? 0 : x.hashCode()); // String caches its hash: no work after the first call
        h = h * 31 + (y == null ? 0 : y.hashCode());
        h = h * 31 + (z == null ? 0 : z.hashCode());
        return h ^ (h >>> 16);
    }

    /** Sightings that found no room in the table (counted, not tracked). */
    public long overflow() {
        return overflow.get();
    }

    public int size() {
        return size.get();
    }

    /**
     * Reader thread: passes every entry changed since the last drain ({@code all}: every entry)
     * to {@code out}, at most {@code max} of them (the rest stay changed for the next drain).
     * Returns how many were passed.
     */
    public int drain(boolean all, int max, Consumer<Entry> out) {
        int n = 0;
        for (int i = 0; i <= mask && n < max; i++) {
            Entry e = slots.get(i);
            if (e == null || (!all && !e.changed)) {
                continue;
            }
            e.changed = false; // cleared before the counts are read: a sighting meanwhile marks it again
            out.accept(e);
            n++;
        }
        return n;
    }

    /** Marks every entry changed (a heartbeat carrying them could not be sent). */
    public void markAllChanged() {
        for (int i = 0; i <= mask; i++) {
            Entry e = slots.get(i);
            if (e != null) {
                e.changed = true;
            }
        }
    }
}
