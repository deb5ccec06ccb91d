package dev.warden.rules;

import static dev.warden.rules.Policies.parse;
import static dev.warden.rules.Policies.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.rules.state.SessionStore;
import org.junit.jupiter.api.Test;

/** A budget counts the amount a modify rule leaves in the argument it sums (policy language 1.1). */
class BudgetClampTest {
    static final String POLICY = String.join("\n",
            "version: 1.1",
            "name: p",
            "%s",
            "rules:",
            "  - id: clamp",
            "    match: { kind: tool, tool: refund }",
            "    action: modify",
            "    modify: { args.amount: { max: 500 } }",
            "  - id: budget",
            "    match: { kind: tool, tool: refund }",
            "    budget: { sum: args.amount, max: 1000, per: 24h, scope: agent }",
            "    action: escalate",
            "");

    private static Verdict refund(Evaluator ev, Decision d, double amount) {
        return ev.evaluate(tool("refund", "{\"amount\":" + amount + "}").session("s"), d).verdict();
    }

    @Test
    void clampedAmountsAreWhatTheBudgetCounts() {
        Evaluator ev = new Evaluator(parse(String.format(POLICY, "")), new SessionStore(100, 3_600_000), () -> 1_000_000L);
        Decision d = new Decision();
        assertEquals(Verdict.MODIFY, refund(ev, d, 800)); // counts 500
        assertEquals(Verdict.MODIFY, refund(ev, d, 5000)); // counts 500: the budget is exactly used
        assertEquals(Verdict.ESCALATE, refund(ev, d, 1));
        assertEquals("budget", d.decisive(0).id);
    }

    @Test
    void anAmountThatFitsOnlyOnceClampedDoesNotEscalate() {
        Evaluator ev = new Evaluator(parse(String.format(POLICY, "")), new SessionStore(100, 3_600_000), () -> 1_000_000L);
        Decision d = new Decision();
        assertEquals(Verdict.MODIFY, refund(ev, d, 600)); // counts 500
        assertEquals(Verdict.MODIFY, refund(ev, d, 2000), "2000 would cross; clamped to 500 it fits exactly");
    }

    @Test
    void anApprovedEscalationReservesTheClampedAmount() {
        Evaluator ev = new Evaluator(parse(String.format(POLICY, "")), new SessionStore(100, 3_600_000), () -> 1_000_000L);
        Decision d = new Decision();
        assertEquals(Verdict.MODIFY, refund(ev, d, 700)); // 500 used
        assertEquals(Verdict.MODIFY, refund(ev, d, 400)); // 900 used
        Action crossing = tool("refund", "{\"amount\":4000}").session("s");
        assertEquals(Verdict.ESCALATE, ev.evaluate(crossing, d).verdict()); // 900 + 500 crosses
        ev.approved(crossing, d); // reserves 500, not 4000
        Reservation r = Reservation.of(ev, crossing, d);
        assertEquals("budget", r.rules());
        r.release(1_000_000L); // given back: 900 used again
        assertEquals(Verdict.MODIFY, refund(ev, d, 100)); // 1000: fits exactly
        assertEquals(Verdict.ESCALATE, refund(ev, d, 0.01));
    }

    @Test
    void aMonitorPolicyChangesNothingSoTheOriginalAmountCounts() {
        Evaluator ev = new Evaluator(parse(String.format(POLICY, "mode: monitor")), new SessionStore(100, 3_600_000), () -> 1_000_000L);
        Decision d = new Decision();
        assertEquals(Verdict.ALLOW, refund(ev, d, 800));
        ev.evaluate(tool("refund", "{\"amount\":300}").session("s"), d);
        assertEquals(Verdict.ESCALATE, d.wouldDecide(), "800 + 300 crosses when nothing is clamped");
    }
}
