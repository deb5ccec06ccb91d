package dev.warden.rules;

import static dev.warden.rules.Policies.errors;
import static dev.warden.rules.Policies.parse;
import static dev.warden.rules.Policies.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.rules.state.BudgetWindow;
import dev.warden.rules.state.SessionStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class Language11Test {

    @Test
    void twoModifyRulesSettingTheSameFieldDifferentlyAreAnErrorNamingBoth() {
        String msg = errors(String.join("\n",
                "version: 1.1",
                "name: p",
                "rules:",
                "  - id: clamp-500",
                "    match: { kind: tool, tool: issueRefund }",
                "    action: modify",
                "    modify: { args.amount: { max: 500 } }",
                "  - id: clamp-300",
                "    match: { kind: tool, tool: issueRefund, args.vip: false }",
                "    action: modify",
                "    modify: { args.amount: { max: 300 } }",
                ""));
        assertTrue(msg.contains("rules 'clamp-500' and 'clamp-300' both modify args.amount differently"), msg);
    }

    @Test
    void modifyMustFitTheKindAndModifyNeedsVersion11() {
        String msg = errors("version: 1.1\nname: p\nrules:\n  - id: a\n    match: { kind: tool }\n    action: modify\n    modify: { max_rows: 5 }\n"
                + "  - id: b\n    match: { kind: tool }\n    action: modify\n");
        assertTrue(msg.contains("modify 'max_rows' applies to sql actions"), msg);
        assertTrue(msg.contains("action 'modify' needs a 'modify' map"), msg);
    }

    @Test
    void badTimeWindowsAreReported() {
        String msg = errors("version: 1.1\nname: p\nrules:\n  - id: a\n    match: { kind: sql }\n    when: { days: [mon, funday], hours: '25:00-26:00', zone: Mars/Olympus }\n    action: deny\n");
        assertTrue(msg.contains("unknown day 'funday'"), msg);
        assertTrue(msg.contains("'hours' is a range"), msg);
        assertTrue(msg.contains("unknown time zone 'Mars/Olympus'"), msg);
    }

    @Test
    void modificationsStillApplyToAnEscalatedCall() {
        Policy p = parse(String.join("\n",
                "version: 1.1",
                "name: p",
                "rules:",
                "  - id: strip",
                "    match: { kind: http }",
                "    action: modify",
                "    modify: { headers: { remove: [Authorization] } }",
                "  - id: ask",
                "    match: { kind: http, method: DELETE }",
                "    action: escalate",
                ""));
        Decision d = new Evaluator(p).evaluate(Policies.http("DELETE", "x.example"), new Decision());
        assertEquals(Verdict.ESCALATE, d.verdict());
        assertEquals(1, d.modifyCount(), "once approved, the call goes ahead modified");
        assertEquals(List.of("Authorization"), d.modify(0).removeHeaders);
        Decision allow = new Evaluator(parse("version: 1.1\nname: q\nrules:\n  - id: x\n    match: { kind: http }\n    action: deny\n"))
                .evaluate(Policies.http("GET", "x.example"), new Decision());
        assertEquals(0, allow.modifyCount());
    }

    @Test
    void concurrentReservationsNeverOvershootTheBudget() throws Exception {
        BudgetWindow w = new BudgetWindow(1000, 86_400_000L);
        AtomicLong reserved = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread th = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 1000; i++) {
                    if (w.tryReserve(BudgetWindow.cents(7.5), 1_000_000 + i)) {
                        reserved.addAndGet(750);
                    }
                }
            });
            ts.add(th);
            th.start();
        }
        go.countDown();
        for (Thread th : ts) {
            th.join();
        }
        assertEquals(133 * 750, reserved.get(), "floor(1000 / 7.5) reservations fit");
        assertEquals(997.5, w.used(1_000_000 + 1000), 1e-9);
        // after the window, the budget is free again
        assertEquals(0, w.used(1_000_000 + 86_400_000L + 86_400_000L / 64 + 1000), 1e-9);
    }

    @Test
    void requiresFailsClosedWhenTheSessionWasEvicted() {
        Policy p = parse(String.join("\n",
                "version: 1.1",
                "name: p",
                "rules:",
                "  - id: verify-first",
                "    match: { kind: tool, tool: transferFunds }",
                "    requires: { before: { kind: tool, tool: verifyIdentity } }",
                "    action: deny",
                ""));
        SessionStore store = new SessionStore(10, 3_600_000);
        long[] now = {1_000_000};
        Evaluator ev = new Evaluator(p, store, () -> now[0]);
        Decision d = new Decision();
        ev.evaluate(tool("verifyIdentity", "{}").session("victim"), d);
        assertEquals(Verdict.ALLOW, ev.evaluate(tool("transferFunds", "{}").session("victim"), d).verdict());
        for (int i = 0; i < 50; i++) {
            now[0] += 10;
            ev.evaluate(tool("verifyIdentity", "{}").session("other" + i), d);
        }
        assertTrue(store.wasEvicted("victim"));
        ev.evaluate(tool("transferFunds", "{}").session("victim"), d);
        assertEquals(Verdict.DENY, d.verdict());
        assertTrue(d.stateLost());
        assertTrue(d.reason().contains("evicted"), d.reason());
    }

    @Test
    void principalScopedBudgetsAreSharedAcrossSessionsOfOneUser() {
        Policy p = parse("version: 1.1\nname: p\nrules:\n  - id: b\n    match: { kind: tool, tool: pay }\n"
                + "    budget: { sum: args.amount, max: 100, per: 1h, scope: principal }\n    action: deny\n");
        Evaluator ev = new Evaluator(p);
        Decision d = new Decision();
        assertEquals(Verdict.ALLOW, ev.evaluate(tool("pay", "{\"amount\": 60}").principal("ann").session("1"), d).verdict());
        assertEquals(Verdict.DENY, ev.evaluate(tool("pay", "{\"amount\": 60}").principal("ann").session("2"), d).verdict());
        assertEquals(Verdict.ALLOW, ev.evaluate(tool("pay", "{\"amount\": 60}").principal("bo").session("2"), d).verdict());
        // an amount that cannot be read fails closed
        assertEquals(Verdict.DENY, ev.evaluate(tool("pay", "{\"amount\": \"lots\"}").principal("cy").session("3"), d).verdict());
    }
}
