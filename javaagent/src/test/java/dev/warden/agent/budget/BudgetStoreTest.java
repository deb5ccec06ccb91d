package dev.warden.agent.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.agent.approval.FixedApprovals;
import dev.warden.agent.evidence.EvidenceKey;
import dev.warden.agent.evidence.EvidenceLog;
import dev.warden.agent.runtime.Call;
import dev.warden.agent.runtime.Family;
import dev.warden.agent.runtime.Governor;
import dev.warden.agent.runtime.ThreadState;
import dev.warden.rules.Action;
import dev.warden.rules.Decision;
import dev.warden.rules.Kind;
import dev.warden.rules.Verdict;
import dev.warden.rules.Policy;
import dev.warden.rules.policy.PolicyParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cumulative budgets through the governor: the call that would cross the budget escalates, a
 * refused escalation consumes nothing, and the used budget survives a restart (a new governor
 * restoring {@code budgets.bin}) and a hot reload that keeps the rule.
 */
class BudgetStoreTest {
    static final String POLICY = """
            version: 1.1
            name: budgets
            default: allow
            rules:
              - id: daily-refund-budget
                match: { kind: tool, tool: issueRefund }
                budget: { sum: args.amount, max: 100, per: 24h, scope: agent }
                action: escalate
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

    Governor governor(String instance) throws Exception {
        if (log != null) {
            log.close();
        }
        log = EvidenceLog.open(tmp, "unit", instance);
        return new Governor("unit", policy(), log, null, EvidenceKey.loadOrCreate(tmp), FixedApprovals.DENY, true, false);
    }

    static Policy policy() throws Exception {
        return PolicyParser.parse(POLICY.getBytes(StandardCharsets.UTF_8), "budgets.yaml");
    }

    /** A refund of {@code amount}: the decision's verdict as allow (went ahead) or the block. */
    static Object refund(Governor g, int amount) {
        ThreadState ts = Governor.state();
        Governor.begin(ts);
        ts.action.kind(Kind.TOOL).tool("issueRefund").args("{\"amount\":" + amount + "}");
        ts.record.target = "issueRefund";
        Object r = g.decide(ts, Family.TOOL, null, false);
        if (r instanceof Call) {
            g.finish((Call) r, "ok", null);
        }
        return r;
    }

    @Test
    void usedBudgetSurvivesARestartAndARefusedCallConsumesNothing() throws Exception {
        Path file = BudgetStore.fileFor(tmp, "unit");
        Governor g = governor("first");
        BudgetStore store = new BudgetStore(g.evaluator(), file);
        assertEquals(0, store.restore(System.currentTimeMillis()));
        assertInstanceOf(Call.class, refund(g, 60));
        // 60 + 50 would cross 100: escalated, and the approver (deny) refuses
        assertInstanceOf(Throwable.class, refund(g, 50));
        // the refused call took nothing: 40 more still fits
        assertInstanceOf(Call.class, refund(g, 40));
        assertInstanceOf(Throwable.class, refund(g, 1));
        store.save();
        assertTrue(Files.isRegularFile(file));

        // a hot reload that keeps the rule keeps the budget
        g.install(policy());
        assertInstanceOf(Throwable.class, refund(g, 1));

        // restart: a new governor (fresh evaluator) restores the used budget
        Governor again = governor("second");
        assertInstanceOf(Call.class, refund(again, 1)); // before restoring, the budget is empty
        BudgetStore restored = new BudgetStore(again.evaluator(), file);
        assertEquals(1, restored.restore(System.currentTimeMillis()));
        assertInstanceOf(Throwable.class, refund(again, 1));
    }

    @Test
    void aCallBlockedByALaterStageGivesItsBudgetBack() throws Exception {
        // evidence cannot be written and failure=closed: the evaluation reserved, then Warden blocked the call
        System.setProperty("warden.test.evidence-free-bytes", "1024");
        Governor g = governor("full-disk");
        assertInstanceOf(Throwable.class, refund(g, 60));
        assertInstanceOf(Throwable.class, refund(g, 60));
        // had either kept its 60, a third 60 would cross the 100 budget
        Action a = new Action().reset().kind(Kind.TOOL).tool("issueRefund").args("{\"amount\":60}").agent("unit");
        assertEquals(Verdict.ALLOW, g.evaluator().evaluate(a, new Decision()).verdict());
    }
}
