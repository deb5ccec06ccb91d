package dev.warden.rules;

import static dev.warden.rules.Policies.http;
import static dev.warden.rules.Policies.parse;
import static dev.warden.rules.Policies.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.rules.state.SessionStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {

    /** Policy "gen-N" has N rules; every one of them denies its own host, so a decision names rules of one generation only. */
    private static Policy generation(int n) {
        StringBuilder sb = new StringBuilder("version: 1\nname: gen-" + n + "\ndefault: deny\nrules:\n");
        for (int i = 0; i < n; i++) {
            sb.append("  - id: g").append(n).append("-r").append(i).append("\n")
              .append("    match: { kind: http, host: ['h").append(i).append(".example', '*.all.example'] }\n")
              .append("    action: ").append(i % 2 == 0 ? "allow" : "escalate").append("\n");
        }
        return parse(sb.toString());
    }

    @Test
    void hotSwapUnderLoadNeverShowsAHalfBuiltTable() throws Exception {
        Policy[] gens = {generation(5), generation(50), generation(500)};
        Evaluator ev = new Evaluator(gens[0]);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicInteger evaluations = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                Decision d = new Decision();
                Action a = new Action();
                while (!stop.get() && failure.get() == null) {
                    http("GET", "x.all.example").session("s");
                    a.reset().kind(Kind.HTTP).method("GET").host("x.all.example");
                    ev.evaluate(a, d);
                    String name = d.policy().name;
                    int n = Integer.parseInt(name.substring(4));
                    // every rule of the generation matches: the decision must list all n of that generation and nothing else
                    if (d.matchedCount() != n) {
                        failure.set("policy " + name + " but " + d.matchedCount() + " rules matched");
                    }
                    for (int i = 0; i < d.matchedCount(); i++) {
                        if (!d.matched(i).id.startsWith("g" + n + "-")) {
                            failure.set("policy " + name + " decided with rule " + d.matched(i).id);
                        }
                    }
                    if (d.verdict() != (n > 1 ? Verdict.ESCALATE : Verdict.ALLOW)) {
                        failure.set("policy " + name + " gave " + d.verdict());
                    }
                    evaluations.incrementAndGet();
                }
            });
            threads.add(th);
            th.start();
        }
        for (int i = 0; i < 300 && failure.get() == null; i++) {
            ev.install(gens[i % gens.length]);
        }
        while (evaluations.get() < 20_000 && failure.get() == null) {
            Thread.onSpinWait();
        }
        stop.set(true);
        for (Thread th : threads) {
            th.join();
        }
        assertEquals(null, failure.get());
    }

    @Test
    void contendedRateLimitInOneSessionAllowsExactlyMax() throws Exception {
        Policy p = parse("version: 1\nname: p\nrules:\n  - id: rate\n    match: { kind: tool, tool: sendEmail }\n    limit: { max: 20, per: 1h }\n    action: deny\n");
        Evaluator ev = new Evaluator(p, new SessionStore(), () -> 5_000_000L);
        int threads = 8;
        AtomicInteger allowed = new AtomicInteger();
        AtomicInteger denied = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                Decision d = new Decision();
                Action a = new Action();
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 500; i++) {
                    a.reset().kind(Kind.TOOL).tool("sendEmail").session("one-session");
                    if (ev.evaluate(a, d).verdict() == Verdict.ALLOW) {
                        allowed.incrementAndGet();
                    } else {
                        denied.incrementAndGet();
                    }
                }
            });
            ts.add(th);
            th.start();
        }
        start.countDown();
        for (Thread th : ts) {
            th.join();
        }
        assertEquals(20, allowed.get());
        assertEquals(threads * 500 - 20, denied.get());
    }

    @Test
    void sequenceMarkedOnOneThreadIsSeenOnAnother() throws Exception {
        Policy p = parse("version: 1\nname: p\nrules:\n  - id: seq\n    match: { kind: http, method: POST }\n"
                + "    after: { kind: tool, tool: lookupCustomer }\n    action: deny\n");
        Evaluator ev = new Evaluator(p);
        Thread toolThread = new Thread(() -> ev.evaluate(tool("lookupCustomer", "{}").session("shared"), new Decision()));
        toolThread.start();
        toolThread.join();
        Decision d = new Decision();
        assertEquals(Verdict.DENY, ev.evaluate(http("POST", "x.example").session("shared"), d).verdict());
    }

    @Test
    void sessionMemoryIsBoundedAndEvictionsAreReported() {
        Policy p = parse("version: 1\nname: p\nrules:\n  - id: seq\n    match: { kind: http }\n    after: { kind: tool }\n    action: deny\n");
        SessionStore store = new SessionStore(1000, 3_600_000);
        List<String> evicted = new ArrayList<>();
        store.onEviction((id, why) -> evicted.add(id));
        long[] now = {1_000_000};
        Evaluator ev = new Evaluator(p, store, () -> now[0]);
        Decision d = new Decision();
        for (int i = 0; i < 5000; i++) {
            now[0] += 10;
            ev.evaluate(tool("t", "{}").session("s" + i), d);
        }
        assertTrue(store.size() <= 1000, "sessions: " + store.size());
        assertTrue(store.evictions() > 0);
        assertEquals(store.evictions(), evicted.size());
        assertTrue(evicted.contains("s0"), "the least recently seen session goes first");
        // idle sessions expire
        now[0] += 7_200_000;
        store.sweep(now[0]);
        assertEquals(0, store.size());
    }
}
