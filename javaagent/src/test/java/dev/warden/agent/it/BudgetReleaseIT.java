package dev.warden.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.payments.RefundGateway;
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
 * refund that crosses the budget escalates and, refused by the approver, never runs.
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
}
