package dev.warden.rules;

import static dev.warden.rules.Policies.http;
import static dev.warden.rules.Policies.parse;
import static dev.warden.rules.Policies.sql;
import static dev.warden.rules.Policies.tool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.rules.state.SessionStore;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EvaluatorTest {
    private final Decision d = new Decision();

    private static final String EGRESS = String.join("\n",
            "version: 1",
            "name: egress",
            "default: allow",
            "rules:",
            "  - id: allowlist",
            "    match: { kind: http, parent: { not: model }, host: { not: ['payments.internal.example', '*.corp.example', '10.0.0.7', '::1'] } }",
            "    action: deny",
            "");

    @Test
    void wildcardSuffixMatchesAnyDepthButNotTheApex() {
        Evaluator ev = new Evaluator(parse(EGRESS));
        assertEquals(Verdict.ALLOW, ev.evaluate(http("GET", "a.corp.example"), d).verdict());
        assertEquals(Verdict.ALLOW, ev.evaluate(http("GET", "a.b.c.corp.example"), d).verdict());
        assertEquals(Verdict.DENY, ev.evaluate(http("GET", "corp.example"), d).verdict());
        assertEquals(Verdict.DENY, ev.evaluate(http("GET", "evilcorp.example"), d).verdict());
        assertEquals(List.of("allowlist"), d.ruleIds());
    }

    @Test
    void hostsAreNormalisedCaseTrailingDotIdnAndIpLiterals() {
        Evaluator ev = new Evaluator(parse(EGRESS));
        assertEquals(Verdict.ALLOW, ev.evaluate(http("GET", "Payments.Internal.Example."), d).verdict());
        assertEquals(Verdict.ALLOW, ev.evaluate(http("GET", "10.0.0.7"), d).verdict());
        assertEquals(Verdict.ALLOW, ev.evaluate(http("GET", "[::1]"), d).verdict());
        assertEquals(Verdict.DENY, ev.evaluate(http("GET", "10.0.0.8"), d).verdict());
        assertEquals("xn--bcher-kva.corp.example", Hosts.normalize("BÜCHER.corp.example."));
        assertEquals(Verdict.ALLOW, ev.evaluate(http("GET", "bücher.corp.example"), d).verdict());
    }

    @Test
    void modelTrafficIsNotToolEgress() {
        Evaluator ev = new Evaluator(parse(EGRESS));
        assertEquals(Verdict.ALLOW, ev.evaluate(http("POST", "api.openai.com").parent(Action.PARENT_MODEL), d).verdict());
        assertEquals(Verdict.DENY, ev.evaluate(http("POST", "api.openai.com").parent("exportReport"), d).verdict());
        assertEquals(Verdict.DENY, ev.evaluate(http("POST", "api.openai.com"), d).verdict());
    }

    @Test
    void aRepeatedArgumentKeyIsJudgedByTheValueTheToolWillRun() {
        // Jackson binds the last occurrence: {"amount":1,"amount":5000} refunds 5000
        Evaluator ev = new Evaluator(parse(String.join("\n",
                "version: 1",
                "name: p",
                "default: allow",
                "rules:",
                "  - id: deny-huge",
                "    match: { kind: tool, tool: issueRefund, args.amount: { gte: 5000 } }",
                "    action: deny",
                "")));
        assertEquals(Verdict.DENY, ev.evaluate(tool("issueRefund", "{\"amount\": 1, \"amount\": 5000}"), d).verdict());
        assertEquals(Verdict.ALLOW, ev.evaluate(tool("issueRefund", "{\"amount\": 5000, \"amount\": 1}"), d).verdict());
    }

    @Test
    void mostRestrictiveWinsAndDefaultDecidesWhenNothingApplies() {
        Policy p = parse(String.join("\n",
                "version: 1",
                "name: p",
                "default: deny",
                "rules:",
                "  - id: allow-refund",
                "    match: { kind: tool, tool: issueRefund }",
                "    action: allow",
                "  - id: escalate-big",
                "    match: { kind: tool, tool: issueRefund, args.amount: { gt: 500 } }",
                "    action: escalate",
                "  - id: deny-huge",
                "    match: { kind: tool, tool: issueRefund, args.amount: { gte: 5000 } }",
                "    action: deny",
                ""));
        Evaluator ev = new Evaluator(p);
        assertEquals(Verdict.ALLOW, ev.evaluate(tool("issueRefund", "{\"amount\": 100}"), d).verdict());
        assertEquals(List.of("allow-refund"), d.ruleIds());
        assertEquals(Verdict.ESCALATE, ev.evaluate(tool("issueRefund", "{\"amount\": 500.01}"), d).verdict());
        assertEquals(List.of("escalate-big"), d.ruleIds());
        assertEquals(Verdict.DENY, ev.evaluate(tool("issueRefund", "{\"amount\": \"5000\"}"), d).verdict());
        assertEquals(List.of("deny-huge"), d.ruleIds());
        assertEquals(Verdict.DENY, ev.evaluate(tool("sendEmail", "{}"), d).verdict());
        assertTrue(d.defaulted());
        assertEquals(0, d.decisiveCount());
    }

    @Test
    void argsPathsReadNestedJsonWithEscapesAndArrays() {
        Policy p = parse(String.join("\n",
                "version: 1.1",
                "name: p",
                "rules:",
                "  - id: de",
                "    match: { kind: tool, args.customer.address.country: [DE, FR] }",
                "    action: deny",
                "  - id: first-item",
                "    match: { kind: tool, args.items.0.sku: { regex: '^GIFT-' } }",
                "    action: deny",
                "  - id: quote",
                "    match: { kind: tool, args.note: 'say \"hi\"' }",
                "    action: deny",
                ""));
        Evaluator ev = new Evaluator(p);
        assertEquals(Verdict.DENY, ev.evaluate(tool("t", "{\"id\":1,\"customer\":{\"name\":\"x\",\"address\":{\"country\":\"DE\"}}}"), d).verdict());
        assertEquals(Verdict.ALLOW, ev.evaluate(tool("t", "{\"customer\":{\"address\":{\"country\":\"US\"}}}"), d).verdict());
        assertEquals(Verdict.DENY, ev.evaluate(tool("t", "{\"items\":[{\"sku\":\"GIFT-1\"},{\"sku\":\"X\"}]}"), d).verdict());
        assertEquals(Verdict.ALLOW, ev.evaluate(tool("t", "{\"items\":[{\"sku\":\"X\"},{\"sku\":\"GIFT-1\"}]}"), d).verdict());
        assertEquals(Verdict.DENY, ev.evaluate(tool("t", "{\"note\":\"say \\\"hi\\\"\"}"), d).verdict());
        assertEquals(Verdict.ALLOW, ev.evaluate(tool("t", "not json at all {"), d).verdict());
    }

    @Test
    void setAttributesMatchAnyElementAndNotMeansSomeElementOutside() {
        Policy p = parse(String.join("\n",
                "version: 1",
                "name: p",
                "rules:",
                "  - id: only-catalog",
                "    match: { kind: sql, tables: { not: [products, prices] } }",
                "    action: deny",
                "  - id: no-ssn-table",
                "    match: { kind: sql, tables: SSN }",
                "    action: escalate",
                "  - id: ops-ci",
                "    match: { kind: sql, operation: delete }",
                "    action: deny",
                ""));
        Evaluator ev = new Evaluator(p);
        assertEquals(Verdict.ALLOW, ev.evaluate(sql(SqlOperation.SELECT, "products", "prices"), d).verdict());
        assertEquals(Verdict.DENY, ev.evaluate(sql(SqlOperation.SELECT, "products", "customers"), d).verdict());
        assertEquals(List.of("only-catalog"), d.ruleIds());
        assertEquals(Verdict.ALLOW, ev.evaluate(sql(SqlOperation.SELECT), d).verdict());
        assertEquals(List.of("only-catalog", "no-ssn-table"), ev.evaluate(sql(SqlOperation.SELECT, "ssn"), d).matchedIds());
        assertEquals(Verdict.DENY, ev.evaluate(sql(SqlOperation.DELETE, "products"), d).verdict());
    }

    @Test
    void monitorRulesNeverChangeTheDecisionButReportWouldDecide() {
        Policy p = parse(String.join("\n",
                "version: 1",
                "name: p",
                "rules:",
                "  - id: watch",
                "    match: { kind: tool, tool: runSql }",
                "    action: deny",
                "    mode: monitor",
                ""));
        Evaluator ev = new Evaluator(p);
        ev.evaluate(tool("runSql", "{}"), d);
        assertEquals(Verdict.ALLOW, d.verdict());
        assertEquals(Verdict.DENY, d.wouldDecide());
        assertEquals(List.of("watch"), d.matchedIds());
        assertTrue(d.reason().startsWith("monitored:"), d.reason());
    }

    @Test
    void monitorPolicyAllowsEverythingIncludingTheDefault() {
        Policy p = parse("version: 1\nname: p\ndefault: deny\nmode: monitor\nrules:\n  - id: x\n    match: { kind: http, method: DELETE }\n    action: deny\n");
        Evaluator ev = new Evaluator(p);
        assertEquals(Verdict.ALLOW, ev.evaluate(http("DELETE", "a.example"), d).verdict());
        assertEquals(Verdict.DENY, d.wouldDecide());
        assertEquals(Verdict.ALLOW, ev.evaluate(http("GET", "a.example"), d).verdict());
        assertEquals(Verdict.DENY, d.wouldDecide());
    }

    @Test
    void limitCountsOnlyCallsThatWentAheadAndAppliesOnlyToTheExcess() {
        Policy p = parse(String.join("\n",
                "version: 1",
                "name: p",
                "rules:",
                "  - id: rate",
                "    match: { kind: tool, tool: sendEmail }",
                "    limit: { max: 2, per: 1m }",
                "    action: deny",
                "  - id: no-spam",
                "    match: { kind: tool, tool: sendEmail, args.to: spam@x.example }",
                "    action: deny",
                ""));
        AtomicLong clock = new AtomicLong(1_000_000);
        Evaluator ev = new Evaluator(p, new SessionStore(), clock::get);
        // denied calls do not use up the limit
        for (int i = 0; i < 5; i++) {
            assertEquals(Verdict.DENY, ev.evaluate(tool("sendEmail", "{\"to\":\"spam@x.example\"}").session("s"), d).verdict());
        }
        assertEquals(Verdict.ALLOW, ev.evaluate(tool("sendEmail", "{\"to\":\"a@x.example\"}").session("s"), d).verdict());
        assertEquals(0, d.matchedCount(), "a limit that is not exceeded does not apply");
        assertEquals(Verdict.ALLOW, ev.evaluate(tool("sendEmail", "{}").session("s"), d).verdict());
        assertEquals(Verdict.DENY, ev.evaluate(tool("sendEmail", "{}").session("s"), d).verdict());
        assertEquals(List.of("rate"), d.ruleIds());
        // another session has its own window
        assertEquals(Verdict.ALLOW, ev.evaluate(tool("sendEmail", "{}").session("other"), d).verdict());
        clock.addAndGet(60_001);
        assertEquals(Verdict.ALLOW, ev.evaluate(tool("sendEmail", "{}").session("s"), d).verdict());
    }

    @Test
    void agentScopedLimitIsSharedAcrossSessions() {
        Policy p = parse("version: 1\nname: p\nrules:\n  - id: rate\n    match: { kind: http }\n    limit: { max: 3, per: 1h, scope: agent }\n    action: deny\n");
        Evaluator ev = new Evaluator(p);
        int allowed = 0;
        for (int i = 0; i < 10; i++) {
            if (ev.evaluate(http("GET", "x.example").session("s" + i), d).verdict() == Verdict.ALLOW) {
                allowed++;
            }
        }
        assertEquals(3, allowed);
    }

    @Test
    void afterRequiresAnEarlierActionThatWentAheadInTheSameSession() {
        Policy p = parse(String.join("\n",
                "version: 1",
                "name: p",
                "rules:",
                "  - id: no-ddl",
                "    match: { kind: sql, operation: DDL }",
                "    action: deny",
                "  - id: no-export-after-read",
                "    match: { kind: http, method: POST }",
                "    after: { kind: sql, tables: customers, operation: SELECT }",
                "    action: deny",
                "  - id: no-export-after-ddl-attempt",
                "    match: { kind: http, method: PUT }",
                "    after: { kind: sql, operation: DDL }",
                "    action: deny",
                ""));
        Evaluator ev = new Evaluator(p);
        assertEquals(Verdict.ALLOW, ev.evaluate(http("POST", "x.example").session("s1"), d).verdict());
        ev.evaluate(sql(SqlOperation.SELECT, "orders").session("s1"), d);
        assertEquals(Verdict.ALLOW, ev.evaluate(http("POST", "x.example").session("s1"), d).verdict());
        ev.evaluate(sql(SqlOperation.SELECT, "orders", "customers").session("s1"), d);
        assertEquals(Verdict.DENY, ev.evaluate(http("POST", "x.example").session("s1"), d).verdict());
        assertEquals(List.of("no-export-after-read"), d.ruleIds());
        assertEquals(Verdict.ALLOW, ev.evaluate(http("POST", "x.example").session("s2"), d).verdict(), "other sessions are unaffected");
        // a denied DDL did not happen, so it is not an earlier action
        assertEquals(Verdict.DENY, ev.evaluate(sql(SqlOperation.DDL, "t").session("s3"), d).verdict());
        assertEquals(Verdict.ALLOW, ev.evaluate(http("PUT", "x.example").session("s3"), d).verdict());
    }

    @Test
    void approvedEscalationCountsAsHavingGoneAhead() {
        Policy p = parse(String.join("\n",
                "version: 1",
                "name: p",
                "rules:",
                "  - id: approve-reads",
                "    match: { kind: sql, tables: customers }",
                "    action: escalate",
                "  - id: after-read",
                "    match: { kind: http }",
                "    after: { kind: sql, tables: customers }",
                "    action: deny",
                ""));
        Evaluator ev = new Evaluator(p);
        Action read = sql(SqlOperation.SELECT, "customers").session("s");
        assertEquals(Verdict.ESCALATE, ev.evaluate(read, d).verdict());
        assertEquals(Verdict.ALLOW, ev.evaluate(http("GET", "x.example").session("s"), new Decision()).verdict());
        ev.approved(read, d);
        assertEquals(Verdict.DENY, ev.evaluate(http("GET", "x.example").session("s"), d).verdict());
    }

    @Test
    void regionsDeriveFromHostsAndJurisdictionRulesUseThem() {
        Policy p = parse(String.join("\n",
                "version: 1",
                "name: p",
                "regions:",
                "  eu: ['*.eu.example.com', 'api.eu-west-1.example.net']",
                "  us: ['*.us.example.com']",
                "rules:",
                "  - id: eu-only",
                "    match: { kind: http, host.region: { not: [eu] } }",
                "    after: { kind: tool, tool: lookupCustomer, args.country: [DE, FR] }",
                "    action: deny",
                ""));
        Evaluator ev = new Evaluator(p);
        ev.evaluate(tool("lookupCustomer", "{\"country\":\"DE\"}").session("s"), d);
        Action a = http("GET", "crm.eu.example.com").session("s");
        assertEquals(Verdict.ALLOW, ev.evaluate(a, d).verdict());
        assertEquals("eu", a.region());
        assertEquals(Verdict.ALLOW, ev.evaluate(http("GET", "api.eu-west-1.example.net").session("s"), d).verdict());
        Action us = http("GET", "crm.us.example.com").session("s");
        assertEquals(Verdict.DENY, ev.evaluate(us, d).verdict());
        assertEquals("us", us.region());
        assertEquals(Verdict.DENY, ev.evaluate(http("GET", "unknown.example").session("s"), d).verdict());
    }

    @Test
    void hotSwapAppliesToTheNextEvaluation() {
        Evaluator ev = new Evaluator(parse("version: 1\nname: a\nrules: []\n"));
        assertEquals(Verdict.ALLOW, ev.evaluate(http("GET", "x.example"), d).verdict());
        ev.install(parse("version: 1\nname: b\ndefault: deny\nrules: []\n"));
        assertEquals(Verdict.DENY, ev.evaluate(http("GET", "x.example"), d).verdict());
        assertEquals("b", d.policy().name);
    }

    @Test
    void limitStateSurvivesAReloadThatKeepsTheRule() {
        String yaml = "version: 1\nname: v%d\nrules:\n  - id: rate\n    match: { kind: tool, tool: t }\n    limit: { max: 2, per: 1h }\n    action: deny\n";
        Evaluator ev = new Evaluator(parse(String.format(yaml, 1)));
        ev.evaluate(tool("t", "{}").session("s"), d);
        ev.evaluate(tool("t", "{}").session("s"), d);
        ev.install(parse(String.format(yaml, 2)));
        assertEquals(Verdict.DENY, ev.evaluate(tool("t", "{}").session("s"), d).verdict());
    }

    @Test
    void globsOnToolNamesAndCaseInsensitiveMethods() {
        Policy p = parse("version: 1\nname: p\nrules:\n  - id: sends\n    match: { kind: tool, tool: 'send*' }\n    action: deny\n"
                + "  - id: posts\n    match: { kind: http, method: post }\n    action: deny\n");
        Evaluator ev = new Evaluator(p);
        assertEquals(Verdict.DENY, ev.evaluate(tool("sendEmail", null), d).verdict());
        assertEquals(Verdict.DENY, ev.evaluate(tool("send", null), d).verdict());
        assertEquals(Verdict.ALLOW, ev.evaluate(tool("resend", null), d).verdict());
        assertEquals(Verdict.DENY, ev.evaluate(http("POST", "x.example"), d).verdict());
        assertFalse(d.defaulted());
    }
}
