package dev.warden.collector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.collector.Collector;
import dev.warden.collector.export.ExportFilter;
import dev.warden.collector.export.Exporter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Human approval with the built agent ({@code approvals=collector}, the default with a
 * collector): an escalated HTTP call waits in the application's thread, shows up in the
 * collector's {@code GET /api/approvals} with a summary that carries no secret, and is released
 * by an approver over the HTTP API; a second one is denied. The evidence records who decided
 * and how long the call waited.
 */
class ApprovalIT {
    static final String POLICY = """
            version: 1
            name: approval-it
            default: allow
            rules:
              - id: refunds-need-a-person
                description: every refund call waits for a human
                match: { kind: http, path: "/refund/*" }
                action: escalate
                approval: { timeout: 120s, on_timeout: deny }
            """;

    @TempDir
    Path tmp;

    @Test
    void anEscalatedCallWaitsForAnApproverAndTheEvidenceSaysWhoDecided() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), POLICY);
        Collector.Config cfg = new Collector.Config();
        cfg.store = tmp.resolve("store");
        cfg.listenPort = AgentToCollectorIT.freeUdpPort();
        cfg.httpPort = 0;
        cfg.approvers = List.of("alice", "bob");
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        try (Collector c = Collector.start(cfg);
             Forked app = Forked.app(tmp, "app", "policy=" + policy + ",agent=approval-app,evidence=" + tmp.resolve("evidence")
                     + ",collector=127.0.0.1:" + cfg.listenPort, 2, 0, null, "/refund")) {
            String base = "http://127.0.0.1:" + c.httpPort();
            String alice = c.tokens().tokenOf("alice");
            String bob = c.tokens().tokenOf("bob");

            JsonNode first = awaitPending(http, json, base, alice, app);
            String summary = first.get("summary").asText();
            assertTrue(summary.startsWith("http GET http://127.0.0.1:") && summary.endsWith("/refund/1"), summary);
            assertFalse(summary.contains("s3cret"), "query values never reach the approver: " + summary);
            assertTrue(first.get("action_digest").asText().startsWith("sha256:"), first.toString());
            assertEquals("", app.output().lines().filter(l -> l.startsWith("call 1")).findFirst().orElse(""), "the call is still waiting");
            assertEquals(200, post(http, base + "/api/approvals/" + first.get("id").asText() + "/approve", alice).statusCode());
            app.awaitLine("call 1: 200", 30_000);

            JsonNode second = awaitPending(http, json, base, bob, app);
            assertEquals(200, post(http, base + "/api/approvals/" + second.get("id").asText() + "/deny", bob).statusCode());
            app.awaitLine("call 2: blocked", 30_000);
            assertEquals(0, app.awaitExit(60_000), app::describe);
            AgentToCollectorIT.await(() -> StoreView.read(cfg.store, "approval-app").decisionCount() >= 2, 60_000, app::describe);
        }
        StringWriter out = new StringWriter();
        ExportFilter f = new ExportFilter();
        f.agent = "approval-app";
        Exporter.export(cfg.store, Exporter.Format.JSONL, f, out);
        List<JsonNode> decisions = out.toString().lines().map(l -> {
            try {
                return json.readTree(l);
            } catch (java.io.IOException e) {
                throw new AssertionError(l, e);
            }
        }).filter(n -> "decision".equals(n.path("type").asText())).toList();
        assertEquals(2, decisions.size(), out.toString());
        JsonNode approved = decisions.get(0);
        assertEquals("allow", approved.path("decision").asText(), approved.toString());
        assertEquals("alice", approved.path("approval").path("approver").asText(), approved.toString());
        assertEquals("approved", approved.path("approval").path("decision").asText(), approved.toString());
        assertTrue(approved.path("approval").path("waited_ms").asLong() > 0, approved.toString());
        assertEquals("ok", approved.path("outcome").path("status").asText(), approved.toString());
        JsonNode denied = decisions.get(1);
        assertEquals("deny", denied.path("decision").asText(), denied.toString());
        assertEquals("bob", denied.path("approval").path("approver").asText(), denied.toString());
        assertEquals("denied", denied.path("approval").path("decision").asText(), denied.toString());
        assertFalse(out.toString().contains("s3cret"), "no secret in the exported evidence");
    }

    private static JsonNode awaitPending(HttpClient http, ObjectMapper json, String base, String token, Forked app) throws Exception {
        JsonNode[] found = {null};
        AgentToCollectorIT.await(() -> {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/approvals"))
                        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
                JsonNode list = json.readTree(r.body()).path("approvals");
                for (JsonNode a : list) {
                    found[0] = a;
                    return true;
                }
                return false;
            } catch (Exception e) {
                return false;
            }
        }, 60_000, app::describe);
        return found[0];
    }

    private static HttpResponse<String> post(HttpClient http, String url, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
