package dev.warden.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.collector.export.ExportFilter;
import dev.warden.collector.export.Exporter;
import dev.warden.rules.control.Order;
import dev.warden.rules.control.OrderKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector's half of the control plane against agents speaking the wire protocol
 * ({@link FakeAgent}): orders are validated, signed, sent only to the instances they target and
 * re-sent to an instance that connects later; acknowledgements make the rollout; heartbeats make
 * the fleet view; forged and replayed frames are dropped; everything survives a collector restart.
 */
class ControlPlaneTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    static final String POLICY_V1 = """
            version: 1
            name: fleet-policy
            default: allow
            rules:
              - id: no-deny-paths
                match: { kind: http, path: "/deny/*" }
                action: deny
            """;

    static String heartbeat(String agent, String instance, long pid, long intervalMs, String capabilities) {
        return "{\"agent\":\"" + agent + "\",\"instance\":\"" + instance + "\",\"host\":\"box-1\",\"pid\":" + pid
                + ",\"jdk\":\"17.0.9\",\"mode\":\"enforce\",\"hooks\":[\"http\",\"jdbc\"],\"libraries\":[{\"name\":\"okhttp\",\"version\":\"4.12.0\"}],"
                + "\"policy\":{\"name\":\"local\",\"version\":\"sha256:ab\",\"serial\":0,\"source\":\"file\"},\"kill\":[],\"backlog\":3,"
                + "\"interval_ms\":" + intervalMs + ",\"capabilities\":[" + capabilities + "]}";
    }

    Collector.Config config(Path store) {
        Collector.Config cfg = new Collector.Config();
        cfg.store = store;
        cfg.listenPort = Ports.freeUdp();
        cfg.httpPort = 0;
        return cfg;
    }

    @Test
    void ordersAreSignedSentToTheirTargetsAcknowledgedAndSurviveARestart() throws Exception {
        Path store = tmp.resolve("store");
        Collector.Config cfg = config(store);
        long killSerial;
        long policySerial;
        try (Collector c = Collector.start(cfg)) {
            String base = "http://127.0.0.1:" + c.httpPort();
            String admin = c.tokens().tokenOf("admin");
            PublicKey orderKey = OrderKeys.readPublic(c.orderPublicKey());
            assertEquals(store.resolve("keys").resolve("order-signing.pub"), c.orderPublicKey());
            try (FakeAgent a1 = new FakeAgent(tmp, "alpha", "alpha-1", cfg.listenPort, orderKey);
                 FakeAgent b1 = new FakeAgent(tmp, "beta", "beta-1", cfg.listenPort, orderKey)) {
                a1.connect();
                b1.connect();
                a1.heartbeat(heartbeat("alpha", "alpha-1", 101, 5_000,
                        "{\"kind\":\"http\",\"host\":\"api.stripe.com\",\"method\":\"POST\",\"first\":1000,\"last\":2000,\"count\":4}"));
                b1.heartbeat(heartbeat("beta", "beta-1", 102, 5_000,
                        "{\"kind\":\"sql\",\"database\":\"shop\",\"table\":\"orders\",\"operation\":\"UPDATE\",\"first\":1000,\"last\":1500,\"count\":2}"));
                // a cumulative resend of the same capability merges: earliest first, latest last, highest count
                a1.heartbeat(heartbeat("alpha", "alpha-1", 101, 5_000,
                        "{\"kind\":\"http\",\"host\":\"api.stripe.com\",\"method\":\"POST\",\"first\":1000,\"last\":3000,\"count\":6},"
                                + "{\"kind\":\"tool\",\"tool\":\"issueRefund\",\"first\":2500,\"last\":2500,\"count\":1}"));
                Await.until(() -> c.metrics().heartbeats.sum() == 3, 10_000, () -> c.metrics().render());
                JsonNode fleet = get(base + "/api/fleet", admin);
                assertEquals(2, fleet.get("instances").size(), fleet.toString());
                JsonNode alpha = instance(fleet, "alpha-1");
                assertEquals("live", alpha.get("state").asText());
                assertEquals("box-1", alpha.get("host").asText());
                assertEquals(101, alpha.get("pid").asLong());
                assertEquals(a1.endpoint(), alpha.get("control_endpoint").asText());
                assertEquals(2, alpha.get("capabilities").size(), alpha.toString());
                JsonNode http = alpha.get("capabilities").get(0);
                assertEquals("api.stripe.com", http.get("host").asText());
                assertEquals(1000, http.get("first").asLong());
                assertEquals(3000, http.get("last").asLong());
                assertEquals(6, http.get("count").asLong());

                // an invalid policy is refused with policy check's file:line:col lines, and nothing is issued
                HttpResponse<String> bad = post(base + "/api/orders/policy", admin,
                        "{\"target\":\"*\",\"file\":\"bad.yaml\",\"content\":\"version: 1\\nname: x\\ndefault: maybe\\n\"}");
                assertEquals(400, bad.statusCode(), bad.body());
                String problem = JSON.readTree(bad.body()).get("problems").get(0).asText();
                assertTrue(problem.matches("bad\\.yaml:\\d+:\\d+: .*"), problem);
                assertEquals(0, c.controlPlane().book.serial());
                // an approver's token may stop agents but not push policies
                assertEquals(403, post(base + "/api/orders/policy", c.tokens().addApprover("alice"),
                        "{\"target\":\"*\",\"content\":" + JSON.writeValueAsString(POLICY_V1) + "}").statusCode());

                JsonNode pushed = JSON.readTree(post(base + "/api/orders/policy", admin,
                        "{\"target\":\"*\",\"file\":\"fleet.yaml\",\"content\":" + JSON.writeValueAsString(POLICY_V1) + "}").body());
                policySerial = pushed.get("serial").asLong();
                assertEquals(1, policySerial);
                assertEquals(2, pushed.get("sent_to").size(), pushed.toString());
                a1.awaitOrders(1);
                b1.awaitOrders(1);
                for (FakeAgent a : List.of(a1, b1)) {
                    Order o = a.orders.get(0);
                    assertTrue(a.verified.get(0), "signed with the collector's order key");
                    assertEquals(Order.POLICY, o.type);
                    assertEquals(POLICY_V1, new String(o.content(), StandardCharsets.UTF_8));
                    a.ack(o, true, "sha256:v1", null);
                }
                Await.until(() -> c.metrics().ordersApplied.sum() == 2, 10_000, () -> c.metrics().render());
                JsonNode order1 = get(base + "/api/fleet", admin).get("orders").get(0);
                assertEquals(2, order1.get("applied").asInt(), order1.toString());
                assertEquals("fleet-policy", order1.get("policy_name").asText());

                // a kill for one agent reaches only that agent's instance
                JsonNode kill = JSON.readTree(post(base + "/api/orders/kill", c.tokens().tokenOf("alice"),
                        "{\"target\":\"alpha\",\"reason\":\"runaway refunds\",\"issuer\":\"alice\"}").body());
                killSerial = kill.get("serial").asLong();
                assertEquals(List.of("alpha-1"), List.of(kill.get("sent_to").get(0).asText()));
                a1.awaitOrders(2);
                Order k = a1.orders.get(1);
                assertEquals(Order.KILL, k.type);
                assertEquals("alice", k.issuer);
                assertEquals("runaway refunds", k.reason);
                assertTrue(a1.verified.get(1));
                assertEquals(403, post(base + "/api/orders/kill", c.tokens().tokenOf("alice"),
                        "{\"target\":\"alpha\",\"reason\":\"x\",\"issuer\":\"bob\"}").statusCode(), "alice's token cannot issue as bob");
                assertEquals(400, post(base + "/api/orders/kill", admin, "{\"target\":\"alpha\"}").statusCode(), "a kill needs a reason");

                // rollback: one step back per target, under a new serial
                HttpResponse<String> none = post(base + "/api/orders/rollback", admin, "{\"target\":\"*\"}");
                assertEquals(400, none.statusCode(), none.body());
                assertTrue(none.body().contains("no earlier one"), none.body());
                String v2 = POLICY_V1.replace("fleet-policy", "fleet-policy-2");
                long v2Serial = JSON.readTree(post(base + "/api/orders/policy", admin,
                        "{\"target\":\"*\",\"file\":\"fleet2.yaml\",\"content\":" + JSON.writeValueAsString(v2) + "}").body()).get("serial").asLong();
                JsonNode rb = JSON.readTree(post(base + "/api/orders/rollback", admin, "{\"target\":\"*\"}").body());
                assertEquals(policySerial, rb.get("rollback_of").asLong());
                assertTrue(rb.get("serial").asLong() > v2Serial, "a rollback is a new, higher serial");
                b1.awaitOrders(3);
                Order rollback = b1.orders.get(2);
                assertEquals(POLICY_V1, new String(rollback.content(), StandardCharsets.UTF_8));
                assertTrue(b1.verified.get(2));
                b1.ack(rollback, false, null, "replayed serial 3 <= 3");
                Await.until(() -> c.metrics().ordersRefused.sum() == 1, 10_000, () -> c.metrics().render());

                // a replay of an order an instance had applied is a refusal on record, not an undone rollout
                a1.ack(a1.orders.get(0), false, null, "replayed: serial 1 is older than the policy serial 4 this agent holds");
                a1.ack(a1.orders.get(0), true, "sha256:v1", "already in force");
                Await.until(() -> c.metrics().ordersRefused.sum() == 2, 10_000, () -> c.metrics().render());
                JsonNode firstOnA1 = instance(get(base + "/api/fleet", admin), "alpha-1").get("orders").get(0);
                assertEquals("applied", firstOnA1.get("status").asText(), firstOnA1.toString());
                assertTrue(firstOnA1.get("later_refusal").asText().startsWith("replayed"), firstOnA1.toString());
                assertEquals(2, c.metrics().ordersApplied.sum(), "an acknowledged re-delivery is not recorded again");

                // forged and replayed control frames are dropped
                a1.forgedAck(k);
                Await.until(() -> c.metrics().droppedFor("forged") == 1, 10_000, () -> c.metrics().render());
                a1.heartbeatWithCounter(1, heartbeat("alpha", "alpha-1", 101, 5_000, ""));
                Await.until(() -> c.metrics().droppedFor("replayed") == 1, 10_000, () -> c.metrics().render());

                // an instance that connects later gets the kill in force and the newest policy, in serial order
                try (FakeAgent a2 = new FakeAgent(tmp, "alpha", "alpha-2", cfg.listenPort, orderKey)) {
                    a2.connect();
                    a2.awaitOrders(2);
                    assertEquals(List.of(killSerial, rb.get("serial").asLong()), a2.orders.stream().map(o -> o.serial).toList());
                    assertTrue(a2.verified.stream().allMatch(v -> v));
                }
                // the same process reporting as a new instance replaces the old one
                try (FakeAgent b2 = new FakeAgent(tmp, "beta", "beta-2", cfg.listenPort, orderKey)) {
                    b2.connect();
                    b2.heartbeat(heartbeat("beta", "beta-2", 102, 5_000, ""));
                    Await.until(() -> c.metrics().heartbeats.sum() == 4, 10_000, () -> c.metrics().render());
                    assertEquals("gone", instance(get(base + "/api/fleet", admin), "beta-1").get("state").asText());
                }
            }
        }
        // a restarted collector keeps the serial counter, the orders in force and the fleet's last view
        try (Collector c = Collector.start(config(store))) {
            String base = "http://127.0.0.1:" + c.httpPort();
            String admin = c.tokens().tokenOf("admin");
            assertEquals(4, c.controlPlane().book.serial());
            assertEquals(killSerial, c.controlPlane().book.killsFor("alpha").get(0).serial);
            JsonNode fleet = get(base + "/api/fleet", admin);
            assertEquals(2, instance(fleet, "alpha-1").get("capabilities").size(), fleet.toString());
            assertEquals("applied", instance(fleet, "alpha-1").get("orders").get(0).get("status").asText());
            JsonNode resume = JSON.readTree(post(base + "/api/orders/resume", admin, "{\"target\":\"alpha\"}").body());
            assertEquals(5, resume.get("serial").asLong());
            assertTrue(c.controlPlane().book.killsFor("alpha").isEmpty());
        }
        java.io.StringWriter out = new java.io.StringWriter();
        Exporter.export(store, Exporter.Format.JSONL, new ExportFilter(), out);
        String trail = out.toString();
        assertTrue(trail.contains("\"event\":\"order-issued\""), trail);
        assertTrue(trail.contains("\"order_type\":\"kill\""), trail);
        assertTrue(trail.contains("\"event\":\"order-refused\""), trail);
        assertTrue(trail.contains("replayed serial 3"), trail);
        assertTrue(trail.contains("\"event\":\"order-applied\""), trail);
        assertFalse(trail.contains("/deny/*"), "policies are named by digest, not copied into the trail");
        assertTrue(new Verifier().verify(store, null).ok);
    }

    @Test
    void anInstanceThatStopsHeartbeatingTurnsStale() throws Exception {
        Collector.Config cfg = config(tmp.resolve("store2"));
        try (Collector c = Collector.start(cfg)) {
            PublicKey orderKey = OrderKeys.readPublic(c.orderPublicKey());
            String base = "http://127.0.0.1:" + c.httpPort();
            try (FakeAgent a = new FakeAgent(tmp, "gamma", "gamma-1", cfg.listenPort, orderKey)) {
                a.connect();
                a.heartbeat(heartbeat("gamma", "gamma-1", 7, 100, ""));
                Await.until(() -> c.metrics().heartbeats.sum() == 1, 10_000, () -> c.metrics().render());
                String admin = c.tokens().tokenOf("admin");
                Await.until(() -> state(base, admin, "gamma-1").equals("stale"), 10_000, () -> "still " + state(base, admin, "gamma-1"));
                a.heartbeat(heartbeat("gamma", "gamma-1", 7, 60_000, ""));
                Await.until(() -> state(base, admin, "gamma-1").equals("live"), 10_000, () -> "still " + state(base, admin, "gamma-1"));
            }
        }
    }

    private String state(String base, String token, String instance) {
        try {
            return instance(get(base + "/api/fleet", token), instance).get("state").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode instance(JsonNode fleet, String instance) {
        for (JsonNode n : fleet.get("instances")) {
            if (n.get("instance").asText().equals(instance)) {
                return n;
            }
        }
        throw new AssertionError("no instance " + instance + " in " + fleet);
    }

    JsonNode get(String url, String token) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    HttpResponse<String> post(String url, String token, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
