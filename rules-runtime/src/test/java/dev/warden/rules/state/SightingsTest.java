package dev.warden.rules.state;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Predecessor sightings: found within the window, by bound key, newest first, the last 64 kept. */
class SightingsTest {
    @Test
    void aSightingIsFoundByItsBoundKeyWithinTheWindowOnly() {
        Sightings s = new Sightings();
        assertFalse(s.seenWithin(null, 1_000, 600_000));
        s.record(1_000, "c-17");
        assertTrue(s.seenWithin("c-17", 1_500, 600_000));
        assertTrue(s.seenWithin(new StringBuilder("c-17"), 1_500, 600_000));
        assertTrue(s.seenWithin(null, 1_500, 600_000));
        assertFalse(s.seenWithin("c-18", 1_500, 600_000));
        assertFalse(s.seenWithin("c-17", 1_000 + 600_001, 600_000));
        assertFalse(s.seenWithin("c-17", 999, 600_000), "a sighting after now does not count");
    }

    @Test
    void theRingKeepsTheLast64AndOlderOnesAreGone() {
        Sightings s = new Sightings();
        for (int i = 0; i < 64 + 10; i++) {
            s.record(10_000 + i, "c-" + i);
        }
        for (int i = 0; i < 10; i++) {
            assertFalse(s.seenWithin("c-" + i, 20_000, 600_000), "c-" + i + " was overwritten");
        }
        for (int i = 10; i < 74; i++) {
            assertTrue(s.seenWithin("c-" + i, 20_000, 600_000), "c-" + i);
        }
    }

    @Test
    void sightingsRecordedOnOtherThreadsAreAllFound() throws Exception {
        Sightings s = new Sightings();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int base = t * 8;
            Thread th = new Thread(() -> {
                for (int i = 0; i < 8; i++) {
                    s.record(5_000, "k-" + (base + i));
                }
            }, "sightings-" + t);
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join();
        }
        for (int i = 0; i < 32; i++) {
            assertTrue(s.seenWithin("k-" + i, 5_000, 1_000), "k-" + i);
        }
    }
}
