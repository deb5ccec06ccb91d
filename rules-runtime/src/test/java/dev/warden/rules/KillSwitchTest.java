package dev.warden.rules;

import static dev.warden.rules.Policies.http;
import static dev.warden.rules.Policies.parse;
import static dev.warden.rules.Policies.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class KillSwitchTest {
    private static final String ALLOW_ALL = String.join("\n",
            "version: 1",
            "name: open",
            "default: allow",
            "rules:",
            "  - id: watch-refunds",
            "    match: { kind: tool, tool: issueRefund }",
            "    action: allow",
            "");

    private final Decision d = new Decision();

    @Test
    void aKillOfEverythingDeniesEveryKindAndNamesTheOrder() {
        Evaluator ev = new Evaluator(parse(ALLOW_ALL));
        ev.kill(KillSwitch.NONE.with(new KillSwitch.Order(7, null, "alice", "runaway refunds")));
        ev.evaluate(http("GET", "example.org"), d);
        assertEquals(Verdict.DENY, d.verdict());
        assertTrue(d.killed());
        assertEquals(List.of("kill-7"), d.ruleIds());
        assertEquals("kill order #7 by alice: runaway refunds", d.reason());
        assertEquals("Blocked by policy kill-7: kill order #7 by alice: runaway refunds", d.blockMessage());
        assertEquals(List.of("kill-switch"), d.controls());
        assertEquals(Verdict.DENY, ev.evaluate(tool("issueRefund", "{}"), d).verdict());
    }

    @Test
    void aToolKillStopsOnlyThatTool() {
        Evaluator ev = new Evaluator(parse(ALLOW_ALL));
        ev.kill(KillSwitch.NONE.with(new KillSwitch.Order(3, "issueRefund", "bob", "investigating")));
        assertEquals(Verdict.DENY, ev.evaluate(tool("issueRefund", "{}"), d).verdict());
        assertEquals(List.of("kill-3"), d.ruleIds());
        assertEquals(Verdict.ALLOW, ev.evaluate(tool("lookupCustomer", "{}"), d).verdict());
        assertFalse(d.killed());
        assertEquals(Verdict.ALLOW, ev.evaluate(http("GET", "example.org"), d).verdict());
    }

    @Test
    void monitorModeDoesNotSoftenAKill() {
        Evaluator ev = new Evaluator(parse(ALLOW_ALL.replace("default: allow", "default: allow\nmode: monitor")));
        ev.kill(KillSwitch.NONE.with(new KillSwitch.Order(1, null, "alice", "stop")));
        assertEquals(Verdict.DENY, ev.evaluate(http("GET", "example.org"), d).verdict());
    }

    @Test
    void resumeLiftsByScopeAndANewOrderReplacesOneOfTheSameScope() {
        KillSwitch k = KillSwitch.NONE
                .with(new KillSwitch.Order(1, "a", "x", "r"))
                .with(new KillSwitch.Order(2, "b", "x", "r"))
                .with(new KillSwitch.Order(4, "a", "y", "again"));
        assertEquals(2, k.orders().size());
        Evaluator ev = new Evaluator(parse(ALLOW_ALL));
        ev.kill(k);
        assertEquals(List.of("kill-4"), ev.evaluate(tool("a", "{}"), d).ruleIds());
        ev.kill(k.without("a"));
        assertEquals(Verdict.ALLOW, ev.evaluate(tool("a", "{}"), d).verdict());
        assertEquals(Verdict.DENY, ev.evaluate(tool("b", "{}"), d).verdict());
        assertSame(KillSwitch.NONE, k.without(null));
        ev.kill(null);
        assertEquals(Verdict.ALLOW, ev.evaluate(tool("b", "{}"), d).verdict());
    }

    @Test
    void aPolicySwapKeepsTheKillInForce() {
        Evaluator ev = new Evaluator(parse(ALLOW_ALL));
        ev.kill(KillSwitch.NONE.with(new KillSwitch.Order(9, null, "alice", "stop")));
        ev.install(parse(ALLOW_ALL.replace("name: open", "name: open2")));
        assertEquals(Verdict.DENY, ev.evaluate(http("GET", "example.org"), d).verdict());
    }
}
