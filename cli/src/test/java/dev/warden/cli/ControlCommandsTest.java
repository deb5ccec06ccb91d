package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.cli.PolicyCommandTest.Run;
import dev.warden.cli.collector.FleetInventory;
import dev.warden.scanner.Inventory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control-plane commands: orders through a real collector (an invalid policy refused with
 * policy check's lines, pushes, kills, a refused rollback, a wrong token), one clear line when the
 * collector is down or the command is incomplete, and the fleet's exercised capabilities as an
 * inventory that {@code policy coverage} reads. (Orders reaching agents are proven in the
 * collector module's ControlPlaneTest and the end-to-end ControlPlaneIT.)
 */
class ControlCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aCollectorThatIsDownIsOneClearLine() throws Exception {
        String url = "http://127.0.0.1:" + closedPort();
        for (String[] args : new String[][] {
            {"fleet", "--collector", url, "--token", "t"},
            {"kill", "--all", "--reason", "runaway", "--as", "alice", "--collector", url, "--token", "t"},
            {"resume", "--agent", "bot", "--as", "alice", "--collector", url, "--token", "t"},
            {"policy", "rollback", "--all", "--collector", url, "--token", "t"},
        }) {
            Run r = PolicyCommandTest.run(args);
            assertEquals(1, r.exit(), String.join(" ", args) + "\n" + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("warden: cannot reach the collector at " + url), r.err());
        }
    }

    @Test
    void ordersThroughARealCollector() throws Exception {
        dev.warden.collector.Collector.Config cfg = new dev.warden.collector.Collector.Config();
        cfg.store = tmp.resolve("store");
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            cfg.listenPort = s.getLocalPort();
        }
        cfg.httpPort = 0;
        cfg.approvers = java.util.List.of("alice");
        try (dev.warden.collector.Collector c = dev.warden.collector.Collector.start(cfg)) {
            String[] conn = {"--collector", "http://127.0.0.1:" + c.httpPort(), "--store", cfg.store.toString()};
            Path bad = Files.writeString(tmp.resolve("bad.yaml"), "version: 1\nname: x\ndefault: maybe\nrules: []\n");
            Run r = PolicyCommandTest.run(concat(new String[] {"policy", "push", bad.toString(), "--all"}, conn));
            assertEquals(1, r.exit());
            assertTrue(r.err().lines().findFirst().orElse("").matches(".*bad\\.yaml:3:\\d+: .*"), r.err());
            assertTrue(r.err().contains("nothing was issued"), r.err());
            Path good = Files.writeString(tmp.resolve("good.yaml"), "version: 1\nname: good\ndefault: allow\nrules: []\n");
            r = PolicyCommandTest.run(concat(new String[] {"policy", "push", good.toString(), "--agent", "bot"}, conn));
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().startsWith("issued policy #1 -> bot by admin (policy 'good'"), r.out());
            r = PolicyCommandTest.run(concat(new String[] {"policy", "rollback", "--agent", "bot"}, conn));
            assertEquals(1, r.exit());
            assertTrue(r.err().contains("no earlier one to roll back to"), r.err());
            r = PolicyCommandTest.run(concat(new String[] {"kill", "--tool", "issueRefund", "--reason", "paused", "--as", "alice"}, conn));
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().startsWith("issued kill #2 -> * tool issueRefund by alice: paused"), r.out());
            r = PolicyCommandTest.run(concat(new String[] {"resume", "--all", "--as", "bob"}, conn));
            assertEquals(1, r.exit());
            assertTrue(r.err().contains("has no token for bob"), r.err());
            r = PolicyCommandTest.run("fleet", "--collector", "http://127.0.0.1:" + c.httpPort(), "--token", "wrong");
            assertEquals(1, r.exit());
            assertTrue(r.err().contains("does not accept this token (401)"), r.err());
            r = PolicyCommandTest.run(concat(new String[] {"fleet"}, conn));
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("no agent instance has reported"), r.out());
            assertTrue(r.out().contains("#2    kill     -> all          by alice      paused (tool issueRefund): 0 applied, 0 refused"), r.out());
        }
    }

    static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void anOrderNeedsATargetAndAPolicyFileThatExists() {
        Run r = PolicyCommandTest.run("kill", "--reason", "x", "--as", "alice", "--token", "t");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("give --agent ID or --all"), r.err());
        r = PolicyCommandTest.run("policy", "push", "nowhere.yaml", "--all", "--token", "t");
        assertEquals(1, r.exit());
        assertEquals("warden: nowhere.yaml: no such file", r.err().trim());
        r = PolicyCommandTest.run("policy", "push", "nowhere.yaml", "--agent", "a", "--all", "--token", "t");
        assertTrue(r.err().contains("not both"), r.err());
        r = PolicyCommandTest.run("fleet", "--collector", "http://127.0.0.1:1", "--merge", "x.json");
        assertTrue(r.err().contains("--merge needs --inventory"), r.err());
    }

    @Test
    void theFleetsExercisedCapabilitiesAreAnInventoryPolicyCoverageReads() throws Exception {
        JsonNode fleet = JSON.readTree("""
                {"instances":[
                  {"agent":"bot","instance":"bot-1","capabilities":[
                    {"kind":"tool","tool":"issueRefund","first":1700000000000,"last":1700000100000,"count":3},
                    {"kind":"http","host":"api.stripe.com","method":"POST","first":1700000000000,"last":1700000000000,"count":3},
                    {"kind":"sql","database":"shop","table":"ORDERS","operation":"UPDATE","first":1700000000000,"last":1700000000000,"count":2}]},
                  {"agent":"bot","instance":"bot-2","capabilities":[
                    {"kind":"tool","tool":"issueRefund","first":1690000000000,"last":1700000200000,"count":1},
                    {"kind":"process","command":"/bin/sh","first":1700000000000,"last":1700000000000,"count":1}]}]}
                """);
        Inventory inv = FleetInventory.of(fleet, null);
        assertEquals(1, inv.tools.size());
        assertEquals(4L, inv.tools.get(0).count, "counts add up over the instances");
        assertEquals("2023-07-22T04:26:40Z", inv.tools.get(0).firstSeen);
        assertEquals(Inventory.LIVE, inv.tools.get(0).source);
        assertEquals("orders", inv.tables.get(0).name);
        Path file = tmp.resolve("fleet-inventory.json");
        inv.write(file);
        Path policy = Files.writeString(tmp.resolve("p.yaml"), """
                version: 1
                name: refunds
                default: allow
                rules:
                  - id: refunds-need-approval
                    match: { kind: tool, tool: issueRefund }
                    action: deny
                """);
        Run r = PolicyCommandTest.run("policy", "coverage", policy.toString(), file.toString());
        assertTrue(r.out().contains("issueRefund"), r.out() + r.err());
        assertTrue(r.out().contains("refunds-need-approval"), r.out());
        assertTrue(r.out().contains("api.stripe.com"), r.out());
        assertEquals(1, r.exit(), "the external host and the written table are consequential and ungoverned:\n" + r.out());

        // merged into a static scan: an item both found is static+live
        Inventory stat = new Inventory();
        Inventory.Host h = new Inventory.Host();
        h.id = "host:api.stripe.com";
        h.host = "api.stripe.com";
        stat.hosts.add(h);
        Inventory merged = FleetInventory.of(fleet, stat);
        assertEquals(Inventory.BOTH, merged.hosts.get(0).source);
        assertEquals(java.util.List.of("POST"), merged.hosts.get(0).methods);
    }
}
