package dev.warden.agent.runtime;

/**
 * Wall-clock time in epoch microseconds for evidence timestamps, without allocating (an
 * {@code Instant} per record would): a base of {@code currentTimeMillis} paired with
 * {@code nanoTime}, re-based by the housekeeper about once a second so it follows clock
 * adjustments. Any thread; lock-free.
 */
public final class MicroClock {
    private static volatile long[] base = rebase();

    private MicroClock() {
    }

    private static long[] rebase() {
        long nanos = System.nanoTime();
        long millis = System.currentTimeMillis();
        return new long[] {millis * 1000L, nanos};
    }

    public static long micros() {
        long[] b = base;
        return b[0] + (System.nanoTime() - b[1]) / 1000L;
    }

    /** Housekeeper: follow the wall clock again (allocates one small array). */
    public static void resync() {
        base = rebase();
    }
}
