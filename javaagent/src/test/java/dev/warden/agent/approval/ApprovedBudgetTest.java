package dev.warden.agent.approval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.agent.evidence.EvidenceKey;
import dev.warden.agent.evidence.EvidenceLog;
import dev.warden.agent.evidence.EvidenceQueueReader;
import dev.warden.agent.runtime.Call;
import dev.warden.agent.runtime.Family;
import dev.warden.agent.runtime.Governor;
import dev.warden.agent.runtime.ThreadState;
import dev.warden.rules.Kind;
import dev.warden.rules.evidence.EvidenceRecord;
import dev.warden.rules.policy.PolicyParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An escalation past a budget (policy language 1.1) counts the call's amount once when the
 * approver approves it, whether the approval was awaited on the calling thread or deferred
 * (asynchronous call sites: {@code decide} with {@code DEFER_ESCALATION}, then {@code settle}),
 * and never when it was refused or timed out; an approved call that provably had no effect gives
 * the amount back, once.
 */
class ApprovedBudgetTest {
    static final String POLICY = """
            version: 1.1
            name: unit
            default: allow
            rules:
              - id: refund-budget
                match: { kind: tool, tool: issueRefund }
                budget: { sum: args.amount, max: 1000, per: 24h, scope: agent }
                action: escalate
                approval: { timeout: 5s, on_timeout: deny }
            """;
    static final int DEFERRED = Governor.DEFER_ESCALATION | Governor.BLOCK_MESSAGE;

    @TempDir
    Path tmp;
    EvidenceLog log;

    @AfterEach
    void close() {
        if (log != null) {
            log.close();
        }
    }

    Governor governor(ApprovalGate gate) throws Exception {
        log = EvidenceLog.open(tmp, "unit", "instance-" + System.nanoTime());
        return new Governor("unit", PolicyParser.parse(POLICY.getBytes(StandardCharsets.UTF_8), "unit.yaml"), log, null,
                EvidenceKey.loadOrCreate(tmp), gate, true, false);
    }

    static Object refund(Governor g, int amount, int flags) {
        ThreadState ts = Governor.state();
        Governor.begin(ts);
        ts.action.kind(Kind.TOOL).tool("issueRefund").args("{\"amount\":" + amount + "}");
        return g.decide(ts, Family.TOOL, null, false, flags);
    }

    /** What the policy's only budget counts now (a fresh governor's first budget has state slot 0). */
    static double used(Governor g) {
        return g.evaluator().sessions().agent().budget(0, 1000, 86_400_000L).used(System.currentTimeMillis());
    }

    /** A deferred escalation answered by {@code gate}: the settled answer (a Call when it goes ahead). */
    static Object deferred(Governor g, int amount) {
        Escalation e = assertInstanceOf(Escalation.class, refund(g, amount, DEFERRED));
        assertEquals(600, used(g), "nothing is reserved while the approval is pending");
        return g.settle(e, Family.TOOL, g.requestApproval(e).join());
    }

    List<EvidenceRecord> decisions() throws InterruptedException {
        assertTrue(log.awaitWritten(10_000));
        return EvidenceQueueReader.readAllCopies(tmp).stream().filter(r -> r.type == EvidenceRecord.Type.DECISION).toList();
    }

    @Test
    void anApprovedDeferredEscalationCountsOnceAndTheNextCallSeesIt() throws Exception {
        Governor g = governor(FixedApprovals.ALLOW);
        g.finish(assertInstanceOf(Call.class, refund(g, 600, DEFERRED)), "ok", null);
        Call approved = assertInstanceOf(Call.class, deferred(g, 600));
        assertEquals(1200, used(g));
        g.finish(approved, "ok", null);
        assertEquals(1200, used(g), "finishing the call commits, it does not count again");
        // 1200 + 1 is past the max: the next refund escalates too
        assertInstanceOf(Escalation.class, refund(g, 1, DEFERRED));
        List<EvidenceRecord> d = decisions();
        assertEquals("allow", d.get(1).decision, d.get(1).toString());
        assertEquals("approved", d.get(1).approvalDecision, d.get(1).toString());
        assertEquals(List.of("refund-budget"), d.get(1).rules, d.get(1).toString());
    }

    @Test
    void refusedAndTimedOutDeferredEscalationsNeverCount() throws Exception {
        Governor g = governor(FixedApprovals.DENY);
        g.finish(assertInstanceOf(Call.class, refund(g, 600, DEFERRED)), "ok", null);
        assertEquals("Blocked by policy refund-budget: no approver (approvals=deny)",
                assertInstanceOf(Throwable.class, deferred(g, 600)).getMessage());
        assertEquals(600, used(g));
        Escalation timedOut = assertInstanceOf(Escalation.class, refund(g, 500, DEFERRED));
        g.settle(timedOut, Family.TOOL, new ApprovalGate.Resolution(false, null, "timeout", 5000, "no decision within 5000 ms; on_timeout denies the call"));
        assertEquals(600, used(g));
        // 600 + 400 fits: the refused calls left the room they asked for
        Call next = assertInstanceOf(Call.class, refund(g, 400, DEFERRED));
        g.finish(next, "ok", null);
        assertEquals(1000, used(g));
    }

    @Test
    void anApprovedSynchronousEscalationCountsOnce() throws Exception {
        Governor g = governor(FixedApprovals.ALLOW);
        g.finish(assertInstanceOf(Call.class, refund(g, 600, 0)), "ok", null);
        Call approved = assertInstanceOf(Call.class, refund(g, 600, 0));
        assertEquals(1200, used(g));
        g.finish(approved, "ok", null);
        assertEquals(1200, used(g));
    }

    @Test
    void anApprovedCallThatProvablyHadNoEffectGivesItsAmountBackOnce() throws Exception {
        Governor g = governor(FixedApprovals.ALLOW);
        g.finish(assertInstanceOf(Call.class, refund(g, 600, DEFERRED)), "ok", null);
        Call deferredCall = assertInstanceOf(Call.class, deferred(g, 500));
        assertEquals(1100, used(g));
        Call syncCall = assertInstanceOf(Call.class, refund(g, 100, 0)); // past the max: approved on this thread
        assertEquals(1200, used(g));
        g.finishWithoutEffect(deferredCall, "java.net.ConnectException");
        g.finishWithoutEffect(deferredCall, "java.net.ConnectException");
        assertEquals(700, used(g));
        g.finishWithoutEffect(syncCall, "java.net.ConnectException");
        assertEquals(600, used(g));
        assertTrue(log.awaitWritten(10_000));
        List<EvidenceRecord> outcomes = EvidenceQueueReader.readAllCopies(tmp).stream().filter(r -> r.type == EvidenceRecord.Type.OUTCOME).toList();
        assertEquals(3, outcomes.size(), outcomes.toString());
        assertEquals("java.net.ConnectException (nothing was sent: budget refund-budget released)", outcomes.get(1).outcomeDetail, outcomes.toString());
        assertEquals("java.net.ConnectException (nothing was sent: budget refund-budget released)", outcomes.get(2).outcomeDetail, outcomes.toString());
    }
}
