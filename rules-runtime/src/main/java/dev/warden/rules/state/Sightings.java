package dev.warden.rules.state;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The recent sightings, in one session, of the predecessor a {@code requires} rule asks for:
 * when each happened and the values of its bound fields ({@code $args.customer}). A ring of
 * the last {@value #CAPACITY}; lock-free. Recording allocates one small object (only for calls
 * that match a predecessor); looking up allocates nothing.
 */
public final class Sightings {
    static final int CAPACITY = 64;

    private record Sighting(long at, String key) {
    }

    private final AtomicReferenceArray<Sighting> ring = new AtomicReferenceArray<>(CAPACITY);
    private final AtomicInteger next = new AtomicInteger();

    public void record(long at, String boundKey) {
        ring.set(Math.floorMod(next.getAndIncrement(), CAPACITY), new Sighting(at, boundKey));
    }

    /** True when a sighting with this bound key (null: any) happened within {@code withinMillis} before {@code now}. */
    public boolean seenWithin(CharSequence boundKey, long now, long withinMillis) {
        for (int i = 0; i < CAPACITY; i++) {
            Sighting s = ring.get(i);
            if (s != null && now - s.at <= withinMillis && now >= s.at && (boundKey == null || (s.key != null && s.key.contentEquals(boundKey)))) {
                return true;
            }
        }
        return false;
    }
}
