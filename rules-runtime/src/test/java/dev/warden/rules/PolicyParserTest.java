package dev.warden.rules;

import static dev.warden.rules.Policies.errors;
import static dev.warden.rules.Policies.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PolicyParserTest {

    @Test
    void misspeltKeyIsReportedWithPositionAndSuggestion() {
        String msg = errors("version: 1\nname: p\nrules:\n  - id: a\n    match: { kind: sql }\n    acton: deny\n");
        assertTrue(msg.contains("policy.yaml:6:5: unknown key 'acton' in rule (did you mean 'action'?)"), msg);
    }

    @Test
    void transposedLettersAreSuggested() {
        String msg = errors("version: 1\nname: p\nrules:\n  - id: a\n    match: { kind: http, hots: x }\n    action: deny\n");
        assertTrue(msg.contains("unknown key 'hots' in match (did you mean 'host'?)"), msg);
    }

    @Test
    void wrongTypesUnknownKindsAndOperatorsAreErrors() {
        String msg = errors(String.join("\n",
                "version: 1",
                "name: p",
                "default: maybe",
                "rules:",
                "  - id: a",
                "    match: { kind: ftp }",
                "    action: deny",
                "  - id: b",
                "    match: { kind: tool, args.amount: { gtt: 5 } }",
                "    action: deny",
                "  - id: c",
                "    match: { kind: http, port: https }",
                "    action: deny",
                "  - id: d",
                "    match: { kind: http, host: { gt: 4 } }",
                "    action: deny",
                ""));
        assertTrue(msg.contains("policy.yaml:3:10: 'default' is one of allow, deny; found 'maybe'"), msg);
        assertTrue(msg.contains("policy.yaml:6:20: unknown kind 'ftp'"), msg);
        assertTrue(msg.contains("unknown key 'gtt' in the test of 'args.amount' (did you mean 'gt'?)"), msg);
        assertTrue(msg.contains("'port' is a number; found 'https'"), msg);
        assertTrue(msg.contains("'gt' compares numbers, but 'host' is not a number"), msg);
    }

    @Test
    void duplicateIdsBadRegexAndImpossibleAfterAreErrors() {
        String msg = errors(String.join("\n",
                "version: 1",
                "name: p",
                "rules:",
                "  - id: same",
                "    match: { kind: http, path: { regex: '(unclosed' } }",
                "    action: deny",
                "  - id: same",
                "    match: { kind: http }",
                "    after: { kind: tool, args.amount: { gt: 10, lt: 1 } }",
                "    action: deny",
                ""));
        assertTrue(msg.contains("policy.yaml:7:9: duplicate rule id 'same' (first at line 4)"), msg);
        assertTrue(msg.contains("regex does not compile: Unclosed group"), msg);
        assertTrue(msg.contains("after can never match: args.amount: {gt: 10, lt: 1}"), msg);
    }

    @Test
    void keysFromTwoKindsCannotMeetInOneMatch() {
        String msg = errors("version: 1\nname: p\nrules:\n  - id: a\n    match: { tool: x, host: y }\n    action: deny\n");
        assertTrue(msg.contains("never occur on the same kind of action"), msg);
    }

    @Test
    void keyOfAnotherKindNamesItsOwner() {
        String msg = errors("version: 1\nname: p\nrules:\n  - id: a\n    match: { kind: sql, tool: x }\n    action: deny\n");
        assertTrue(msg.contains("'tool' does not apply to kind sql (it is an attribute of tool)"), msg);
    }

    @Test
    void yamlSyntaxErrorHasAPosition() {
        String msg = errors("version: 1\nname: p\nrules:\n  - id: a\n    match: { kind: http\n");
        assertTrue(msg.startsWith("policy.yaml:"), msg);
        assertTrue(msg.contains("YAML syntax"), msg);
    }

    @Test
    void approvalOnlyWithEscalateAndLanguage11KeysNeedVersion11() {
        String msg = errors("version: 1\nname: p\nrules:\n  - id: a\n    match: { kind: http }\n    action: deny\n    approval: { timeout: 1m }\n"
                + "  - id: b\n    match: { kind: tool }\n    action: modify\n");
        assertTrue(msg.contains("'approval' applies only to action: escalate"), msg);
        assertTrue(msg.contains("action 'modify' is policy language 1.1"), msg);
    }

    @Test
    void unknownRegionIsAnError() {
        String msg = errors("version: 1\nname: p\nregions: { eu: ['*.eu.example'] }\nrules:\n  - id: a\n    match: { kind: http, host.region: us }\n    action: deny\n");
        assertTrue(msg.contains("unknown region 'us'"), msg);
    }

    @Test
    void designExamplePolicyParses() {
        Policy p = parse(String.join("\n",
                "version: 1",
                "name: refund-agent-baseline",
                "default: allow",
                "mode: enforce",
                "regions:",
                "  eu: [\"*.eu.example.com\", \"api.eu-west-1.example.net\"]",
                "rules:",
                "  - id: no-ddl",
                "    description: Agents never change the schema",
                "    match: { kind: sql, operation: [DDL] }",
                "    action: deny",
                "    controls: [\"EU-AI-Act:Art.14\", \"SOX:ITGC-change\"]",
                "  - id: big-refunds-need-approval",
                "    match: { kind: tool, tool: issueRefund, args.amount: { gt: 500 } }",
                "    action: escalate",
                "    approval: { timeout: 2m, on_timeout: deny }",
                "  - id: egress-allowlist",
                "    match: { kind: http, parent: { not: model }, host: { not: [\"payments.internal.example\", \"*.corp.example\"] } }",
                "    action: deny",
                "  - id: no-export-after-customer-read",
                "    match: { kind: http, parent: { not: model }, method: [POST, PUT], host: { not: [\"*.corp.example\"] } }",
                "    after: { kind: sql, tables: customers, operation: SELECT }",
                "    action: deny",
                "  - id: email-rate",
                "    match: { kind: tool, tool: sendEmail }",
                "    limit: { max: 20, per: 1h, scope: session }",
                "    action: deny",
                "  - id: eu-data-stays-in-eu",
                "    match: { kind: http, host.region: { not: [eu] } }",
                "    after: { kind: tool, tool: lookupCustomer, args.country: [DE, FR, IT, ES, NL] }",
                "    action: deny",
                ""));
        assertEquals(6, p.rules.size());
        assertEquals("refund-agent-baseline", p.name);
        assertTrue(p.version.startsWith("sha256:"));
        Rule r = p.rule("big-refunds-need-approval");
        assertEquals(120_000, r.approval.timeoutMillis());
        assertEquals(Verdict.DENY, r.approval.onTimeout());
        assertEquals(20, p.rule("email-rate").limit.max());
        assertEquals(3_600_000, p.rule("email-rate").limit.perMillis());
    }

    @Test
    void shippedExamplePolicyParses() throws Exception {
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        Policy p = dev.warden.rules.policy.PolicyParser.parse(root.resolve("examples/policies/refund-agent.yaml"));
        assertNotNull(p.rule("no-ddl"));
    }
}
