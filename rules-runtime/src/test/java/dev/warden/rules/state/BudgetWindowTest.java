package dev.warden.rules.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The budget window's accounting: a running total checked and reserved lock-free, buckets that
 * leave the window cleared lazily by the first call of each bucket period.
 */
class BudgetWindowTest {
    /** 640 ms window: 64 buckets of 10 ms. */
    static final long WINDOW = 640;

    @Test
    void threadsReservingTogetherAcrossBucketBoundariesNeverExceedTheMaxAndCountExactly() throws Exception {
        int threads = 4;
        int attempts = 30;
        int phases = 400; // two phases per 10 ms bucket: 2 s, three windows
        BudgetWindow w = new BudgetWindow(2.00, WINDOW); // 200 cents
        int[] reservedIn = new int[phases];
        AtomicInteger phaseReserved = new AtomicInteger();
        AtomicInteger phase = new AtomicInteger();
        AtomicReference<String> broken = new AtomicReference<>();
        // runs alone, between phases: the window must hold exactly what the phases of its last 64 buckets reserved
        CyclicBarrier barrier = new CyclicBarrier(threads, () -> {
            int p = phase.get();
            reservedIn[p] = phaseReserved.getAndSet(0);
            long now = p * 5L;
            long epoch = now / 10;
            int expected = 0;
            for (int q = 0; q <= p; q++) {
                if (q * 5L / 10 > epoch - 64) {
                    expected += reservedIn[q];
                }
            }
            long used = Math.round(w.used(now) * 100);
            if (expected > 200 || used != expected) {
                broken.compareAndSet(null, "phase " + p + ": used " + used + " cents, reserved in the window " + expected);
            }
            phase.incrementAndGet();
        });
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    for (int p = 0; p < phases; p++) {
                        long now = p * 5L;
                        for (int i = 0; i < attempts; i++) {
                            if (w.tryReserve(1, now)) {
                                phaseReserved.incrementAndGet();
                            }
                        }
                        barrier.await();
                    }
                } catch (Exception e) {
                    broken.compareAndSet(null, e.toString());
                }
            }, "budget-worker-" + t);
            workers.add(th);
            th.start();
        }
        for (Thread th : workers) {
            th.join(60_000);
        }
        assertEquals(null, broken.get());
        assertEquals(phases, phase.get());
        // the budget filled at once (epoch 0), then refilled exactly when that bucket left the
        // window: in the two phases of epochs 64, 128 and 192 (120 attempts a phase)
        assertEquals(200, reservedIn[0] + reservedIn[1]);
        assertEquals(200, reservedIn[128] + reservedIn[129]);
        assertEquals(200, reservedIn[256] + reservedIn[257]);
        assertEquals(200, reservedIn[384] + reservedIn[385]);
        assertEquals(800, java.util.Arrays.stream(reservedIn).sum());
    }

    @Test
    void aBucketLeavesTheWindowOnlyOnceItIsOlderThanTheWindow() {
        BudgetWindow w = new BudgetWindow(10, WINDOW);
        assertTrue(w.tryReserve(600, 1_000));
        assertTrue(w.tryReserve(400, 1_005));
        assertFalse(w.tryReserve(1, 1_009));
        assertTrue(w.wouldExceed(1, 1_639)); // bucket 100 is still 63 buckets back
        assertFalse(w.wouldExceed(1_000, 1_640)); // bucket 164: bucket 100 left
        assertEquals(0, w.used(1_640), 1e-9);
        assertTrue(w.tryReserve(1_000, 1_640));
    }

    @Test
    void aReleaseGivesBackWithinTheWindowAndIsGoneAfterIt() {
        BudgetWindow w = new BudgetWindow(10, WINDOW);
        assertTrue(w.tryReserve(700, 2_000));
        w.release(300, 2_000, 2_100);
        assertEquals(4.00, w.used(2_100), 1e-9);
        w.release(400, 2_000, 2_000 + WINDOW); // the bucket has left the window: nothing to give back
        assertEquals(0, w.used(2_000 + WINDOW), 1e-9);
        assertTrue(w.tryReserve(1_000, 2_000 + WINDOW));
    }

    @Test
    void aForcedReservationGoesPastTheMaxAndTheNextCheckSeesIt() {
        BudgetWindow w = new BudgetWindow(10, WINDOW);
        w.forceReserve(1_200, 3_000);
        assertTrue(w.wouldExceed(0, 3_001), "12.00 counted against a max of 10");
        assertFalse(w.tryReserve(1, 3_002));
        assertEquals(12.00, w.used(3_002), 1e-9);
    }

    @Test
    void aRestoredWindowKeepsItsAmountsAndExpiresThemOnTime() {
        BudgetWindow w = new BudgetWindow(10, WINDOW);
        assertTrue(w.tryReserve(500, 4_000));
        assertTrue(w.tryReserve(200, 4_300));
        BudgetWindow back = new BudgetWindow(10, WINDOW);
        back.restore(w.snapshot(), 4_400);
        assertEquals(7.00, back.used(4_400), 1e-9);
        assertFalse(back.tryReserve(301, 4_401));
        assertTrue(back.tryReserve(300, 4_401));
        assertEquals(5.00, back.used(4_640), 1e-9); // the 4_000 bucket left; 200 + 300 remain
        assertTrue(back.isFor(10, WINDOW));
        assertFalse(back.isFor(10.5, WINDOW));
    }

    @Test
    void timesBeforeTheEpochAndBackwardsDoNotBreakTheBuckets() {
        BudgetWindow w = new BudgetWindow(10, WINDOW);
        assertTrue(w.tryReserve(100, -25));
        assertTrue(w.tryReserve(100, 5));
        assertTrue(w.tryReserve(100, -3)); // an older time than the last call's: its own bucket
        assertEquals(3.00, w.used(6), 1e-9);
    }

    @Test
    void aDecisionTimedBeforeTheCurrentBucketNeverPushesNewerAmountsOut() {
        BudgetWindow w = new BudgetWindow(10, WINDOW);
        assertTrue(w.tryReserve(400, 1_005)); // bucket 100
        // an escalation decided at 995 (bucket 99), approved after bucket 100 began
        w.forceReserve(300, 995);
        assertEquals(7.00, w.used(1_006), 1e-9);
        assertFalse(w.tryReserve(301, 1_007));
        // the older amount leaves one bucket earlier than the newer one
        assertEquals(4.00, w.used(1_635), 1e-9); // bucket 163: 99 left, 100 is 63 back
        // a reservation timed a whole window before the newest bucket has already left the window
        assertTrue(w.tryReserve(100, 1_005 + WINDOW + 10)); // bucket 165
        w.forceReserve(200, 1_005 + 10); // bucket 101, same slot as 165
        assertEquals(1.00, w.used(1_005 + WINDOW + 11), 1e-9);
    }
}
