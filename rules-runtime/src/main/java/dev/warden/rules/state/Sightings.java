package dev.warden.rules.state;

import dev.warden.rules.match.JsonSlice;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The recent sightings, in one session, of the predecessor a {@code requires} rule asks for:
 * when each happened and the values of its bound fields ({@code $args.customer}). A ring of
 * the last {@value #CAPACITY}; lock-free, any number of threads. Recording allocates one small
 * object (only for calls that match a predecessor). Looking up ({@link #seenWithin}, the hot path)
 * is lock-free and allocation-free, and reads only the slots ever written, newest first, stopping
 * at the first match: a session that saw one predecessor costs one slot, not {@value #CAPACITY}.
 */
public final class Sightings {
    static final int CAPACITY = 64;

    private record Sighting(long at, String key) {
    }

    private final AtomicReferenceArray<Sighting> ring = new AtomicReferenceArray<>(CAPACITY);
    private final AtomicInteger next = new AtomicInteger();

    public void record(long at, String boundKey) {
        ring.set(next.getAndIncrement() & (CAPACITY - 1), new Sighting(at, boundKey));
    }

    /** True when a sighting with this bound key (null: any) happened within {@code withinMillis} before {@code now}. */
    public boolean seenWithin(CharSequence boundKey, long now, long withinMillis) {
        int issued = next.get();
        // slots ever claimed; past CAPACITY (or once the int counter wrapped) every slot is in use
        int n = issued >= 0 && issued < CAPACITY ? issued : CAPACITY;
        for (int k = 1; k <= n; k++) {
            // a slot claimed but not yet written holds null (or its previous sighting): that one is not recorded yet
            Sighting s = ring.get((issued - k) & (CAPACITY - 1));
            if (s != null && now - s.at <= withinMillis && now >= s.at && (boundKey == null || (s.key != null && sameKey(s.key, boundKey)))) {
                return true;
            }
        }
        return false;
    }

    /** The bound value read in place from the arguments compares against the recorded one without going through CharSequence. */
    private static boolean sameKey(String recorded, CharSequence bound) {
        return bound instanceof JsonSlice ? ((JsonSlice) bound).contentEquals(recorded) : recorded.contentEquals(bound);
    }
}
