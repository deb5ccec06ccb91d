package dev.warden.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.rules.Policy;
import dev.warden.rules.Verdict;
import dev.warden.rules.policy.PolicyParser;
import dev.warden.scanner.policy.Coverage;
import dev.warden.scanner.policy.PolicySuggester;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starter policies and coverage, evaluated with the real parser and evaluator over a real scan. */
class PolicyFromInventoryTest {
    @TempDir
    static Path work;
    static Inventory support;

    @BeforeAll
    static void scan() throws Exception {
        Path classes = TestApps.compile(work.resolve("support"), TestApps.SUPPORT_APP, TestApps.jars("langchain4j"));
        support = new StaticScanner().scan(List.of(classes));
    }

    private static Policy parse(String yaml) throws Exception {
        return PolicyParser.parse(yaml.getBytes(StandardCharsets.UTF_8), "test.yaml");
    }

    @Test
    void theSuggestedPolicyParsesAllowsWhatWasFoundAndEscalatesWhatIsConsequential() throws Exception {
        String yaml = PolicySuggester.suggest(support, "inventory.json");
        Policy p = parse(yaml);
        assertEquals(Verdict.DENY, p.defaultVerdict);
        Map<String, String> rules = p.rules.stream().collect(Collectors.toMap(r -> r.id, r -> r.action.label));
        assertEquals(Map.ofEntries(
                Map.entry("allow-model-traffic", "allow"),
                Map.entry("escalate-tool-issueRefund", "escalate"),
                Map.entry("escalate-tool-archiveOrders", "escalate"),
                Map.entry("escalate-tool-reconcile", "escalate"),
                Map.entry("escalate-tool-getWeather", "escalate"),
                Map.entry("allow-tool-lookupCustomer", "allow"),
                Map.entry("allow-host-api.stripe.com", "allow"),
                Map.entry("allow-host-api.weather.example.org", "allow"),
                Map.entry("allow-host-llm.internal.example", "allow"),
                Map.entry("allow-sql-customers", "allow"),
                Map.entry("allow-sql-orders", "allow"),
                Map.entry("escalate-process-/usr/local/bin/reconcile", "escalate")), rules);
        assertTrue(yaml.contains("# issueRefund (langchain4j, found in com.acme.support.RefundTools, risk high 75)"), yaml);
        assertTrue(yaml.contains("#   +20 money: names look like money movement: refund, amount"), yaml);
        // everything discovered is governed by the suggestion, so its own coverage passes
        List<Coverage.Row> rows = new Coverage(p).check(support);
        assertFalse(Coverage.failing(rows), rows::toString);
    }

    @Test
    void coverageNamesTheGoverningRulesAndFailsOnConsequentialGaps() throws Exception {
        Policy p = parse("""
                version: 1
                name: partial
                default: allow
                rules:
                  - id: refunds-need-approval
                    match: { kind: tool, tool: issueRefund, args.amount: { gt: 500 } }
                    action: escalate
                  - id: no-writes-to-orders
                    match: { kind: sql, tables: orders, operation: [UPDATE, DELETE] }
                    action: deny
                  - id: stripe-only
                    match: { kind: http, host: api.stripe.com }
                    action: allow
                  - id: lookups-rate
                    match: { kind: tool, tool: lookupCustomer }
                    limit: { max: 10, per: 1m }
                    action: deny
                """);
        List<Coverage.Row> rows = new Coverage(p).check(support);
        Map<String, String> byItem = rows.stream().collect(Collectors.toMap(r -> r.kind() + " " + r.item(),
                r -> r.status() + " " + r.rules() + (r.consequential() == null ? "" : " !"), (a, b) -> a, java.util.TreeMap::new));
        assertEquals("CONDITIONAL [refunds-need-approval (depends on arguments)] !", byItem.get("tool issueRefund"));
        assertEquals("CONDITIONAL [lookups-rate (beyond 10 per 1m (scope session))] !", byItem.get("tool lookupCustomer"));
        assertEquals("UNGOVERNED [] !", byItem.get("tool reconcile"));
        assertEquals("GOVERNED [stripe-only] !", byItem.get("host api.stripe.com"));
        assertEquals("UNGOVERNED [] !", byItem.get("host api.weather.example.org"));
        assertEquals("UNGOVERNED []", byItem.get("host llm.internal.example"));
        assertEquals("GOVERNED [no-writes-to-orders] !", byItem.get("table orders"));
        assertEquals("UNGOVERNED [] !", byItem.get("table customers"));
        assertEquals("UNGOVERNED [] !", byItem.get("process /usr/local/bin/reconcile --since yesterday"));
        assertTrue(Coverage.failing(rows));
    }

    @Test
    void aDenyByDefaultPolicyGovernsEverything() throws Exception {
        Policy p = parse("version: 1\nname: closed\ndefault: deny\nrules: []\n");
        List<Coverage.Row> rows = new Coverage(p).check(support);
        assertFalse(Coverage.failing(rows));
        assertTrue(rows.stream().filter(r -> !r.kind().equals("file")).allMatch(r -> r.rules().equals(List.of("default: deny"))), rows::toString);
    }
}
