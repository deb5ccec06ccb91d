package dev.warden.rules.state;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A cumulative budget over a sliding window (language 1.1 {@code budget}): the sum of the
 * amounts reserved in the last {@code windowMillis} may not exceed {@code max}. Amounts are
 * kept in hundredths (cents) as longs.
 *
 * <p>Lock-free: the running total is one {@link AtomicLong} whose compare-and-set is the
 * single point where a reservation succeeds, so concurrent reservations never overshoot. The
 * window is 64 time buckets, each a long packing (bucket epoch, sum); a bucket that falls out
 * of the window is cleared by whichever thread notices, which subtracts its sum from the total.
 * Amounts therefore leave the window with a granularity of 1/64 of it. No allocation.
 */
public final class BudgetWindow {
    private static final int BUCKETS = 64;
    private static final int EPOCH_BITS = 20;
    private static final long SUM_MASK = (1L << (64 - EPOCH_BITS)) - 1;

    private static final long NEVER = Long.MIN_VALUE;
    private static final long EPOCH_MASK = (1L << EPOCH_BITS) - 1;

    private final double max;
    private final long maxCents;
    private final long windowMillis;
    private final long bucketMillis;
    private final AtomicLong total = new AtomicLong();
    private final AtomicLongArray buckets = new AtomicLongArray(BUCKETS);
    /**
     * Expiries between clearing a bucket and taking its sum off {@link #total} (two atomic steps):
     * meanwhile the total still counts an amount that left the window, so a check that finds the
     * budget full waits for them (a bounded spin, then yields) instead of refusing spuriously.
     */
    private final java.util.concurrent.atomic.AtomicInteger expiring = new java.util.concurrent.atomic.AtomicInteger();
    /** The bucket epoch of the last expiry scan ({@link #NEVER} before the first): buckets only leave the window when the epoch moves. */
    private volatile long scannedEpoch = NEVER;

    public BudgetWindow(double max, long windowMillis) {
        this.max = max;
        this.maxCents = Math.round(max * 100);
        this.windowMillis = windowMillis;
        this.bucketMillis = Math.max(1, windowMillis / BUCKETS);
    }

    public static long cents(double amount) {
        return Math.round(amount * 100);
    }

    public double max() {
        return maxCents / 100.0;
    }

    public long windowMillis() {
        return windowMillis;
    }

    /** True when this window was made for exactly this {@code max} and window (no arithmetic: the hot path's identity check). */
    public boolean isFor(double max, long windowMillis) {
        return this.max == max && this.windowMillis == windowMillis;
    }

    /** The amount currently counted in the window. */
    public double used(long now) {
        currentEpoch(now);
        return total.get() / 100.0;
    }

    /** True when reserving {@code cents} now would take the total over the max. */
    public boolean wouldExceed(long cents, long now) {
        currentEpoch(now);
        for (int tries = 0; ; tries++) {
            if (total.get() + cents <= maxCents) {
                return false;
            }
            if (!settling(tries)) {
                return true;
            }
        }
    }

    /**
     * True (after a short wait) while an expiry is taking its amount off the total, so that the
     * caller looks again; false when none is, or after {@code tries} waits (the budget is full).
     */
    private boolean settling(int tries) {
        if (expiring.get() == 0 || tries >= 200) {
            return false;
        }
        if (tries < 100) {
            Thread.onSpinWait();
        } else {
            Thread.yield(); // the expiring thread may be descheduled: let it finish
        }
        return true;
    }

    /** Reserves {@code cents} if it fits; false (nothing reserved) otherwise. */
    public boolean tryReserve(long cents, long now) {
        return reserve(cents, now, false);
    }

    /** Reserves even past the max (an approver accepted the call). */
    public void forceReserve(long cents, long now) {
        reserve(cents, now, true);
    }

    private boolean reserve(long cents, long now, boolean force) {
        long epoch = currentEpoch(now);
        for (int tries = 0; ; ) {
            long t = total.get();
            if (!force && t + cents > maxCents) {
                if (settling(tries++)) {
                    continue;
                }
                return false;
            }
            if (total.compareAndSet(t, t + cents)) {
                addToBucket(cents, epoch);
                return true;
            }
        }
    }

    /**
     * Gives back a reservation made at {@code reservedAt} (the call provably had no effect). If
     * its bucket already left the window, the amount is gone with it and nothing changes.
     */
    public void release(long cents, long reservedAt, long now) {
        long epoch = epochOf(reservedAt);
        int i = (int) (epoch & (BUCKETS - 1));
        while (true) {
            long b = buckets.get(i);
            if (bucketEpoch(b) != (epoch & EPOCH_MASK) || now - reservedAt >= windowMillis) {
                return;
            }
            long sum = b & SUM_MASK;
            long take = Math.min(sum, cents);
            if (buckets.compareAndSet(i, b, (b & ~SUM_MASK) | (sum - take))) {
                total.addAndGet(-take);
                return;
            }
        }
    }

    private long epochOf(long now) {
        return Math.floorDiv(now, bucketMillis);
    }

    private static long bucketEpoch(long packed) {
        return packed >>> (64 - EPOCH_BITS);
    }

    private static long pack(long epoch, long sum) {
        return ((epoch & EPOCH_MASK) << (64 - EPOCH_BITS)) | (sum & SUM_MASK);
    }

    private void addToBucket(long cents, long epoch) {
        int i = (int) (epoch & (BUCKETS - 1));
        long want = epoch & EPOCH_MASK;
        while (true) {
            long b = buckets.get(i);
            long sum = b & SUM_MASK;
            if (bucketEpoch(b) == want) {
                if (buckets.compareAndSet(i, b, pack(epoch, sum + cents))) {
                    return;
                }
            } else if (sum != 0 && isFuture(bucketEpoch(b), epoch)) {
                // a whole window newer bucket holds the slot (a reservation timed that long ago): the
                // amount has already left the window, and must not push the newer one out
                total.addAndGet(-cents);
                return;
            } else {
                expiring.incrementAndGet();
                try {
                    if (buckets.compareAndSet(i, b, pack(epoch, cents))) {
                        // the slot held an expired bucket: its amount leaves the total
                        total.addAndGet(-sum);
                        return;
                    }
                } finally {
                    expiring.decrementAndGet();
                }
            }
        }
    }

    /**
     * The bucket epoch of {@code now}. Inside the period already scanned (nearly every call) a
     * multiplication and two comparisons; the first call of a new period clears the buckets that
     * left the window ({@link #expire}).
     */
    private long currentEpoch(long now) {
        long e = scannedEpoch;
        if (e != NEVER) {
            long start = e * bucketMillis;
            if (now >= start && now - start < bucketMillis) {
                return e;
            }
            if (now < start) {
                // a time before the last scan's (a decision taken earlier, approved later): nothing
                // more left the window since that scan; its own bucket counts the amount
                return epochOf(now);
            }
        }
        return expire(now);
    }

    /** True when bucket epoch {@code e} (20 bits) is later than {@code current}: that bucket is newer, never expired from here. */
    private static boolean isFuture(long e, long current) {
        long ahead = (e - (current & EPOCH_MASK)) & EPOCH_MASK;
        return ahead != 0 && ahead < (1L << (EPOCH_BITS - 1));
    }

    /** Clears buckets that left the window, subtracting their sums from the total; returns the epoch of {@code now}. */
    private long expire(long now) {
        long current = epochOf(now);
        long span = BUCKETS - 1;
        for (int i = 0; i < BUCKETS; i++) {
            long b = buckets.get(i);
            long sum = b & SUM_MASK;
            if (sum == 0) {
                continue;
            }
            long e = bucketEpoch(b);
            long age = ((current & EPOCH_MASK) - e) & EPOCH_MASK;
            if (age > span && !isFuture(e, current)) {
                expiring.incrementAndGet();
                try {
                    if (buckets.compareAndSet(i, b, b & ~SUM_MASK)) {
                        total.addAndGet(-sum);
                    }
                } finally {
                    expiring.decrementAndGet();
                }
            }
        }
        scannedEpoch = current;
        return current;
    }

    /** The buckets as (epoch, cents) pairs, for persisting across a restart. */
    public long[] snapshot() {
        long[] out = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            out[i] = buckets.get(i);
        }
        return out;
    }

    /** Restores a {@link #snapshot()} taken with the same window. */
    public void restore(long[] snapshot, long now) {
        long sum = 0;
        for (int i = 0; i < BUCKETS && i < snapshot.length; i++) {
            buckets.set(i, snapshot[i]);
            sum += snapshot[i] & SUM_MASK;
        }
        total.set(sum);
        scannedEpoch = NEVER;
        expire(now);
    }
}
