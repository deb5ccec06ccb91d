package dev.warden.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.agent.approval.ApprovalGate;
import dev.warden.agent.approval.FixedApprovals;
import dev.warden.agent.bootstrap.BlockedIOException;
import dev.warden.agent.bootstrap.Bridge;
import dev.warden.agent.evidence.EvidenceKey;
import dev.warden.agent.evidence.EvidenceLog;
import dev.warden.agent.evidence.EvidenceQueueReader;
import dev.warden.agent.jdbc.BlockedSQLException;
import dev.warden.rules.evidence.EvidenceRecord;
import dev.warden.rules.policy.PolicyParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The governor without an agent: decisions, escalations, monitor mode, failure modes and the re-entrancy guard. */
class GovernorTest {
    static final String POLICY = """
            version: 1
            name: unit
            default: allow
            rules:
              - id: no-rm
                description: nothing is deleted from the shell
                match: { kind: process, command: rm }
                action: deny
              - id: curl-needs-approval
                match: { kind: process, command: curl }
                action: escalate
              - id: watch-ls
                match: { kind: process, command: ls }
                action: deny
                mode: monitor
              - id: secrets-read-only
                match: { kind: sql, operation: [DELETE, INSERT], tables: secrets }
                action: deny
            """;

    @TempDir
    Path tmp;
    EvidenceLog log;

    @AfterEach
    void close() {
        System.clearProperty("warden.test.evidence-free-bytes");
        if (log != null) {
            log.close();
        }
    }

    Governor governor(ApprovalGate gate, boolean closed, boolean monitor) throws Exception {
        log = EvidenceLog.open(tmp, "unit", "instance-" + System.nanoTime());
        return new Governor("unit", PolicyParser.parse(POLICY.getBytes(StandardCharsets.UTF_8), "unit.yaml"), log, null,
                EvidenceKey.loadOrCreate(tmp), gate, closed, monitor);
    }

    /** A launch that goes ahead; its token is handed back as the advice would (the family guard is released). */
    static void assertStarts(Governor g, ProcessBuilder pb) {
        Object token = g.processStart(pb);
        assertInstanceOf(Call.class, token);
        g.exit(token, null, -1, null);
    }

    List<EvidenceRecord> evidence() throws InterruptedException {
        assertTrue(log.awaitWritten(10_000));
        return EvidenceQueueReader.readAllCopies(tmp);
    }

    @Test
    void aDeniedLaunchIsBlockedAndRecorded() throws Exception {
        Governor g = governor(FixedApprovals.DENY, true, false);
        Object r = g.processStart(new ProcessBuilder("/bin/rm", "-rf", "/important"));
        BlockedIOException blocked = assertInstanceOf(BlockedIOException.class, r);
        assertEquals("Blocked by policy no-rm: nothing is deleted from the shell", blocked.getMessage());
        EvidenceRecord d = evidence().stream().filter(x -> x.type == EvidenceRecord.Type.DECISION).findFirst().orElseThrow();
        assertEquals(d.instance + "-" + d.seq, blocked.evidenceId());
        assertEquals("deny", d.decision);
        assertEquals("/bin/rm", d.target);
        assertTrue(d.argsDigest.matches("hmac-sha256:[0-9a-f]{8}:[0-9a-f]{64}"), d.argsDigest);
        assertTrue(!d.toString().contains("/important"));
    }

    @Test
    void anAllowedCallGetsAnOutcomeWithTheSameId() throws Exception {
        Governor g = governor(FixedApprovals.DENY, true, false);
        Object token = g.processStart(new ProcessBuilder("echo", "hi"));
        assertInstanceOf(Call.class, token);
        g.exit(token, null, -1, null);
        List<EvidenceRecord> ev = evidence();
        EvidenceRecord decision = ev.stream().filter(x -> x.type == EvidenceRecord.Type.DECISION).findFirst().orElseThrow();
        EvidenceRecord outcome = ev.stream().filter(x -> x.type == EvidenceRecord.Type.OUTCOME).findFirst().orElseThrow();
        assertEquals(decision.id(), outcome.id());
        assertEquals("ok", outcome.outcomeStatus);
        assertTrue(outcome.outcomeDurationUs >= 0);
    }

    @Test
    void escalationsAreSettledByTheApprovalGate() throws Exception {
        Governor denying = governor(FixedApprovals.DENY, true, false);
        BlockedIOException b = assertInstanceOf(BlockedIOException.class, denying.processStart(new ProcessBuilder("curl", "x")));
        assertEquals("Blocked by policy curl-needs-approval: no approver (approvals=deny)", b.getMessage());
        EvidenceRecord d = evidence().stream().filter(x -> "curl".equals(x.attributes.get("command"))).findFirst().orElseThrow();
        assertEquals("deny", d.decision);
        assertEquals("denied", d.approvalDecision);
        assertEquals(List.of("curl-needs-approval"), d.rules);

        Governor allowing = governor(FixedApprovals.ALLOW, true, false);
        assertStarts(allowing, new ProcessBuilder("curl", "x"));
    }

    @Test
    void monitorRulesAndMonitorModeRecordWhatWouldHaveHappened() throws Exception {
        Governor g = governor(FixedApprovals.DENY, true, false);
        assertStarts(g, new ProcessBuilder("ls"));
        EvidenceRecord ls = evidence().stream().filter(x -> "ls".equals(x.attributes.get("command"))).findFirst().orElseThrow();
        assertEquals("allow", ls.decision);
        assertEquals("deny", ls.wouldDecide);

        Governor monitor = governor(FixedApprovals.DENY, true, true);
        assertStarts(monitor, new ProcessBuilder("rm", "x"));
        EvidenceRecord rm = evidence().stream().filter(x -> "rm".equals(x.attributes.get("command"))).findFirst().orElseThrow();
        assertEquals("allow", rm.decision);
        assertEquals("deny", rm.wouldDecide);
        assertEquals("monitor", rm.mode);
    }

    @Test
    void aFullEvidenceDiskBlocksWhenClosedAndPassesWhenOpen() throws Exception {
        System.setProperty("warden.test.evidence-free-bytes", "1024");
        Governor closed = governor(FixedApprovals.DENY, true, false);
        BlockedIOException b = assertInstanceOf(BlockedIOException.class, closed.processStart(new ProcessBuilder("echo")));
        assertTrue(b.getMessage().contains("evidence disk is full") && b.getMessage().endsWith("(failure=closed)"), b.getMessage());

        Governor open = governor(FixedApprovals.DENY, false, false);
        assertStarts(open, new ProcessBuilder("echo"));
        // the policy still applies when evidence cannot be written
        assertInstanceOf(BlockedIOException.class, open.processStart(new ProcessBuilder("rm")));
    }

    @Test
    void oneUserLevelSqlCallIsOneEvaluation() throws Exception {
        Governor g = governor(FixedApprovals.DENY, true, false);
        Object statement = new Object();
        Object outer = g.sqlExecute(statement, "DELETE FROM notes", Bridge.SQL_UPDATE);
        assertInstanceOf(Call.class, outer);
        assertNull(g.sqlExecute(statement, "DELETE FROM notes", Bridge.SQL_UPDATE), "a driver calling itself is not evaluated again");
        g.exit(outer, null, 3, null);
        BlockedSQLException b = assertInstanceOf(BlockedSQLException.class, g.sqlExecute(statement, "DELETE FROM secrets", Bridge.SQL_UPDATE));
        assertEquals("42501", b.getSQLState());
        assertEquals(2, evidence().stream().filter(x -> x.type == EvidenceRecord.Type.DECISION && "sql".equals(x.kind)).count());
        EvidenceRecord outcome = evidence().stream().filter(x -> x.type == EvidenceRecord.Type.OUTCOME).findFirst().orElseThrow();
        assertEquals("3 rows", outcome.outcomeDetail);
    }

    @Test
    void preparedSqlIsRememberedPerStatement() throws Exception {
        Governor g = governor(FixedApprovals.DENY, true, false);
        Object ps = new Object();
        g.sqlPrepared(ps, "INSERT INTO secrets VALUES (?)");
        assertInstanceOf(BlockedSQLException.class, g.sqlExecute(ps, null, Bridge.SQL_UPDATE));
        Object batch = new Object();
        g.sqlBatch(batch, "INSERT INTO notes VALUES (1)", false);
        g.sqlBatch(batch, "DELETE FROM secrets", false);
        assertInstanceOf(BlockedSQLException.class, g.sqlExecute(batch, null, Bridge.SQL_BATCH));
        g.sqlBatch(batch, "INSERT INTO notes VALUES (2)", false);
        Object ok = g.sqlExecute(batch, null, Bridge.SQL_BATCH);
        assertNotNull(ok, "the denied batch was cleared by its execution");
        assertInstanceOf(Call.class, ok);
        g.exit(ok, new int[] {1}, -1, null);
    }
}
