package dev.warden.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.rules.Action;
import dev.warden.rules.Kind;
import dev.warden.rules.SqlOperation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The capability table: de-duplication, counts, deltas between heartbeats, honest overflow, concurrent counting. */
class CapabilitiesTest {
    static List<Capabilities.Entry> drain(Capabilities c) {
        List<Capabilities.Entry> out = new ArrayList<>();
        c.drain(false, Integer.MAX_VALUE, out::add);
        return out;
    }

    @Test
    void eachKeyIsCountedOnceWithFirstAndLastSighting() {
        Capabilities c = new Capabilities();
        Action a = new Action();
        a.reset().kind(Kind.HTTP).host("api.example.com").method("POST");
        c.record(a, 1000, false);
        // equal strings that are other instances are the same capability
        a.reset().kind(Kind.HTTP).host(new String("api.example.com")).method(new String("POST"));
        c.record(a, 2000, true);
        a.reset().kind(Kind.SQL).database("h2").operation(SqlOperation.SELECT).tables("orders", "customers");
        c.record(a, 3000, false);
        a.reset().kind(Kind.TOOL).tool("refund");
        c.record(a, 4000, false);
        a.reset().kind(Kind.PROCESS).command("git");
        c.record(a, 5000, false);

        List<Capabilities.Entry> all = drain(c);
        assertEquals(5, all.size(), all.toString());
        Capabilities.Entry http = all.stream().filter(e -> e.kind == Kind.HTTP).findFirst().orElseThrow();
        assertEquals(2, http.count());
        assertEquals(1, http.denied());
        assertEquals(1000, http.first);
        assertEquals(2000, http.last());
        assertEquals(List.of("customers", "orders"), all.stream().filter(e -> e.kind == Kind.SQL).map(e -> e.b).sorted().toList());
        assertTrue(all.stream().filter(e -> e.kind == Kind.SQL).allMatch(e -> "h2".equals(e.a) && "SELECT".equals(e.c)));
    }

    @Test
    void aDrainReportsOnlyWhatChangedWithCumulativeCounts() {
        Capabilities c = new Capabilities();
        c.sight(Kind.TOOL, "a", null, null, 1, false);
        c.sight(Kind.TOOL, "b", null, null, 1, false);
        assertEquals(2, drain(c).size());
        assertEquals(0, drain(c).size(), "nothing changed since");
        c.sight(Kind.TOOL, "b", null, null, 2, false);
        List<Capabilities.Entry> changed = drain(c);
        assertEquals(1, changed.size());
        assertEquals("b", changed.get(0).a);
        assertEquals(2, changed.get(0).count(), "cumulative, so a resend is idempotent");
        c.markAllChanged();
        assertEquals(2, drain(c).size(), "after a new WELCOME everything is sent again");
    }

    @Test
    void aFullTableCountsWhatItCannotTrack() {
        Capabilities c = new Capabilities(16); // 12 entries at most
        for (int i = 0; i < 20; i++) {
            c.sight(Kind.TOOL, "tool-" + i, null, null, 1, false);
        }
        assertEquals(12, c.size());
        assertEquals(8, c.overflow());
        c.sight(Kind.TOOL, "tool-0", null, null, 2, false);
        assertEquals(8, c.overflow(), "a key already tracked is still counted");
    }

    @Test
    void concurrentSightingsAreAllCountedOnOneEntry() throws Exception {
        Capabilities c = new Capabilities();
        int threads = 4;
        int each = 50_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    c.sight(Kind.HTTP, "h", "GET", null, i, false);
                    c.sight(Kind.TOOL, "t" + (i & 7), null, null, i, false);
                }
            });
            th.start();
            ts.add(th);
        }
        go.countDown();
        for (Thread th : ts) {
            th.join();
        }
        List<Capabilities.Entry> all = drain(c);
        assertEquals(9, all.size(), "racing first sightings settle on one entry per key");
        Capabilities.Entry h = all.stream().filter(e -> e.kind == Kind.HTTP).findFirst().orElseThrow();
        assertEquals((long) threads * each, h.count());
        assertEquals((long) threads * each, all.stream().filter(e -> e.kind == Kind.TOOL).mapToLong(Capabilities.Entry::count).sum());
        assertSame(h, all.stream().filter(e -> e.kind == Kind.HTTP).findFirst().orElseThrow());
    }
}
