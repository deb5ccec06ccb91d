package dev.warden.rules;

import static dev.warden.rules.Policies.parse;
import static dev.warden.rules.Policies.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.rules.state.BudgetWindow;
import dev.warden.rules.state.SessionStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Every call that goes ahead counts once in every budget that applies to it, whether it fitted or
 * an approver let it past a budget it crossed, also when two calls race for a budget's last room.
 */
class BudgetApprovalTest {
    static final String POLICY = String.join("\n",
            "version: 1.1",
            "name: approvals",
            "default: allow",
            "rules:",
            "  - id: roomy",
            "    match: { kind: tool, tool: issueRefund }",
            "    budget: { sum: args.amount, max: 1000000, per: 24h, scope: agent }",
            "    action: escalate",
            "  - id: tight",
            "    match: { kind: tool, tool: issueRefund }",
            "    budget: { sum: args.amount, max: 3, per: 24h, scope: agent }",
            "    action: escalate",
            "");

    static double used(Evaluator e, String rule) {
        RuleTable t = e.table();
        for (Rule r : t.policy.rules) {
            if (r.id.equals(rule)) {
                BudgetWindow w = e.sessions().agent().budget(t.budgetSlot[r.index], r.budget.max(), r.budget.perMillis());
                return w.used(1_000);
            }
        }
        throw new AssertionError(rule);
    }

    @Test
    void callsRacingForTheLastRoomOfOneBudgetStillCountOnceInTheOther() throws Exception {
        Policy policy = parse(POLICY);
        int threads = 2;
        int calls = 4;
        int rounds = 1500;
        AtomicReference<String> broken = new AtomicReference<>();
        AtomicLong escalated = new AtomicLong();
        for (int round = 0; round < rounds && broken.get() == null; round++) {
            Evaluator e = new Evaluator(policy, new SessionStore(), () -> 1_000L);
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread th = new Thread(() -> {
                    Decision d = new Decision();
                    try {
                        start.await();
                        for (int i = 0; i < calls; i++) {
                            Action a = tool("issueRefund", "{\"amount\":1}").session("s");
                            e.evaluate(a, d);
                            if (d.verdict() == Verdict.ESCALATE) {
                                escalated.incrementAndGet();
                                e.approved(a, d); // the approver lets it go ahead: it counts in both budgets
                            }
                        }
                    } catch (Exception ex) {
                        broken.compareAndSet(null, ex.toString());
                    }
                });
                ts.add(th);
                th.start();
            }
            for (Thread th : ts) {
                th.join();
            }
            double roomy = used(e, "roomy");
            double tight = used(e, "tight");
            if (roomy != threads * calls || tight != threads * calls) {
                broken.compareAndSet(null, "round " + round + ": roomy counted " + roomy + ", tight " + tight + " of " + threads * calls + " calls that went ahead");
            }
        }
        assertEquals(null, broken.get());
        assertEquals((long) rounds * (threads * calls - 3), escalated.get(), "every call past the tight budget's 3 escalated");
    }

    @Test
    void aRefusedEscalationCountsNowhereAndAnApprovedOneOnce() {
        Evaluator e = new Evaluator(parse(POLICY));
        Decision d = new Decision();
        for (int i = 0; i < 3; i++) {
            assertEquals(Verdict.ALLOW, e.evaluate(tool("issueRefund", "{\"amount\":1}"), d).verdict());
        }
        Action refused = tool("issueRefund", "{\"amount\":2}");
        assertEquals(Verdict.ESCALATE, e.evaluate(refused, d).verdict());
        e.release(refused, d); // the approver refused: nothing was reserved, nothing to give back
        assertEquals(3, used(e, "roomy"), 1e-9);
        assertEquals(3, used(e, "tight"), 1e-9);
        Action approved = tool("issueRefund", "{\"amount\":2}");
        assertEquals(Verdict.ESCALATE, e.evaluate(approved, d).verdict());
        e.approved(approved, d);
        assertEquals(5, used(e, "roomy"), 1e-9);
        assertEquals(5, used(e, "tight"), 1e-9);
        e.release(approved, d); // it provably had no effect after all: given back once
        e.release(approved, d);
        assertEquals(3, used(e, "roomy"), 1e-9);
        assertEquals(3, used(e, "tight"), 1e-9);
    }
}
