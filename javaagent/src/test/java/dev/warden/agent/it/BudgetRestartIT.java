package dev.warden.agent.it;

import static dev.warden.examples.mockmodel.Script.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * A cumulative budget (policy language 1.1, {@code scope: agent}) through the real LangChain4j
 * tool hooks and two runs of the agent: the refund that would cross the budget escalates and,
 * refused by the approver, consumes nothing; the budget used by the first run is still used
 * after the restart ({@code budgets.bin} beside the evidence).
 */
class BudgetRestartIT {
    static final String POLICY = """
            version: 1.1
            name: budget-it
            default: allow
            rules:
              - id: daily-refund-budget
                match: { kind: tool, tool: issueRefund }
                budget: { sum: args.amount, max: 1000, per: 24h, scope: agent }
                action: escalate
                approval: { timeout: 2s, on_timeout: deny }
            """;

    @TempDir
    Path tmp;

    AgentRun.Result run(Path evidence, String... refunds) throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), POLICY);
        Script.Builder script = Script.builder();
        for (int i = 0; i < refunds.length; i++) {
            script.toolCalls(call("issueRefund", "{\"orderId\":\"o" + i + "\",\"amount\":" + refunds[i] + "}"));
        }
        try (ScriptedModelServer model = ScriptedModelServer.start(script.text("done").build())) {
            AgentRun run = new AgentRun()
                    .agent("policy=" + policy + ",agent=budget-it,evidence=" + evidence + ",approvals=deny")
                    .main(ToolApp.class, model.baseUrl(), "session-1");
            run.classpath = ToolCallsIT.toolsClasspath();
            AgentRun.Result r = run.run();
            assertEquals(0, r.exit(), r::toString);
            assertEquals("done", r.value("answer"), r::toString);
            return r;
        }
    }

    static List<String> ran(AgentRun.Result r) {
        return r.lines().stream().filter(l -> l.startsWith("tool ran: ")).toList();
    }

    @Test
    void theCrossingCallEscalatesARefusedCallConsumesNothingAndTheBudgetSurvivesARestart() throws Exception {
        Path evidence = tmp.resolve("evidence");
        // 600 runs; 600 + 500 would cross 1000: escalated and refused; 300 still fits (900)
        AgentRun.Result first = run(evidence, "600", "500", "300");
        assertEquals(List.of("tool ran: issueRefund o0 600.0", "tool ran: issueRefund o2 300.0"), ran(first), first::toString);
        assertTrue(Files.isRegularFile(evidence.resolve("budget-it").resolve("budgets.bin")));

        // restart: 900 used; 100 fits exactly, 1 more crosses
        AgentRun.Result second = run(evidence, "100", "1");
        assertEquals(List.of("tool ran: issueRefund o0 100.0"), ran(second), second::toString);

        Evidence ev = Evidence.read(evidence);
        List<EvidenceRecord> escalated = ev.decisions(d -> d.approvalDecision != null);
        assertEquals(2, escalated.size(), ev.dump());
        for (EvidenceRecord d : escalated) {
            assertEquals(List.of("daily-refund-budget"), d.rules);
            assertEquals("deny", d.decision);
        }
    }
}
