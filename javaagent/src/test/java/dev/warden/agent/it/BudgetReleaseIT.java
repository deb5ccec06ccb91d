package dev.warden.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.payments.RefundGateway;
import dev.warden.agent.it.apps.McpAsyncClientApp;
import dev.warden.rules.evidence.EvidenceRecord;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Budget release (policy language 1.1) under the built agent: a custom tool ({@code refund},
 * declared in {@code config=FILE}) with a cumulative budget of 1000 POSTs each refund to a real
 * loopback server with {@code HttpURLConnection}. The refund whose payments service refuses the
 * connection (nothing was sent) gives its reservation back, so the next refund still fits; the
 * refund that crosses the budget escalates and, refused by the approver, never runs. The same
 * budget on the asynchronous MCP client, whose escalations are deferred (no thread waits): an
 * approved crossing refund counts, so the next refund escalates too; a refused one does not.
 */
class BudgetReleaseIT {
    static final String POLICY = """
            version: 1.1
            name: budget-release-it
            default: allow
            rules:
              - id: refund-budget
                match: { kind: tool, tool: issueRefund }
                budget: { sum: args.amount, max: 1000, per: 24h, scope: agent }
                action: escalate
                approval: { timeout: 2s, on_timeout: deny }
            """;

    @TempDir
    Path tmp;

    @Test
    void aRefusedConnectionGivesItsBudgetBackAndTheCrossingCallEscalates() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), POLICY);
        Path config = Files.writeString(tmp.resolve("warden.yaml"), """
                tools:
                  - hook: com.acme.payments.RefundGateway#refund
                    name: issueRefund
                """);
        Path evidence = tmp.resolve("evidence");
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort(); // closed again: connecting to it is refused
        }
        try (HeaderServer payments = new HeaderServer("payments", "127.0.0.1", 0)) {
            String live = "http://127.0.0.1:" + payments.port() + "/refunds";
            String down = "http://127.0.0.1:" + dead + "/refunds";
            AgentRun.Result r = new AgentRun()
                    .agent("policy=" + policy + ",agent=budget-release-it,evidence=" + evidence + ",approvals=deny,config=" + config)
                    .main(RefundGateway.class, live + "=600", down + "=300", live + "=300", live + "=200")
                    .run();
            assertEquals(0, r.exit(), r::toString);
            assertEquals("payments", r.value("refund 1"), r::toString);
            assertEquals("java.net.ConnectException blocked=false", r.value("refund 2"), r::toString);
            // 600 + 300 fits in 1000 only because the refused refund's 300 was given back
            assertEquals("payments", r.value("refund 3"), r::toString);
            // 900 + 200 crosses the budget: escalated, refused by the approver, never ran
            assertTrue(r.value("refund 4").endsWith("blocked=true"), r::toString);
            assertEquals(3, r.lines().stream().filter(l -> l.startsWith("tool ran: refund")).count(), r::toString);

            Evidence ev = Evidence.read(evidence);
            List<EvidenceRecord> refunds = ev.decisions(d -> "tool".equals(d.kind));
            assertEquals(4, refunds.size(), ev.dump());
            for (int i = 0; i < 3; i++) {
                assertEquals("allow", refunds.get(i).decision, ev.dump());
            }
            EvidenceRecord refused = ev.outcomeOf(refunds.get(1));
            assertEquals("error", refused.outcomeStatus, refused.toString());
            assertEquals("java.net.ConnectException (nothing was sent: budget refund-budget released)", refused.outcomeDetail, refused.toString());
            // the refused POST itself: made inside the refund (parent issueRefund), recorded as failed
            EvidenceRecord post = ev.decisions(d -> "http".equals(d.kind) && d.target.contains(":" + dead + "/")).get(0);
            assertEquals("issueRefund", post.parent, post.toString());
            assertEquals("java.net.ConnectException", ev.outcomeOf(post).outcomeDetail, ev.dump());
            EvidenceRecord crossing = refunds.get(3);
            assertEquals("deny", crossing.decision, crossing.toString());
            assertEquals(List.of("refund-budget"), crossing.rules, crossing.toString());
            assertEquals("denied", crossing.approvalDecision, crossing.toString());
            assertEquals(List.of("/refunds"), payments.paths());
        }
    }

    /** The MCP async client (escalations deferred through a future) under {@code approvals=}{@code approvals}: first 600, crossing 600, next 300. */
    AgentRun.Result asyncRefunds(Path dir, String approvals) throws Exception {
        Path policy = Files.writeString(Files.createDirectories(dir).resolve("policy.yaml"), POLICY);
        Path markers = Files.createDirectories(dir.resolve("markers"));
        AgentRun run = new AgentRun()
                .agent("policy=" + policy + ",agent=budget-async-it,evidence=" + dir.resolve("evidence") + ",approvals=" + approvals)
                .main(McpAsyncClientApp.class, markers.toString(), ToolCallsIT.toolsClasspath(), "first=o1:600", "crossing=o2:600", "next=o3:300");
        run.classpath = ToolCallsIT.toolsClasspath();
        AgentRun.Result r = run.run();
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.value("first").startsWith("error=false issueRefund done"), r::toString);
        return r;
    }

    @Test
    void anApprovedDeferredEscalationCountsInTheBudgetAndARefusedOneDoesNot() throws Exception {
        Path allowed = tmp.resolve("allow");
        AgentRun.Result r = asyncRefunds(allowed, "allow");
        assertTrue(r.value("crossing").startsWith("error=false issueRefund done"), r::toString);
        assertTrue(Files.exists(allowed.resolve("markers/issueRefund-o2")), "the approved refund never ran");
        assertTrue(r.value("next").startsWith("error=false issueRefund done"), r::toString);
        Evidence ev = Evidence.read(allowed.resolve("evidence"));
        List<EvidenceRecord> refunds = ev.decisions(d -> "tool".equals(d.kind));
        assertEquals(3, refunds.size(), ev.dump());
        assertEquals(List.of(), refunds.get(0).rules, ev.dump());
        for (int i = 1; i < 3; i++) {
            // 600 + 600 crossed and was approved; it counted, so 1200 + 300 crossed again
            EvidenceRecord d = refunds.get(i);
            assertEquals(List.of("refund-budget"), d.rules, d.toString());
            assertEquals("approved", d.approvalDecision, d.toString());
            assertEquals("allow", d.decision, d.toString());
            assertEquals("ok", ev.outcomeOf(d).outcomeStatus, ev.dump());
        }

        Path refused = tmp.resolve("deny");
        r = asyncRefunds(refused, "deny");
        assertTrue(r.value("crossing").startsWith("error=true Blocked by policy refund-budget: "), r::toString);
        assertFalse(Files.exists(refused.resolve("markers/issueRefund-o2")), "the refused refund reached the server");
        assertTrue(r.value("next").startsWith("error=false issueRefund done"), r::toString);
        ev = Evidence.read(refused.resolve("evidence"));
        refunds = ev.decisions(d -> "tool".equals(d.kind));
        assertEquals(3, refunds.size(), ev.dump());
        assertEquals("deny", refunds.get(1).decision, refunds.get(1).toString());
        assertEquals("denied", refunds.get(1).approvalDecision, refunds.get(1).toString());
        // the refused 600 never counted: 600 + 300 fits without an escalation
        assertEquals(List.of(), refunds.get(2).rules, ev.dump());
        assertEquals("allow", refunds.get(2).decision, ev.dump());
    }
}
