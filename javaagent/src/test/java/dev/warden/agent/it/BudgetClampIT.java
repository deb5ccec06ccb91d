package dev.warden.agent.it;

import static dev.warden.examples.mockmodel.Script.call;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.agent.it.apps.ToolApp;
import dev.warden.examples.mockmodel.Script;
import dev.warden.examples.mockmodel.ScriptedModelServer;
import dev.warden.rules.evidence.EvidenceRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cumulative budget beside a modify rule that clamps the same argument (policy language 1.1),
 * through the real LangChain4j tool hooks: each refund runs with the clamped amount and the
 * budget counts that amount, not the one the model asked for. 800 and 900 are clamped to 500;
 * 500 + 500 fits the budget of 1000 exactly (counted before clamping, the second refund would
 * have crossed it), and the next refund crosses it and escalates.
 */
class BudgetClampIT {
    static final String POLICY = """
            version: 1.1
            name: budget-clamp-it
            default: allow
            rules:
              - id: clamp-refunds
                match: { kind: tool, tool: issueRefund }
                action: modify
                modify: { args.amount: { max: 500 } }
              - id: refund-budget
                match: { kind: tool, tool: issueRefund }
                budget: { sum: args.amount, max: 1000, per: 24h, scope: session }
                action: escalate
                approval: { timeout: 2s, on_timeout: deny }
            """;

    @TempDir
    Path tmp;

    @Test
    void theBudgetCountsTheClampedAmount() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), POLICY);
        Path evidence = tmp.resolve("evidence");
        Script.Builder script = Script.builder();
        String[] amounts = {"800", "900", "1"};
        for (int i = 0; i < amounts.length; i++) {
            script.toolCalls(call("issueRefund", "{\"orderId\":\"o" + i + "\",\"amount\":" + amounts[i] + "}"));
        }
        try (ScriptedModelServer model = ScriptedModelServer.start(script.text("done").build())) {
            AgentRun run = new AgentRun()
                    .agent("policy=" + policy + ",agent=budget-clamp-it,evidence=" + evidence + ",approvals=deny")
                    .main(ToolApp.class, model.baseUrl(), "session-1");
            run.classpath = ToolCallsIT.toolsClasspath();
            AgentRun.Result r = run.run();
            assertEquals(0, r.exit(), r::toString);
            assertEquals("done", r.value("answer"), r::toString);
            assertEquals(List.of("tool ran: issueRefund o0 500.0", "tool ran: issueRefund o1 500.0"), BudgetRestartIT.ran(r), r::toString);
        }
        Evidence ev = Evidence.read(evidence);
        List<EvidenceRecord> refunds = ev.decisions(d -> "issueRefund".equals(d.target));
        assertEquals(3, refunds.size(), ev.dump());
        assertEquals("modify", refunds.get(0).decision, ev.dump());
        assertEquals("modify", refunds.get(1).decision, ev.dump());
        EvidenceRecord crossing = refunds.get(2);
        assertEquals("deny", crossing.decision, crossing.toString());
        assertEquals("denied", crossing.approvalDecision, crossing.toString());
        assertEquals(List.of("refund-budget"), crossing.rules, crossing.toString());
    }
}
