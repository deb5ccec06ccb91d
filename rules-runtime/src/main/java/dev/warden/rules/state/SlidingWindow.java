package dev.warden.rules.state;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * An exact sliding-window counter: at most {@code max} acquisitions in any window of
 * {@code windowMillis}. It keeps the times of the last {@code max} acquisitions in a ring; a new
 * one is allowed when the oldest of them has left the window.
 *
 * <p>Lock-free and allocation-free after construction. A slot is claimed by CAS to a
 * {@code PENDING} marker, then the head advances, then the time is written; a thread that
 * finds {@code PENDING} waits for the two instructions the owner has left
 * ({@link Thread#onSpinWait()}). Safe for any number of threads.
 */
public final class SlidingWindow {
    private static final long PENDING = Long.MIN_VALUE;
    private static final long EMPTY = Long.MIN_VALUE + 1;

    private final int max;
    private final long windowMillis;
    private final AtomicLongArray times;
    private final AtomicLong head = new AtomicLong();

    public SlidingWindow(int max, long windowMillis) {
        if (max <= 0) {
            throw new IllegalArgumentException("max must be positive");
        }
        this.max = max;
        this.windowMillis = windowMillis;
        this.times = new AtomicLongArray(max);
        for (int i = 0; i < max; i++) {
            times.set(i, EMPTY);
        }
    }

    public int max() {
        return max;
    }

    public long windowMillis() {
        return windowMillis;
    }

    /** True when one more acquisition at {@code now} would exceed the limit. */
    public boolean isFull(long now) {
        while (true) {
            long h = head.get();
            long t = times.get((int) (h % max));
            if (t == PENDING) {
                Thread.onSpinWait();
                continue;
            }
            return t != EMPTY && now - t < windowMillis;
        }
    }

    /** Counts one call at {@code now} if the limit allows it; false (nothing counted) when full. */
    public boolean tryAcquire(long now) {
        return acquire(now, false);
    }

    /** Counts one call at {@code now} even when full (an approved call went ahead). */
    public void forceAcquire(long now) {
        acquire(now, true);
    }

    private boolean acquire(long now, boolean force) {
        while (true) {
            long h = head.get();
            int slot = (int) (h % max);
            long t = times.get(slot);
            if (t == PENDING) {
                Thread.onSpinWait();
                continue;
            }
            if (!force && t != EMPTY && now - t < windowMillis) {
                if (head.get() == h) {
                    return false;
                }
                continue;
            }
            if (times.compareAndSet(slot, t, PENDING)) {
                // only the holder of PENDING on the head slot can advance the head
                head.compareAndSet(h, h + 1);
                times.set(slot, now);
                return true;
            }
        }
    }

    /** Calls counted in the window ending at {@code now}. */
    public int count(long now) {
        int n = 0;
        for (int i = 0; i < max; i++) {
            long t = times.get(i);
            if (t != EMPTY && t != PENDING && now - t < windowMillis) {
                n++;
            }
        }
        return n;
    }
}
