package dev.warden.rules.state;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What Warden remembers about one agent session: which {@code after} conditions have been seen
 * (a bit per condition slot) and the rate-limit windows of session-scoped rules.
 *
 * <p>Shared by every thread working for the session; all state is in atomics, reads and bit
 * sets are lock-free and allocation-free. Windows are created on first use (one allocation per
 * session and rule); growth when a reloaded policy brings more slots swaps the arrays by CAS.
 */
public final class SessionState {
    private final String id;
    private volatile long lastSeenMillis;
    private final AtomicReference<AtomicLongArray> seen;
    private final AtomicReference<AtomicReferenceArray<SlidingWindow>> windows;

    SessionState(String id, int conditionSlots, int limitSlots, long now) {
        this.id = id;
        this.lastSeenMillis = now;
        this.seen = new AtomicReference<>(new AtomicLongArray(Math.max(1, (conditionSlots + 63) >>> 6)));
        this.windows = new AtomicReference<>(new AtomicReferenceArray<>(Math.max(1, limitSlots)));
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
            AtomicReferenceArray<SlidingWindow> arr = windows.get();
            if (slot >= arr.length()) {
                AtomicReferenceArray<SlidingWindow> bigger = new AtomicReferenceArray<>(slot + 1);
                for (int i = 0; i < arr.length(); i++) {
                    bigger.set(i, arr.get(i));
                }
                windows.compareAndSet(arr, bigger);
                continue;
            }
            SlidingWindow w = arr.get(slot);
            if (w != null && w.max() == max && w.windowMillis() == windowMillis) {
                return w;
            }
            SlidingWindow fresh = new SlidingWindow(max, windowMillis);
            if (arr.compareAndSet(slot, w, fresh) && windows.get() == arr) {
                return fresh;
            }
        }
    }
}
