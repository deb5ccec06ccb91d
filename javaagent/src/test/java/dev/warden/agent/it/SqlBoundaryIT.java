package dev.warden.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.agent.it.apps.SqlBoundaryApp;
import dev.warden.rules.evidence.EvidenceRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Policy language 1.1 SQL controls under the built agent with real H2: {@code max_rows} caps a
 * real result through {@code Statement.setMaxRows} (never above the application's own limit, and
 * not left on a reused statement), and a column boundary on {@code customers.ssn} blocks the
 * column however it is spelled: directly, through an alias, unqualified in a join (resolved from
 * metadata) and through {@code SELECT *} (expanded from metadata).
 */
class SqlBoundaryIT {
    static final String POLICY = """
            version: 1.1
            name: sql-boundary-it
            default: allow
            rules:
              - id: cap-customer-reads
                match: { kind: sql, tables: customers, operation: SELECT }
                action: modify
                modify: { max_rows: 3 }
              - id: pii-columns
                match: { kind: sql, operation: SELECT, columns: [customers.ssn, customers.card_number] }
                action: deny
                controls: ["GDPR:Art.5(1)(c)"]
            """;
    static final String BLOCKED = "dev.warden.agent.jdbc.BlockedSQLException state=42501 blocked=true";

    @TempDir
    Path tmp;

    @Test
    void maxRowsCapsRealResultsAndColumnBoundariesBlockEverySpelling() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), POLICY);
        Path evidence = tmp.resolve("evidence");
        String h2 = "jdbc:h2:" + tmp.resolve("h2db").toAbsolutePath();
        AgentRun.Result r = new AgentRun()
                .agent("policy=" + policy + ",agent=sql-boundary-it,evidence=" + evidence)
                .main(SqlBoundaryApp.class, h2)
                .run();
        assertEquals(0, r.exit(), r::toString);
        assertEquals("3", r.value("capped select"), r::toString);
        assertEquals("3", r.value("capped prepared"), r::toString);
        assertEquals("2", r.value("own smaller limit"), r::toString);
        assertEquals("10", r.value("reused statement uncapped"), r::toString);
        for (String denied : List.of("select ssn", "select star", "select aliased ssn", "select unqualified ssn in a join")) {
            assertEquals(BLOCKED, r.value(denied), denied + "\n" + r);
        }
        assertEquals("10", r.value("select orders star"), r::toString);

        Evidence ev = Evidence.read(evidence);
        EvidenceRecord capped = ev.decisions(Evidence.attr("statement", "SELECT id, name FROM customers")).get(0);
        assertEquals("modify", capped.decision, capped.toString());
        assertEquals(List.of("cap-customer-reads"), capped.rules);
        assertEquals("customers.id,customers.name", capped.attributes.get("columns"));
        assertEquals(List.of("max_rows: 3"), capped.modified);
        assertNotNull(capped.digestAfter, capped.toString());
        assertTrue(!capped.digestAfter.equals(capped.digestBefore), capped.toString());
        EvidenceRecord star = ev.decisions(Evidence.attr("statement", "SELECT * FROM customers")).get(0);
        assertEquals("deny", star.decision, star.toString());
        assertEquals(List.of("pii-columns"), star.rules);
        assertEquals("customers.id,customers.name,customers.ssn", star.attributes.get("columns"));
        EvidenceRecord join = ev.decisions(d -> String.valueOf(d.attributes.get("statement")).startsWith("SELECT total, ssn")).get(0);
        assertTrue(join.attributes.get("columns").contains("customers.ssn"), join.toString());
        assertTrue(join.attributes.get("columns").contains("orders.total"), join.toString());
        // the metadata look-ups Warden made were not governed
        assertTrue(ev.decisions(d -> String.valueOf(d.attributes.get("statement")).contains("INFORMATION_SCHEMA")).isEmpty(), ev.dump());
        EvidenceRecord orders = ev.decisions(Evidence.attr("statement", "SELECT * FROM orders")).get(0);
        assertNotNull(orders.attributes.get("columns"), orders.toString());
        assertEquals("orders.id,orders.customer,orders.total", orders.attributes.get("columns"));
    }
}
