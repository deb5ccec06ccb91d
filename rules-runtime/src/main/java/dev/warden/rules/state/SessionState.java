package dev.warden.rules.state;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What Warden remembers about one agent session: which {@code after} conditions have been seen
 * (a bit per condition slot), the rate-limit and budget windows of session-scoped rules, and
 * the predecessor sightings of {@code requires} rules.
 *
 * <p>Shared by every thread working for the session; all state is in atomics, reads and bit
 * sets are lock-free and allocation-free. Windows are created on first use (one allocation per
 * session and rule); growth when a reloaded policy brings more slots swaps the arrays by CAS.
 */
public final class SessionState {
    private final String id;
    private volatile long lastSeenMillis;
    private final AtomicReference<AtomicLongArray> seen;
    /** Per-slot state objects: rate-limit windows, budget windows, predecessor sightings. */
    private final AtomicReference<AtomicReferenceArray<Object>> objects;

    SessionState(String id, int conditionSlots, int limitSlots, long now) {
        this.id = id;
        this.lastSeenMillis = now;
        this.seen = new AtomicReference<>(new AtomicLongArray(Math.max(1, (conditionSlots + 63) >>> 6)));
        this.objects = new AtomicReference<>(new AtomicReferenceArray<>(Math.max(1, limitSlots)));
    }

    public String id() {
        return id;
    }

    public long lastSeenMillis() {
        return lastSeenMillis;
    }

    void touch(long now) {
        // avoid a shared write per call: a second's precision is plenty for expiry
        if (now - lastSeenMillis > 1000) {
            lastSeenMillis = now;
        }
    }

    /** True when an action matching condition {@code slot} went ahead earlier in this session. */
    public boolean hasSeen(int slot) {
        AtomicLongArray bits = seen.get();
        int word = slot >>> 6;
        return word < bits.length() && (bits.get(word) & (1L << (slot & 63))) != 0;
    }

    public void markSeen(int slot) {
        int word = slot >>> 6;
        long bit = 1L << (slot & 63);
        while (true) {
            AtomicLongArray bits = seen.get();
            if (word >= bits.length()) {
                AtomicLongArray bigger = new AtomicLongArray(word + 1);
                for (int i = 0; i < bits.length(); i++) {
                    bigger.set(i, bits.get(i));
                }
                seen.compareAndSet(bits, bigger);
                continue;
            }
            long old = bits.get(word);
            if ((old & bit) != 0 || bits.compareAndSet(word, old, old | bit)) {
                if (seen.get() == bits) {
                    return;
                }
                // the array was replaced while we set the bit: set it again in the new one
            }
        }
    }

    /** The window of limit {@code slot}, created on first use. */
    public SlidingWindow window(int slot, int max, long windowMillis) {
        while (true) {
            Object o = slotObject(slot);
            if (o instanceof SlidingWindow) {
                SlidingWindow w = (SlidingWindow) o;
                if (w.max() == max && w.windowMillis() == windowMillis) {
                    return w;
                }
            }
            if (install(slot, o, new SlidingWindow(max, windowMillis))) {
                continue;
            }
        }
    }

    /** The budget window of {@code slot}, created on first use. */
    public BudgetWindow budget(int slot, double max, long windowMillis) {
        while (true) {
            Object o = slotObject(slot);
            if (o instanceof BudgetWindow) {
                BudgetWindow b = (BudgetWindow) o;
                if (b.isFor(max, windowMillis)) {
                    return b;
                }
            }
            install(slot, o, new BudgetWindow(max, windowMillis));
        }
    }

    /** The predecessor sightings of {@code slot}, or null when none were recorded. */
    public Sightings sightingsOrNull(int slot) {
        Object o = slotObject(slot);
        return o instanceof Sightings ? (Sightings) o : null;
    }

    /** The predecessor sightings of {@code slot}, created on first use. */
    public Sightings sightings(int slot) {
        while (true) {
            Object o = slotObject(slot);
            if (o instanceof Sightings) {
                return (Sightings) o;
            }
            install(slot, o, new Sightings());
        }
    }

    private Object slotObject(int slot) {
        AtomicReferenceArray<Object> arr = objects.get();
        return slot < arr.length() ? arr.get(slot) : null;
    }

    /** Replaces the object in a slot (growing the array when needed); true when it succeeded. */
    private boolean install(int slot, Object expected, Object fresh) {
        while (true) {
            AtomicReferenceArray<Object> arr = objects.get();
            if (slot >= arr.length()) {
                AtomicReferenceArray<Object> bigger = new AtomicReferenceArray<>(Math.max(slot + 1, arr.length() * 2));
                for (int i = 0; i < arr.length(); i++) {
                    bigger.set(i, arr.get(i));
                }
                objects.compareAndSet(arr, bigger);
                continue;
            }
            return arr.compareAndSet(slot, expected, fresh) && objects.get() == arr;
        }
    }
}
