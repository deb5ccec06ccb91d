package dev.warden.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.agent.it.apps.JdbcApp;
import dev.warden.rules.evidence.EvidenceRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JDBC under the built agent with real H2, SQLite and HikariCP: a denied statement throws
 * {@code SQLException} with SQLState 42501 and never reaches the driver (the row is not in the
 * database afterwards), hostile spellings are classified correctly or conservatively, a pool
 * wrapping a driver is one evaluation per call, and every decision and outcome is recorded.
 */
class JdbcIT {
    static final String POLICY = """
            version: 1
            name: jdbc-it
            default: allow
            rules:
              - id: secrets-are-read-only
                description: agents never change the secrets table
                match: { kind: sql, operation: [INSERT, UPDATE, DELETE, MERGE], tables: secrets }
                action: deny
                controls: ["SOX:ITGC-change"]
            """;
    static final String BLOCKED = "dev.warden.agent.jdbc.BlockedSQLException state=42501 blocked=true";

    @TempDir
    Path tmp;

    @Test
    void deniedStatementsNeverReachTheDatabase() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), POLICY);
        Path evidence = tmp.resolve("evidence");
        String h2 = "jdbc:h2:" + tmp.resolve("h2db").toAbsolutePath();
        Path sqlite = tmp.resolve("sqlite.db");
        AgentRun.Result r = new AgentRun()
                .agent("policy=" + policy + ",agent=jdbc-it,evidence=" + evidence)
                .main(JdbcApp.class, h2, sqlite.toString())
                .run();
        assertEquals(0, r.exit(), r::toString);
        assertEquals("1", r.value("h2 statement insert notes"));
        for (String denied : List.of("h2 prepared insert secrets", "h2 statement insert secrets", "h2 schema-qualified insert secrets",
                "h2 comment-hidden insert secrets", "h2 multi-statement", "h2 mixed batch", "hikari statement insert secrets",
                "sqlite prepared insert secrets", "sqlite statement delete secrets")) {
            assertEquals(BLOCKED, r.value(denied), denied + "\n" + r);
        }
        assertEquals("2", r.value("h2 prepared batch notes"));
        assertEquals("3", r.value("h2 select notes"));
        assertTrue(r.value("h2 unparseable").startsWith("org.h2.jdbc.JdbcSQLSyntaxErrorException"), r::toString);
        assertEquals("1", r.value("hikari prepared insert notes"));
        assertEquals("1", r.value("sqlite statement insert notes"));

        // the databases themselves: nothing denied got in, the mixed batch did not half-run
        try (Connection c = DriverManager.getConnection(h2, "sa", ""); Statement s = c.createStatement()) {
            assertEquals(0, count(s, "SELECT count(*) FROM secrets"));
            assertEquals(4, count(s, "SELECT count(*) FROM notes"));
            assertEquals(0, count(s, "SELECT count(*) FROM notes WHERE text = 'batched'"));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sqlite); Statement s = c.createStatement()) {
            assertEquals(0, count(s, "SELECT count(*) FROM secrets"));
            assertEquals(1, count(s, "SELECT count(*) FROM notes"));
        }

        Evidence ev = Evidence.read(evidence);
        // one evaluation per user call through the pool (HikariProxyPreparedStatement → driver)
        List<EvidenceRecord> hikari = ev.decisions(Evidence.attr("statement", "INSERT INTO notes (id, text) VALUES (?, ?)"));
        assertEquals(1, hikari.size(), ev.dump());
        EvidenceRecord insert = hikari.get(0);
        assertEquals("allow", insert.decision);
        assertEquals("INSERT", insert.attributes.get("operation"));
        assertEquals("notes", insert.attributes.get("tables"));
        assertTrue(insert.attributes.get("database").startsWith("h2:"), insert.attributes.toString());
        assertEquals("h2", insert.attributes.get("driver"));
        EvidenceRecord outcome = ev.outcomeOf(insert);
        assertNotNull(outcome);
        assertEquals("1 row", outcome.outcomeDetail);

        List<EvidenceRecord> denied = ev.decisions(d -> "deny".equals(d.decision));
        assertEquals(9, denied.size(), ev.dump());
        for (EvidenceRecord d : denied) {
            assertEquals(List.of("secrets-are-read-only"), d.rules);
            assertEquals(List.of("SOX:ITGC-change"), d.controls);
            assertTrue(d.attributes.get("tables").contains("secrets"), d.toString());
        }
        // literals never reach the evidence
        assertTrue(ev.records.stream().noneMatch(x -> x.toString().contains("leaked")), ev.dump());
        EvidenceRecord garbage = ev.decisions(d -> String.valueOf(d.attributes.get("statement")).startsWith("FROBNICATE")).get(0);
        assertEquals("OTHER", garbage.attributes.get("operation"));
        assertEquals("error", ev.outcomeOf(garbage).outcomeStatus);
        EvidenceRecord sqliteDecision = ev.decisions(d -> "sqlite".equals(d.attributes.get("driver"))).get(0);
        assertTrue(sqliteDecision.attributes.get("database").startsWith("sqlite:"), sqliteDecision.toString());
    }

    static int count(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
