package dev.warden.collector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.collector.Collector;
import dev.warden.collector.Verifier;
import dev.warden.collector.export.ExportFilter;
import dev.warden.collector.export.Exporter;
import dev.warden.rules.control.Order;
import dev.warden.rules.control.OrderKeys;
import dev.warden.rules.evidence.wire.Frames;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane end to end: a real collector and agent JVMs under the built agent jar
 * (started with the collector's order key, heartbeating every 300 ms), each calling itself over
 * HTTP in a loop ({@link GovernedLoopApp}).
 *
 * <ul>
 *   <li>a pushed policy reaches all three instances and each acknowledges it; an instance started
 *       after the push gets it when it connects;</li>
 *   <li>a forged, an unsigned and a replayed policy order, injected with Aeron straight onto an
 *       agent's control endpoint (from the fleet view), are each refused and reported;</li>
 *   <li>kill: the next governed call in every instance is denied, naming the order; resume
 *       restores; the time from the kill request to each instance's first denial is printed
 *       ({@code -Dwarden.killTrials=100} turns this into the benchmark of benchmarks/RESULTS.md);</li>
 *   <li>a kill survives an agent restart; the fleet lists each instance's exercised capabilities
 *       and marks a {@code kill -9}ed instance stale.</li>
 * </ul>
 */
class ControlPlaneIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TRIALS = Integer.getInteger("warden.killTrials", 5);
    /** Between two governed calls of each application: the resolution of the latency measured. */
    static final long PAUSE_MILLIS = 5;

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newHttpClient();
    private String base;
    private String admin;

    static final String PUSHED = """
            version: 1
            name: fleet-pushed
            default: allow
            rules:
              - id: never-paths
                description: the loop never calls /never/, so pushing this changes no outcome
                match: { kind: http, path: "/never/*" }
                action: deny
            """;

    @Test
    void pushKillResumeAndTheFleetViewAcrossAgentJvms() throws Exception {
        Path policy = Files.writeString(tmp.resolve("local.yaml"), Forked.policy());
        Collector.Config cfg = new Collector.Config();
        cfg.store = tmp.resolve("store");
        cfg.listenPort = AgentToCollectorIT.freeUdpPort();
        cfg.httpPort = 0;
        Path exit = tmp.resolve("apps.exit");
        Map<String, Forked> apps = new LinkedHashMap<>();
        Map<String, Calls> calls = new LinkedHashMap<>();
        try (Collector c = Collector.start(cfg)) {
            base = "http://127.0.0.1:" + c.httpPort();
            admin = c.tokens().tokenOf("admin");
            String key = c.orderPublicKey().toString();
            java.util.function.Function<String, String> args = agent -> "policy=" + policy + ",agent=" + agent + ",evidence="
                    + tmp.resolve("evidence-" + agent) + ",collector=127.0.0.1:" + cfg.listenPort + ",policy-key=" + key + ",heartbeat=300";
            for (String agent : List.of("bot-a", "bot-b", "bot-c")) {
                Forked f = Forked.loop(tmp, agent, args.apply(agent), exit, PAUSE_MILLIS);
                apps.put(agent, f);
                calls.put(agent, new Calls(f));
            }
            await(() -> liveAgents().size() == 3, 60_000, () -> "live: " + liveAgents() + "\n" + describe(apps));

            // push: all three apply it and acknowledge
            JsonNode pushed = post("/api/orders/policy", "{\"target\":\"*\",\"file\":\"fleet-pushed.yaml\",\"content\":"
                    + JSON.writeValueAsString(PUSHED) + "}");
            long s1 = pushed.get("serial").asLong();
            assertEquals(3, pushed.get("sent_to").size(), pushed.toString());
            for (String agent : List.of("bot-a", "bot-b", "bot-c")) {
                awaitEnforces(agent, s1, apps);
            }
            // an instance started after the push gets it when it connects
            Forked late = Forked.loop(tmp, "bot-d", args.apply("bot-d"), exit, PAUSE_MILLIS);
            apps.put("bot-d", late);
            calls.put("bot-d", new Calls(late));
            awaitEnforces("bot-d", s1, apps);

            // forged, unsigned and replayed orders straight onto bot-a's control endpoint: each refused and reported
            long s2 = post("/api/orders/policy", "{\"target\":\"bot-a\",\"file\":\"fleet-pushed-2.yaml\",\"content\":"
                    + JSON.writeValueAsString(PUSHED.replace("fleet-pushed", "fleet-pushed-2")) + "}").get("serial").asLong();
            awaitEnforces("bot-a", s2, apps);
            JsonNode a = live("bot-a");
            Order first = c.controlPlane().book.all().stream().filter(o -> o.serial == s1).findFirst().orElseThrow();
            Order forged = new Order(Order.POLICY, s2 + 100, "*", null, "mallory", null, first.issuedAtMicros, "evil.yaml", 0,
                    PUSHED.replace("never", "ok").getBytes(StandardCharsets.UTF_8), null).sign(OrderKeys.generate().getPrivate());
            Order unsigned = new Order(Order.POLICY, s2 + 101, "*", null, "mallory", null, first.issuedAtMicros, "evil.yaml", 0,
                    PUSHED.replace("never", "ok").getBytes(StandardCharsets.UTF_8), null);
            inject(a.get("control_endpoint").asText(), a.get("instance").asText(), List.of(forged, unsigned, first));
            String instA = a.get("instance").asText();
            await(() -> refusal(instA, s2 + 100).startsWith("bad signature") && refusal(instA, s2 + 101).startsWith("unsigned")
                    && refusal(instA, s1).startsWith("replayed"), 20_000, () -> "bot-a's order statuses: " + live("bot-a").get("orders"));
            assertTrue(detail(instA, s1).startsWith("applied"), "a refused replay does not undo the rollout of #" + s1);
            assertEquals(s2, live("bot-a").get("policy").get("serial").asLong(), "bot-a still enforces the policy it was pushed");

            // kill --all: the next governed call of every instance is denied; resume restores
            Map<String, List<Long>> latencies = new LinkedHashMap<>();
            List<Long> onTheWire = new ArrayList<>();
            for (int t = 0; t < TRIALS; t++) {
                long t0 = nowMicros();
                post("/api/orders/kill", "{\"target\":\"*\",\"reason\":\"trial " + t + "\"}");
                onTheWire.add(nowMicros() - t0); // the API answers once the ingest thread has sent the order
                for (Map.Entry<String, Calls> e : calls.entrySet()) {
                    long denied = e.getValue().awaitFirst(false, t0, 20_000, apps.get(e.getKey()));
                    latencies.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(denied - t0);
                }
                long t1 = nowMicros();
                post("/api/orders/resume", "{\"target\":\"*\"}");
                for (Map.Entry<String, Calls> e : calls.entrySet()) {
                    e.getValue().awaitFirst(true, t1, 20_000, apps.get(e.getKey()));
                }
            }
            report(latencies, onTheWire);

            // a kill order survives an agent restart: bot-b is killed, killed -9, and its successor's first call is denied
            long killB = post("/api/orders/kill", "{\"target\":\"bot-b\",\"reason\":\"restart test\"}").get("serial").asLong();
            calls.get("bot-b").awaitFirst(false, nowMicros() - 1, 20_000, apps.get("bot-b"));
            String oldB = live("bot-b").get("instance").asText();
            apps.get("bot-b").kill();
            Forked b2 = Forked.loop(tmp, "bot-b-2", args.apply("bot-b"), exit, PAUSE_MILLIS);
            apps.put("bot-b-2", b2);
            Calls b2Calls = new Calls(b2);
            await(() -> b2Calls.count() > 0, 60_000, b2::describe);
            assertEquals("blocked", b2Calls.result(0), "the restarted bot-b's first governed call is denied by kill #" + killB);
            // the kill -9ed instance turns stale; the fleet lists what each instance did
            await(() -> "stale".equals(instance(oldB).path("state").asText()), 20_000, () -> instance(oldB).toString());
            // (the restarted instance reports its first sightings with its next heartbeat)
            await(() -> {
                for (JsonNode i : get("/api/fleet").get("instances")) {
                    boolean calledItself = false;
                    for (JsonNode cap : i.get("capabilities")) {
                        calledItself |= cap.path("kind").asText().equals("http") && cap.path("host").asText().equals("127.0.0.1")
                                && cap.path("method").asText().equals("GET") && cap.path("count").asLong() > 0;
                    }
                    if (!calledItself) {
                        return false;
                    }
                }
                return get("/api/fleet").get("instances").size() == 5;
            }, 20_000, () -> "every instance lists its HTTP calls: " + get("/api/fleet").get("instances"));
            post("/api/orders/resume", "{\"target\":\"bot-b\"}");
            try {
                b2Calls.awaitFirst(true, nowMicros() - 1, 20_000, b2);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nfleet: " + get("/api/fleet").toPrettyString(), e);
            }
            Files.createFile(exit);
            for (Forked f : apps.values()) {
                if (f != apps.get("bot-b")) {
                    assertEquals(0, f.awaitExit(30_000), f::describe);
                }
            }
        } finally {
            for (Forked f : apps.values()) {
                f.close();
            }
        }
        java.io.StringWriter out = new java.io.StringWriter();
        Exporter.export(cfg.store, Exporter.Format.JSONL, new ExportFilter(), out);
        String trail = out.toString();
        assertTrue(trail.contains("\"event\":\"order-issued\""), "orders are in the collector's trail");
        for (String why : List.of("bad signature", "unsigned", "replayed")) {
            assertTrue(trail.lines().anyMatch(l -> l.contains("\"event\":\"order-refused\"") && l.contains(why)), "the " + why + " refusal is in the trail");
        }
        assertTrue(trail.lines().anyMatch(l -> l.contains("\"decision\":\"deny\"") && l.contains("kill-")), "denials name the kill order");
        Verifier.Result v = new Verifier().verify(cfg.store, null);
        assertTrue(v.ok, v.problem);
    }

    // ---------------------------------------------------------------- helpers

    private void awaitEnforces(String agent, long serial, Map<String, Forked> apps) throws InterruptedException {
        await(() -> {
            JsonNode i = live(agent);
            return i.path("policy").path("serial").asLong() == serial && detail(i.path("instance").asText(), serial).startsWith("applied");
        }, 30_000, () -> agent + ": " + live(agent) + "\n" + describe(apps));
    }

    /** "status: detail" of an order on an instance, or "". */
    private String detail(String instance, long serial) {
        for (JsonNode o : instance(instance).path("orders")) {
            if (o.path("serial").asLong() == serial) {
                return o.path("status").asText() + ": " + o.path("detail").asText("");
            }
        }
        return "";
    }

    /** Why an instance refused an order (or a re-delivery of one it had applied), or "". */
    private String refusal(String instance, long serial) {
        for (JsonNode o : instance(instance).path("orders")) {
            if (o.path("serial").asLong() == serial) {
                return o.path("status").asText().equals("refused") ? o.path("detail").asText("") : o.path("later_refusal").asText("");
            }
        }
        return "";
    }

    private List<String> liveAgents() {
        List<String> l = new ArrayList<>();
        for (JsonNode i : get("/api/fleet").get("instances")) {
            if (i.path("state").asText().equals("live")) {
                l.add(i.path("agent").asText());
            }
        }
        return l;
    }

    /** The newest live instance of an agent (an empty object when none). */
    private JsonNode live(String agent) {
        JsonNode best = JSON.createObjectNode();
        for (JsonNode i : get("/api/fleet").get("instances")) {
            if (i.path("agent").asText().equals(agent) && i.path("state").asText().equals("live")
                    && i.path("first_seen").asText().compareTo(best.path("first_seen").asText("")) >= 0) {
                best = i;
            }
        }
        return best;
    }

    private JsonNode instance(String instance) {
        for (JsonNode i : get("/api/fleet").get("instances")) {
            if (i.path("instance").asText().equals(instance)) {
                return i;
            }
        }
        return JSON.createObjectNode();
    }

    /** ORDER frames straight onto an agent's control endpoint, as an attacker on the network would send them. */
    private void inject(String endpoint, String instance, List<Order> orders) throws InterruptedException {
        Path dir = tmp.resolve("attacker-aeron");
        try (MediaDriver driver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(dir.toString())
                .threadingMode(ThreadingMode.SHARED).sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
                .dirDeleteOnShutdown(true).printConfigurationOnStart(false));
             Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir.toString()));
             ExclusivePublication pub = aeron.addExclusivePublication("aeron:udp?endpoint=" + endpoint + "|term-length=65536",
                     Frames.CONTROL_STREAM)) {
            await(pub::isConnected, 10_000, () -> "attacker publication to " + endpoint + " connects");
            for (Order o : orders) {
                byte[] bytes = o.encode();
                Frames.Out f = new Frames.Out(256 + bytes.length);
                f.start(Frames.ORDER).str(instance).i32(bytes.length).bytes(bytes, 0, bytes.length);
                UnsafeBuffer buf = new UnsafeBuffer(Arrays.copyOf(f.buffer(), f.length()));
                long deadline = System.currentTimeMillis() + 10_000;
                while (pub.offer(buf, 0, f.length()) < 0) {
                    if (System.currentTimeMillis() > deadline) {
                        throw new AssertionError("could not send to " + endpoint);
                    }
                    Thread.sleep(1);
                }
            }
            // stay until the agent has the frames: closing at once may drop what is still in flight
            await(() -> !refusal(instance, orders.get(orders.size() - 1).serial).isEmpty(), 10_000, () -> "replay answered");
        }
    }

    private static void report(Map<String, List<Long>> latencies, List<Long> onTheWire) {
        List<Long> all = new ArrayList<>();
        latencies.values().forEach(all::addAll);
        all.sort(null);
        StringBuilder sb = new StringBuilder("kill switch latency, kill request to first denied call, " + TRIALS + " trials x "
                + latencies.size() + " instances:");
        sb.append(String.format(" p50 %.1f ms, p99 %.1f ms, max %.1f ms", pct(all, 0.5) / 1000.0, pct(all, 0.99) / 1000.0,
                all.get(all.size() - 1) / 1000.0));
        for (Map.Entry<String, List<Long>> e : latencies.entrySet()) {
            List<Long> l = new ArrayList<>(e.getValue());
            l.sort(null);
            sb.append(String.format("%n  %s: p50 %.1f ms, max %.1f ms", e.getKey(), pct(l, 0.5) / 1000.0, l.get(l.size() - 1) / 1000.0));
        }
        List<Long> w = new ArrayList<>(onTheWire);
        w.sort(null);
        sb.append(String.format("%n  kill request answered (signed, logged, recorded and sent): p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                pct(w, 0.5) / 1000.0, pct(w, 0.99) / 1000.0, w.get(w.size() - 1) / 1000.0));
        System.out.println(sb);
    }

    static long pct(List<Long> sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    private static String describe(Map<String, Forked> apps) {
        StringBuilder sb = new StringBuilder();
        apps.values().forEach(f -> sb.append(f.describe()));
        return sb.toString();
    }

    JsonNode get(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + admin)
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    JsonNode post(String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + admin)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    static void await(BooleanSupplier cond, long timeoutMillis, Supplier<String> what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out after " + timeoutMillis + " ms: " + what.get());
            }
            Thread.sleep(20);
        }
    }

    /**
     * The {@code call N AT_MICROS RESULT} lines of one {@link GovernedLoopApp}, read incrementally
     * from its output file (it prints hundreds a second).
     */
    static final class Calls {
        private final Forked app;
        private long offset;
        private final StringBuilder partial = new StringBuilder();
        private final List<long[]> seen = new ArrayList<>(); // {atMicros, ok ? 1 : 0}

        Calls(Forked app) {
            this.app = app;
        }

        private void read() {
            try (RandomAccessFile f = new RandomAccessFile(app.stdout.toFile(), "r")) {
                long len = f.length();
                if (len <= offset) {
                    return;
                }
                byte[] b = new byte[(int) Math.min(len - offset, 8 << 20)];
                f.seek(offset);
                f.readFully(b);
                offset += b.length;
                partial.append(new String(b, StandardCharsets.UTF_8));
                int nl;
                while ((nl = partial.indexOf("\n")) >= 0) {
                    String line = partial.substring(0, nl);
                    partial.delete(0, nl + 1);
                    if (line.startsWith("call ")) {
                        String[] p = line.split(" ");
                        seen.add(new long[] {Long.parseLong(p[2]), p[3].equals("200") ? 1 : 0});
                    }
                }
            } catch (IOException e) {
                // not created yet
            }
        }

        int count() {
            read();
            return seen.size();
        }

        String result(int i) {
            read();
            return seen.get(i)[1] == 1 ? "200" : "blocked";
        }

        /** The time of the first call after {@code afterMicros} that was allowed ({@code ok}) or denied. */
        long awaitFirst(boolean ok, long afterMicros, long timeoutMillis, Forked f) throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMillis;
            read();
            seen.removeIf(c -> c[0] < afterMicros); // keeps the list short: it grows by hundreds a second
            int from = 0;
            while (true) {
                read();
                for (int i = from; i < seen.size(); i++) {
                    long[] c = seen.get(i);
                    if (c[0] >= afterMicros && (c[1] == 1) == ok) {
                        return c[0];
                    }
                }
                from = seen.size();
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError(f.name + ": no " + (ok ? "allowed" : "denied") + " call within " + timeoutMillis + " ms\n" + f.describe());
                }
                Thread.sleep(1);
            }
        }
    }
}
