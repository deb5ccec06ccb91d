package dev.warden.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.agent.it.apps.McpAsyncClientApp;
import dev.warden.agent.it.apps.McpConcurrentClientApp;
import dev.warden.rules.evidence.EvidenceRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The asynchronous MCP client ({@code McpAsyncClient.callTool}'s {@code Mono}) under the built
 * agent, against a real MCP server over stdio: an escalated call is pending while the thread that
 * subscribed (a single-threaded event loop) keeps running other tasks; when the approval times out
 * {@code on_timeout: deny} answers the error result and the server never sees the call, and
 * {@code on_timeout: allow} lets it run. The outcome's duration covers the server's work, not the
 * subscription. Nobody answers approvals here ({@code approvals=collector} with no collector on
 * the port), so the wait always ends at the rule's timeout.
 */
class McpAsyncIT {
    static final String POLICY = """
            version: 1
            name: mcp-async-it
            default: allow
            rules:
              - id: big-refunds-need-approval
                match: { kind: tool, tool: issueRefund, args.amount: { gt: 500 } }
                action: escalate
                approval: { timeout: 2s, on_timeout: deny }
              - id: o3-waits-then-goes
                match: { kind: tool, tool: issueRefund, args.orderId: o3 }
                action: escalate
                approval: { timeout: 1s, on_timeout: allow }
            """;

    @TempDir
    Path tmp;

    static AgentRun.Result run(Path tmp, Path java) throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), POLICY);
        Path markers = Files.createDirectories(tmp.resolve("markers"));
        AgentRun run = new AgentRun()
                .agent("policy=" + policy + ",agent=mcp-async-it,evidence=" + tmp.resolve("evidence") + ",collector=127.0.0.1:9,approvals=collector")
                .main(McpAsyncClientApp.class, markers.toString(), ToolCallsIT.toolsClasspath());
        run.classpath = ToolCallsIT.toolsClasspath();
        if (java != null) {
            run.java = java;
        }
        AgentRun.Result r = run.run();
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.value("big refund").startsWith("error=true Blocked by policy big-refunds-need-approval: "), r::toString);
        assertFalse(Files.exists(markers.resolve("issueRefund-o1")), "the timed-out refund reached the server");
        assertTrue(r.value("waited refund").startsWith("error=false issueRefund done"), r::toString);
        assertTrue(Files.exists(markers.resolve("issueRefund-o3")), "the refund allowed at its timeout never ran");
        assertTrue(r.value("slow refund").startsWith("error=false issueRefund done"), r::toString);
        return r;
    }

    @Test
    void anEscalatedAsyncCallNeverHoldsTheSubscribersThread() throws Exception {
        AgentRun.Result r = run(tmp, null);
        // the loop served a task every ~20 ms throughout each wait: nothing parked it
        assertTrue(Integer.parseInt(r.value("big refund loop ticks")) >= 20, r::toString);
        assertTrue(Long.parseLong(r.value("big refund took ms")) >= 1900, r::toString);
        assertTrue(Integer.parseInt(r.value("waited refund loop ticks")) >= 10, r::toString);
        assertTrue(Long.parseLong(r.value("waited refund took ms")) >= 900, r::toString);

        Evidence ev = Evidence.read(tmp.resolve("evidence"));
        List<EvidenceRecord> tools = ev.decisions(d -> "tool".equals(d.kind));
        assertEquals(3, tools.size(), ev.dump());
        for (EvidenceRecord d : tools) {
            assertEquals("mcp", d.attributes.get("framework"), d.toString());
            assertEquals("mcp-client", d.sessionSource, d.toString());
        }
        EvidenceRecord big = ev.decisions(d -> d.rules.contains("big-refunds-need-approval")).get(0);
        assertEquals("deny", big.decision, big.toString());
        assertTrue(List.of("timeout", "unavailable").contains(big.approvalDecision), big.toString());
        assertTrue(big.approvalWaitedMs >= 1500, big.toString());
        assertEquals(null, ev.outcomeOf(big), "a blocked call has no outcome");

        EvidenceRecord waited = ev.decisions(d -> d.rules.contains("o3-waits-then-goes")).get(0);
        assertEquals("allow", waited.decision, waited.toString());
        assertTrue(waited.approvalWaitedMs >= 700, waited.toString());
        assertEquals("ok", ev.outcomeOf(waited).outcomeStatus, ev.dump());

        // the outcome covers the server's 300 ms of work, which happens after the subscription returned
        EvidenceRecord slow = ev.decisions(d -> "tool".equals(d.kind) && "allow".equals(d.decision) && d.rules.isEmpty()).get(0);
        EvidenceRecord outcome = ev.outcomeOf(slow);
        assertEquals("ok", outcome.outcomeStatus, ev.dump());
        assertTrue(outcome.outcomeDurationUs >= 300_000, "the outcome did not wait for the tool: " + outcome);
    }

    /**
     * The server side: an MCP server under the agent answers an escalated call's {@code Mono} at
     * once and keeps serving: of three calls sent together, the allowed one is answered first, the
     * one allowed at its 1 s approval timeout next, the one denied at its 2 s timeout last (a
     * server thread parked in the escalation would have answered in arrival order).
     */
    @Test
    void anMcpServerKeepsServingWhileAnEscalationIsPending() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), POLICY);
        Path markers = Files.createDirectories(tmp.resolve("markers"));
        Path evidence = tmp.resolve("evidence");
        String serverAgent = "-javaagent:" + AgentRun.agentJar() + "=policy=" + policy + ",agent=mcp-server-async-it,evidence=" + evidence
                + ",collector=127.0.0.1:9,approvals=collector";
        AgentRun run = new AgentRun().main(McpConcurrentClientApp.class, markers.toString(), ToolCallsIT.toolsClasspath(), serverAgent);
        run.classpath = ToolCallsIT.toolsClasspath();
        AgentRun.Result r = run.run();
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.value("big refund").startsWith("error=true Blocked by policy big-refunds-need-approval: "), r::toString);
        assertTrue(r.value("waited refund").startsWith("error=false issueRefund done"), r::toString);
        assertTrue(r.value("small refund").startsWith("error=false issueRefund done"), r::toString);
        assertEquals("small refund,waited refund,big refund", r.value("order"), r::toString);
        assertFalse(Files.exists(markers.resolve("issueRefund-o1")), "the timed-out refund ran on the server");
        assertTrue(Files.exists(markers.resolve("issueRefund-o3")), "the refund allowed at its timeout never ran");

        Evidence ev = Evidence.read(evidence);
        List<EvidenceRecord> tools = ev.decisions(d -> "tool".equals(d.kind));
        assertEquals(3, tools.size(), ev.dump());
        tools.forEach(d -> assertEquals("mcp-session", d.sessionSource, d.toString()));
        EvidenceRecord waited = ev.decisions(d -> d.rules.contains("o3-waits-then-goes")).get(0);
        assertEquals("allow", waited.decision, waited.toString());
        assertEquals("ok", ev.outcomeOf(waited).outcomeStatus, ev.dump());
        assertEquals(null, ev.outcomeOf(ev.decisions(d -> d.rules.contains("big-refunds-need-approval")).get(0)), ev.dump());
    }

    /** The same on JDK 25 (the smoke subset): blocked at the timeout, allowed at the timeout, the loop never held. */
    @Test
    void onJdk25() throws Exception {
        AgentRun.Result r = run(tmp, ToolCallsIT.jdk25("McpAsyncIT.onJdk25"));
        assertTrue(Integer.parseInt(r.value("big refund loop ticks")) >= 20, r::toString);
    }
}
