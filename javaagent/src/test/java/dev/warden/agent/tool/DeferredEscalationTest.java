package dev.warden.agent.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.agent.approval.ApprovalGate;
import dev.warden.agent.approval.Escalation;
import dev.warden.agent.evidence.EvidenceKey;
import dev.warden.agent.evidence.EvidenceLog;
import dev.warden.agent.evidence.EvidenceQueueReader;
import dev.warden.agent.runtime.Call;
import dev.warden.agent.runtime.Family;
import dev.warden.agent.runtime.Governor;
import dev.warden.agent.runtime.ThreadState;
import dev.warden.rules.Action;
import dev.warden.rules.Decision;
import dev.warden.rules.evidence.EvidenceRecord;
import dev.warden.rules.policy.PolicyParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Escalations of asynchronous call sites without an agent: {@code decide} with
 * {@code DEFER_ESCALATION} hands back an {@link Escalation} and records nothing, nobody waits in
 * the gate ({@code request} is asked, {@code await} never), and {@code settle} records the answer
 * (approver, wait) and lets the call go ahead or blocks it; a framework denial answers its message.
 */
class DeferredEscalationTest {
    static final String POLICY = """
            version: 1
            name: unit
            default: allow
            rules:
              - id: big-refunds-need-approval
                match: { kind: tool, tool: issueRefund, args.amount: { gt: 500 } }
                action: escalate
                approval: { timeout: 5s, on_timeout: deny }
              - id: no-account-deletion
                match: { kind: tool, tool: deleteAccount }
                action: deny
            """;

    @TempDir
    Path tmp;
    EvidenceLog log;

    /** A gate whose answers the test gives: counts how it was asked. */
    static final class ManualGate implements ApprovalGate {
        final CompletableFuture<Resolution> answer = new CompletableFuture<>();
        final AtomicInteger awaited = new AtomicInteger();
        final AtomicInteger requested = new AtomicInteger();

        @Override
        public Resolution await(String id, Action action, Decision decision) {
            awaited.incrementAndGet();
            return answer.join();
        }

        @Override
        public CompletableFuture<Resolution> request(String id, Action action, Decision decision) {
            requested.incrementAndGet();
            return answer;
        }
    }

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

    Object decide(Governor g, String tool, String args, int flags) {
        ThreadState ts = Governor.state();
        new ToolGovernor(g).describe(ts, tool, "mcp", args);
        return g.decide(ts, Family.TOOL, null, false, flags);
    }

    List<EvidenceRecord> decisions() throws InterruptedException {
        assertTrue(log.awaitWritten(10_000));
        return EvidenceQueueReader.readAllCopies(tmp).stream().filter(r -> r.type == EvidenceRecord.Type.DECISION).toList();
    }

    @Test
    void anApprovedDeferredEscalationIsRecordedWhenTheAnswerComesAndGoesAhead() throws Exception {
        ManualGate gate = new ManualGate();
        Governor g = governor(gate);
        Object decided = decide(g, "issueRefund", "{\"amount\":600}", Governor.DEFER_ESCALATION | Governor.BLOCK_MESSAGE);
        Escalation e = assertInstanceOf(Escalation.class, decided);
        CompletableFuture<ApprovalGate.Resolution> answer = g.requestApproval(e);
        assertEquals(0, gate.awaited.get(), "nobody waits in the gate");
        assertEquals(1, gate.requested.get());
        assertTrue(!answer.isDone());

        // another call decided meanwhile on this thread does not disturb the pending one
        assertEquals("Blocked by policy no-account-deletion: deny when {kind: tool, tool: deleteAccount}",
                decide(g, "deleteAccount", "{}", Governor.BLOCK_MESSAGE));

        gate.answer.complete(new ApprovalGate.Resolution(true, "alice", "approved", 1234, "approved by alice"));
        Object settled = g.settle(e, Family.TOOL, answer.join());
        Call call = assertInstanceOf(Call.class, settled);
        g.finish(call, "ok", null);

        EvidenceRecord d = decisions().stream().filter(r -> "issueRefund".equals(r.target)).findFirst().orElseThrow();
        assertEquals("allow", d.decision, d.toString());
        assertEquals("alice", d.approver, d.toString());
        assertEquals("approved", d.approvalDecision, d.toString());
        assertEquals(1234, d.approvalWaitedMs, d.toString());
        assertEquals(List.of("big-refunds-need-approval"), d.rules, d.toString());
        assertEquals(e.id, d.id(), d.toString());
    }

    @Test
    void aDeniedDeferredEscalationBlocksWithTheRuleAndTheReason() throws Exception {
        ManualGate gate = new ManualGate();
        Governor g = governor(gate);
        Escalation e = assertInstanceOf(Escalation.class, decide(g, "issueRefund", "{\"amount\":900}", Governor.DEFER_ESCALATION));
        gate.answer.complete(new ApprovalGate.Resolution(false, null, "timeout", 5000, "no decision within 5000 ms; on_timeout denies the call"));
        Object settled = g.settle(e, Family.TOOL, g.requestApproval(e).join());
        Throwable blocked = assertInstanceOf(Throwable.class, settled);
        assertEquals("Blocked by policy big-refunds-need-approval: no decision within 5000 ms; on_timeout denies the call", blocked.getMessage());
        EvidenceRecord d = decisions().get(0);
        assertEquals("deny", d.decision, d.toString());
        assertEquals("timeout", d.approvalDecision, d.toString());
        assertNull(d.approver, d.toString());
    }

    @Test
    void withoutTheFlagAnEscalationStillWaitsInTheGate() throws Exception {
        ManualGate gate = new ManualGate();
        gate.answer.complete(new ApprovalGate.Resolution(true, "bob", "approved", 7, "approved by bob"));
        Governor g = governor(gate);
        assertInstanceOf(Call.class, decide(g, "issueRefund", "{\"amount\":600}", 0));
        assertEquals(1, gate.awaited.get());
        assertEquals(0, gate.requested.get());
    }
}
