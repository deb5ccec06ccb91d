package dev.warden.collector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.collector.Verifier;
import dev.warden.collector.export.ExportFilter;
import dev.warden.collector.export.Exporter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline with the built agent jar: an application JVM under the agent makes
 * governed HTTP calls, its shipper sends the evidence to a collector running as its own process,
 * and the collector's export holds every decision once, in order. Also the failures of either
 * end: the application killed with -9 mid-stream and started again on the same evidence
 * directory (the next JVM ships the dead one's backlog), and the collector killed with -9
 * mid-stream and restarted on the same store (the shipper resumes from what the collector made
 * durable: nothing lost, nothing stored twice).
 */
class AgentToCollectorIT {
    @TempDir
    Path tmp;

    private String agentArgs(Path policy, Path evidence, int port) {
        return "policy=" + policy + ",agent=pipeline-app,evidence=" + evidence + ",collector=127.0.0.1:" + port;
    }

    static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void await(java.util.function.BooleanSupplier cond, long timeoutMillis, java.util.function.Supplier<String> what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out after " + timeoutMillis + " ms: " + what.get());
            }
            Thread.sleep(50);
        }
    }

    @Test
    void everyDecisionOfAnAgentJvmIsInTheExportOnceInOrder() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), Forked.policy());
        Path store = tmp.resolve("store");
        Path evidence = tmp.resolve("evidence");
        int port = freeUdpPort();
        int calls = 400;
        try (Forked collector = Forked.collector(tmp, "collector", store, port);
             Forked app = Forked.app(tmp, "app", agentArgs(policy, evidence, port), calls, 0, null)) {
            // the application exits by itself as soon as its calls are made: the shipper drains on the way out
            assertEquals(0, app.awaitExit(120_000), app::describe);
            assertTrue(app.output().contains("done: " + calls), app::describe);
            await(() -> StoreView.read(store, "pipeline-app").decisionCount() >= calls, 60_000,
                    () -> "decisions stored: " + StoreView.read(store, "pipeline-app").decisionCount() + "\n" + app.describe() + collector.describe());
        }
        StoreView view = StoreView.read(store, "pipeline-app");
        assertEquals(1, view.byInstance.size(), "one agent instance");
        String instance = view.byInstance.keySet().iterator().next();
        assertEquals(calls, view.assertCompleteAndOnce(instance));

        // the export an auditor gets: every decision once, in order, each allowed call joined with its outcome
        StringWriter out = new StringWriter();
        ExportFilter onlyApp = new ExportFilter();
        onlyApp.agent = "pipeline-app";
        Exporter.export(store, Exporter.Format.JSONL, onlyApp, out);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> decisions = out.toString().lines().map(l -> read(json, l)).filter(n -> "decision".equals(n.path("type").asText())).toList();
        assertEquals(calls, decisions.size(), out.toString());
        for (int i = 0; i < calls; i++) {
            JsonNode d = decisions.get(i);
            int call = i + 1;
            assertTrue(d.path("target").asText().endsWith((call % 10 == 0 ? "/deny/" : "/ok/") + call), d.toString());
            assertEquals(call % 10 == 0 ? "deny" : "allow", d.path("decision").asText(), d.toString());
            if (call % 10 != 0) {
                assertEquals("ok", d.path("outcome").path("status").asText(), "outcome joined: " + d);
            } else {
                assertEquals("no-deny-paths", d.path("rules").path(0).asText(), d.toString());
            }
        }
        Verifier.Result v = new Verifier().verify(store, null);
        assertTrue(v.ok, v.problem);
    }

    @Test
    void agentJvmKilledMidStreamHasItsBacklogShippedByTheNextJvm() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), Forked.policy());
        Path store = tmp.resolve("store");
        Path evidence = tmp.resolve("evidence");
        int port = freeUdpPort();
        long lastReported;
        String firstInstance;
        Forked collector = Forked.collector(tmp, "collector-1", store, port);
        try (Forked app = Forked.app(tmp, "app-1", agentArgs(policy, evidence, port), 1_000_000, 300, null)) {
            // shipping live ...
            await(() -> StoreView.read(store, "pipeline-app").decisionCount() >= 200, 120_000,
                    () -> "decisions stored: " + StoreView.read(store, "pipeline-app").decisionCount() + "\n" + app.describe());
            // ... then the collector goes away (a backlog builds up locally) and the agent JVM dies mid-stream
            collector.kill();
            long atOutage = app.lastCall();
            await(() -> app.lastCall() >= atOutage + 500, 120_000, app::describe);
            app.kill();
            lastReported = app.lastCall();
            firstInstance = StoreView.read(store, "pipeline-app").byInstance.keySet().iterator().next();
            assertTrue(StoreView.read(store, "pipeline-app").decisions(firstInstance).size() < lastReported,
                    "a backlog was left behind when the agent JVM died");
        } finally {
            collector.close();
        }
        // the collector returns, and the application starts again with the same evidence directory
        try (Forked collector2 = Forked.collector(tmp, "collector-2", store, port);
             Forked app2 = Forked.app(tmp, "app-2", agentArgs(policy, evidence, port), 20, 0, tmp.resolve("app-2.exit"))) {
            await(() -> {
                StoreView v = StoreView.read(store, "pipeline-app");
                return v.decisions(firstInstance).size() >= lastReported && v.byInstance.size() == 2 && v.decisionCount() >= lastReported + 20;
            }, 120_000, () -> {
                StoreView v = StoreView.read(store, "pipeline-app");
                return "first instance: " + v.decisions(firstInstance).size() + " of at least " + lastReported + " decisions; instances "
                        + v.byInstance.keySet() + "\n" + app2.describe() + collector2.describe();
            });
            Files.createFile(tmp.resolve("app-2.exit"));
            assertEquals(0, app2.awaitExit(60_000), app2::describe);
        }
        StoreView view = StoreView.read(store, "pipeline-app");
        long shipped = view.assertCompleteAndOnce(firstInstance);
        // every call the dead JVM reported is there; at most the one it was making when it died is extra
        assertTrue(shipped >= lastReported && shipped <= lastReported + 1, "first instance: " + shipped + " decisions, " + lastReported + " reported");
        String second = view.byInstance.keySet().stream().filter(i -> !i.equals(firstInstance)).findFirst().orElseThrow();
        assertEquals(20, view.assertCompleteAndOnce(second));
        assertFalse(Files.exists(evidence.resolve("pipeline-app").resolve(firstInstance)), "the fully shipped dead instance's queue is deleted");
        Verifier.Result v = new Verifier().verify(store, null);
        assertTrue(v.ok, v.problem);
    }

    @Test
    void aLiveJvmWithoutACollectorIsNotMistakenForDeadButShippedOnceItExits() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), Forked.policy());
        Path store = tmp.resolve("store");
        Path evidence = tmp.resolve("evidence");
        int port = freeUdpPort();
        Path exitA = tmp.resolve("a.exit");
        Path exitB = tmp.resolve("b.exit");
        try (Forked collector = Forked.collector(tmp, "collector", store, port);
             Forked a = Forked.app(tmp, "app-a", "policy=" + policy + ",agent=pipeline-app,evidence=" + evidence, 50, 0, exitA)) {
            a.awaitLine("done: 50", 60_000); // alive, no collector: its evidence stays local
            try (Forked b = Forked.app(tmp, "app-b", agentArgs(policy, evidence, port), 30, 0, exitB)) {
                await(() -> StoreView.read(store, "pipeline-app").decisionCount() >= 30, 60_000, () -> b.describe() + collector.describe());
                // b's shipper looks for dead instances every 2 s: give it several looks at a's directory
                long until = System.currentTimeMillis() + 5_000;
                while (System.currentTimeMillis() < until) {
                    assertEquals(1, StoreView.read(store, "pipeline-app").byInstance.size(), "a live JVM's evidence was shipped by another");
                    Thread.sleep(250);
                }
                Files.createFile(exitA);
                assertEquals(0, a.awaitExit(60_000), a::describe);
                // now a is dead: b ships its backlog
                await(() -> StoreView.read(store, "pipeline-app").decisionCount() >= 80, 60_000, () -> b.describe() + collector.describe());
                Files.createFile(exitB);
                assertEquals(0, b.awaitExit(60_000), b::describe);
            }
        }
        StoreView view = StoreView.read(store, "pipeline-app");
        assertEquals(2, view.byInstance.size());
        long[] calls = view.byInstance.keySet().stream().mapToLong(view::assertCompleteAndOnce).sorted().toArray();
        assertEquals(30, calls[0]);
        assertEquals(50, calls[1]);
    }

    @Test
    void collectorKilledMidStreamAndRestartedLosesNothingAndStoresNothingTwice() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), Forked.policy());
        Path store = tmp.resolve("store");
        Path evidence = tmp.resolve("evidence");
        int port = freeUdpPort();
        int calls = 6_000;
        Path exit = tmp.resolve("app.exit");
        try (Forked app = Forked.app(tmp, "app", agentArgs(policy, evidence, port), calls, 1_000, exit)) {
            Forked collector = Forked.collector(tmp, "collector-1", store, port);
            try {
                await(() -> StoreView.read(store, "pipeline-app").decisionCount() >= 1_000, 120_000,
                        () -> "decisions stored: " + StoreView.read(store, "pipeline-app").decisionCount() + "\n" + app.describe() + collector.describe());
            } finally {
                collector.kill(); // mid-stream: batches in flight, acknowledgements unsent
            }
            long stored = StoreView.read(store, "pipeline-app").decisionCount();
            long atCrash = app.lastCall();
            await(() -> app.lastCall() >= Math.min(calls, atCrash + 500), 60_000, app::describe); // the agent keeps working meanwhile
            try (Forked collector2 = Forked.collector(tmp, "collector-2", store, port)) {
                await(() -> StoreView.read(store, "pipeline-app").decisionCount() >= calls, 180_000,
                        () -> "decisions stored: " + StoreView.read(store, "pipeline-app").decisionCount() + " (" + stored + " before the crash)\n"
                                + app.describe() + collector2.describe());
                Files.createFile(exit);
                assertEquals(0, app.awaitExit(60_000), app::describe);
            }
        }
        StoreView view = StoreView.read(store, "pipeline-app");
        assertEquals(1, view.byInstance.size());
        String instance = view.byInstance.keySet().iterator().next();
        assertEquals(calls, view.assertCompleteAndOnce(instance));
        Verifier.Result v = new Verifier().verify(store, null);
        assertTrue(v.ok, v.problem);
        assertNotNull(instance);
        assertNotEquals(0, v.checkpoints);
    }

    private static JsonNode read(ObjectMapper json, String line) {
        try {
            return json.readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError(line, e);
        }
    }
}
