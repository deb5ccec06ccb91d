package dev.warden.agent.it;

import static dev.warden.agent.it.PolicyReloadIT.awaitLast;
import static dev.warden.agent.it.PolicyReloadIT.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.agent.it.apps.ControlApp;
import dev.warden.rules.control.Order;
import dev.warden.rules.control.OrderKeys;
import dev.warden.rules.evidence.EvidenceRecord;
import dev.warden.rules.evidence.wire.Frames;
import dev.warden.rules.policy.PolicyParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's side of the control plane over the real wire: a forked application JVM under the
 * agent, and the collector's side of the channel played in this JVM ({@link OrderDesk}, real
 * frames). A signed policy is applied and acknowledged with its version; unsigned, forged,
 * replayed, mistargeted and unparsable orders are refused, acknowledged as such and recorded; a
 * kill denies the application's next queries naming {@code kill-<serial>}, a resume restores
 * them; heartbeats carry what the instance exercised; and a kill in force survives a restart of
 * the application with no collector at all.
 */
class ControlPlaneIT {
    static final String AGENT = "control-it";
    static final KeyPair COLLECTOR = OrderKeys.generate();

    @TempDir
    Path tmp;

    static Order policy(long serial, String target, String yaml) {
        return new Order(Order.POLICY, serial, target, null, "alice", "rollout", System.currentTimeMillis() * 1000, "orders-closed.yaml", 0,
                yaml.getBytes(StandardCharsets.UTF_8), null);
    }

    static Order kill(long serial) {
        return new Order(Order.KILL, serial, "*", null, "bob", "runaway refunds", System.currentTimeMillis() * 1000, null, 0, null, null);
    }

    static Order resume(long serial) {
        return new Order(Order.RESUME, serial, "*", null, "bob", "contained", System.currentTimeMillis() * 1000, null, 0, null, null);
    }

    static Order signed(Order o) {
        return o.sign(COLLECTOR.getPrivate());
    }

    @Test
    void ordersAreVerifiedAppliedAcknowledgedAndAKillSurvivesARestartWithoutTheCollector() throws Exception {
        Path key = tmp.resolve("keys/order-signing.pub");
        OrderKeys.writePublic(key, COLLECTOR.getPublic());
        Path local = Files.writeString(tmp.resolve("policy.yaml"), PolicyReloadIT.ALLOW);
        Path evidence = tmp.resolve("evidence");
        String common = "policy=" + local + ",agent=" + AGENT + ",evidence=" + evidence + ",policy-key=" + key;

        Path out = tmp.resolve("stdout");
        Path err = tmp.resolve("stderr");
        try (OrderDesk desk = new OrderDesk(tmp.resolve("aeron"))) {
            Process p = new AgentRun().agent(common + ",collector=" + desk.address() + ",heartbeat=300")
                    .main(ControlApp.class).start(out, err);
            try {
                awaitLast(out, "ok", p);
                String instance = desk.awaitInstance();

                // heartbeats: who, how often, the library hooked, what was exercised
                OrderDesk.Heartbeat hb = desk.awaitHeartbeat(j -> count(j) > 0 && j.contains("\"interval_ms\":300"));
                String json = hb.json();
                assertTrue(json.contains("\"agent\":\"" + AGENT + "\""), json);
                assertTrue(json.contains("\"instance\":\"" + instance + "\""), json);
                assertTrue(json.contains("\"pid\":" + p.pid()), json);
                assertTrue(json.toLowerCase().contains("\"table\":\"orders\""), json);
                assertTrue(json.contains("\"operation\":\"SELECT\""), json);
                assertTrue(json.matches("(?s).*\"libraries\":\\[.*\"name\":\"h2\",\"family\":\"jdbc\",\"version\":\"2[^\"]*\".*"), json);
                assertTrue(json.contains("\"policy\":{\"name\":\"open\""), json);
                assertTrue(json.contains("\"source\":\"file\""), json);
                assertTrue(json.contains("\"hooks\":[") && json.contains("\"jdbc/any\""), json);
                // later heartbeats carry only what changed, with cumulative counts
                long count1 = count(json);
                OrderDesk.Heartbeat later = desk.awaitHeartbeat(j -> count(j) > count1);
                assertTrue(later.receivedNanos() > hb.receivedNanos());

                // a signed policy: applied, acknowledged with the version now enforced
                Order closing = signed(policy(5, AGENT, PolicyReloadIT.DENY));
                desk.send(instance, closing);
                OrderDesk.OrderAck applied = desk.awaitAck(5, 1);
                assertTrue(applied.applied(), applied.toString());
                assertEquals(Order.POLICY, applied.type());
                assertEquals(PolicyParser.sha256(PolicyReloadIT.DENY.getBytes(StandardCharsets.UTF_8)), applied.policyVersion());
                awaitLast(out, "blocked", p);
                desk.awaitHeartbeat(j -> j.contains("\"serial\":5,\"source\":\"push\""));

                // refused: unsigned, forged, replayed (lower; equal serial with other bytes), wrong target, unparsable
                KeyPair other = OrderKeys.generate();
                desk.send(instance, policy(6, AGENT, PolicyReloadIT.ALLOW));
                desk.send(instance, policy(7, AGENT, PolicyReloadIT.ALLOW).sign(other.getPrivate()));
                desk.send(instance, signed(policy(4, AGENT, PolicyReloadIT.ALLOW)));
                desk.send(instance, signed(policy(5, AGENT, PolicyReloadIT.ALLOW)));
                desk.send(instance, signed(policy(8, "another-agent", PolicyReloadIT.ALLOW)));
                desk.send(instance, signed(policy(9, AGENT, "version: 1\nname: broken\nrules: [\n")));
                assertRefused(desk.awaitAck(6, 1), "unsigned");
                assertRefused(desk.awaitAck(7, 1), "bad signature");
                assertRefused(desk.awaitAck(4, 1), "replayed");
                assertRefused(desk.awaitAck(5, 2), "replayed");
                assertRefused(desk.awaitAck(8, 1), "wrong target");
                assertRefused(desk.awaitAck(9, 1), "invalid policy: orders-closed.yaml:");
                // the identical order again (a collector re-sends what is in force): acknowledged, nothing changes
                desk.send(instance, closing);
                assertTrue(desk.awaitAck(5, 3).applied());
                awaitLast(out, "blocked", p);

                desk.send(instance, signed(policy(10, "*", PolicyReloadIT.ALLOW)));
                assertTrue(desk.awaitAck(10, 1).applied());
                awaitLast(out, "ok", p);

                // kill: the next queries are denied; resume: they go ahead again
                long sent = System.nanoTime();
                desk.send(instance, signed(kill(11)));
                OrderDesk.OrderAck killed = desk.awaitAck(11, 1);
                assertTrue(killed.applied(), killed.toString());
                awaitLast(out, "blocked", p);
                System.out.println("kill #11: acknowledged after " + (killed.receivedNanos() - sent) / 1_000_000 + " ms");
                desk.awaitHeartbeat(j -> j.contains("\"kill\":[{\"serial\":11,\"tool\":null,\"issuer\":\"bob\""));
                desk.send(instance, signed(resume(12)));
                assertTrue(desk.awaitAck(12, 1).applied());
                awaitLast(out, "ok", p);

                desk.send(instance, signed(kill(13)));
                assertTrue(desk.awaitAck(13, 1).applied());
                awaitLast(out, "blocked", p);
                assertEquals(List.of(), desk.badMacs);
            } finally {
                p.destroyForcibly().waitFor();
            }
        }

        // the application restarts with no collector: the held kill applies before its first query
        Path out2 = tmp.resolve("stdout2");
        Path err2 = tmp.resolve("stderr2");
        Process p2 = new AgentRun().agent(common).main(ControlApp.class).start(out2, err2);
        try {
            awaitLast(out2, "blocked", p2);
            assertEquals("query 1: blocked", lines(out2).get(0), "denied from the first governed call");
            assertTrue(Files.readAllLines(out2).contains("setup: blocked"), "the table's creation was the first governed call");
            String startLine = Files.readAllLines(err2).stream().filter(l -> l.contains("governing agent")).findFirst().orElseThrow();
            assertTrue(startLine.contains("[pushed #10, wins over the local file]") && startLine.contains("[kill-13 in force]"), startLine);
        } finally {
            p2.destroyForcibly().waitFor();
        }

        Evidence ev = Evidence.read(evidence);
        List<EvidenceRecord> control = ev.records.stream().filter(r -> "control".equals(r.kind)).toList();
        List<EvidenceRecord> refused = control.stream().filter(r -> "order-refused".equals(r.event)).toList();
        assertEquals(6, refused.size(), ev.dump());
        assertTrue(refused.stream().allMatch(r -> "deny".equals(r.decision)), ev.dump());
        assertTrue(refused.stream().anyMatch(r -> r.reason.contains("bad signature")), ev.dump());
        assertTrue(control.stream().anyMatch(r -> "order-applied".equals(r.event) && r.rules.contains("kill-13")), ev.dump());
        assertTrue(control.stream().anyMatch(r -> r.reason.contains("restored at start") && r.target.startsWith("kill #13")), ev.dump());
        List<EvidenceRecord> killedQueries = ev.decisions(r -> r.rules.contains("kill-11"));
        assertFalse(killedQueries.isEmpty(), ev.dump());
        assertTrue(killedQueries.get(0).reason.startsWith("kill order #11 by bob"), killedQueries.get(0).reason);
        assertTrue(killedQueries.stream().allMatch(r -> "deny".equals(r.decision) && r.controls.contains("kill-switch")));
        assertTrue(ev.decisions(r -> r.rules.contains("no-orders")).stream().allMatch(r -> r.policySerial == 5),
                "decisions under the pushed policy carry its serial");
        assertFalse(ev.decisions(r -> r.rules.contains("kill-13")).isEmpty());
    }

    @Test
    void aBadPolicyKeyIsOneStartUpLineAndTheApplicationRunsOnItsLocalPolicy() throws Exception {
        Path local = Files.writeString(tmp.resolve("policy.yaml"), PolicyReloadIT.ALLOW);
        Path notAKey = Files.writeString(tmp.resolve("order-signing.pub"), "this is not a key\n");
        Path markers = Files.createDirectories(tmp.resolve("markers"));
        AgentRun run = new AgentRun().agent("policy=" + local + ",agent=" + AGENT + ",evidence=" + tmp.resolve("evidence")
                + ",policy-key=" + notAKey).main(dev.warden.agent.it.apps.ProcessApp.class, markers.toString());
        run.workDir = tmp;
        AgentRun.Result r = run.run();
        assertEquals(0, r.exit(), r::toString);
        assertEquals("0", r.value("echo"), r::toString);
        List<String> lines = r.wardenLines().stream().filter(l -> l.contains("policy-key=")).toList();
        assertEquals(List.of("warden: policy-key=" + notAKey + ": expected a PEM '-----BEGIN PUBLIC KEY-----' block;"
                + " every control order (pushed policy, kill, resume) is refused"), lines, r::toString);
        assertFalse(r.stderr().contains("\tat "), "no stack trace");
    }

    static void assertRefused(OrderDesk.OrderAck ack, String reason) {
        assertEquals(Frames.ORDER_REFUSED, ack.status(), ack.toString());
        assertTrue(ack.detail().startsWith(reason), ack.toString());
    }

    /** The count of the SELECT capability in a heartbeat (-1: not in it). */
    static long count(String json) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"operation\":\"SELECT\",\"first\":\\d+,\"last\":\\d+,\"count\":(\\d+)").matcher(json);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
