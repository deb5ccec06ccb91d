package dev.warden.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.agent.ship.ApprovalResult;
import dev.warden.agent.ship.Shipper;
import dev.warden.collector.export.ExportFilter;
import dev.warden.collector.export.Exporter;
import dev.warden.rules.evidence.wire.Frames;
import dev.warden.rules.evidence.wire.LinkKeys;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile frames on the collector's port, and a human approval through the HTTP API. */
class HostileAndApprovalTest {
    @TempDir
    Path tmp;

    @Test
    void hostileFramesAreDroppedCountedAndRecordedWhileTheCollectorKeepsServing() throws Exception {
        Path evidence = tmp.resolve("ev");
        int port = Ports.freeUdp();
        Collector.Config cfg = new Collector.Config();
        cfg.store = tmp.resolve("store");
        cfg.listenPort = port;
        cfg.httpPort = -1;
        cfg.storeOptions.checkpointEveryMillis = 200;
        try (Collector c = Collector.start(cfg);
             LocalEvidence local = new LocalEvidence(evidence, "bot", "inst-h");
             MediaDriver attackerDriver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(tmp.resolve("aeron").toString())
                     .threadingMode(ThreadingMode.SHARED).sharedIdleStrategy(new SleepingMillisIdleStrategy(1))
                     .dirDeleteOnShutdown(true).printConfigurationOnStart(false));
             Aeron attacker = Aeron.connect(new Aeron.Context().aeronDirectoryName(tmp.resolve("aeron").toString()))) {
            ExclusivePublication pub = attacker.addExclusivePublication(
                    "aeron:udp?endpoint=127.0.0.1:" + port + "|mtu=8192|term-length=1m", Frames.DATA_STREAM);
            Await.until(pub::isConnected, 10_000, () -> "attacker publication connects");
            Random rnd = new Random(42);
            for (int i = 0; i < 200; i++) {
                byte[] junk = new byte[1 + rnd.nextInt(2000)];
                rnd.nextBytes(junk);
                offer(pub, junk);
            }
            Frames.Out f = new Frames.Out(256);
            f.start(Frames.HELLO).str("inst-x");
            offer(pub, java.util.Arrays.copyOf(f.buffer(), f.length())); // truncated HELLO
            f.start(Frames.BATCH).str("inst-h").i64(1).i64(1).i64(1).i32(Integer.MAX_VALUE).u8(0).fixed(null, 32).i32(1 << 30);
            offer(pub, java.util.Arrays.copyOf(f.buffer(), f.length())); // oversized count and length
            Await.until(() -> c.metrics().droppedFor("malformed") >= 202, 10_000, () -> "dropped " + c.metrics().render());

            // the real agent ships meanwhile
            for (int i = 0; i < 300; i++) {
                local.decision("allow", "GET https://api.example/" + i);
            }
            Shipper s = Shipper.start(new Shipper.Settings(evidence, "bot", "inst-h", "127.0.0.1:" + port));
            try {
                Await.until(() -> c.metrics().stored.sum() >= 600, 20_000, () -> "stored " + c.metrics().stored.sum());
                // a replayed, authentic batch: built with the real link key (read from both key files) and an old counter
                var agentKeys = LinkKeys.loadOrCreate(evidence.resolve("bot/inst-h/ship.key"));
                byte[] collectorPub = Files.readAllBytes(cfg.store.resolve("ingest.key.pub"));
                byte[] agentPub = LinkKeys.raw(agentKeys.getPublic());
                LinkKeys.Macer mac = new LinkKeys.Macer(LinkKeys.linkKey(agentKeys.getPrivate(), collectorPub, "inst-h", agentPub, collectorPub));
                long helloTime = helloTimeOf(cfg.store, "inst-h");
                f.start(Frames.BATCH).str("inst-h").i64(helloTime).i64(1).i64(1).i32(1).u8(0).fixed(null, 32);
                int headerEnd = f.length();
                dev.warden.rules.evidence.EvidenceRecord r = new dev.warden.rules.evidence.EvidenceRecord();
                r.instance = "inst-h";
                r.seq = 1;
                r.agent = "bot";
                r.decision = "allow";
                byte[] rb = dev.warden.rules.evidence.EvidenceCodec.encode(r);
                f.i32(rb.length);
                int hashAt = f.length();
                f.fixed(new dev.warden.rules.evidence.wire.ChainHasher().hash(null, r), 32).bytes(rb, 0, rb.length);
                mac.update(f.buffer(), 0, headerEnd).update(f.buffer(), hashAt, 32);
                int macAt = f.length();
                f.fixed(null, 32);
                mac.finishTo(f.buffer(), macAt);
                offer(pub, java.util.Arrays.copyOf(f.buffer(), f.length()));
                Await.until(() -> c.metrics().droppedFor("replayed") >= 1, 10_000, () -> c.metrics().render());
                for (int i = 0; i < 100; i++) {
                    local.decision("deny", "GET https://api.example/after/" + i);
                }
                Await.until(() -> c.metrics().stored.sum() >= 700, 20_000, () -> "stored after the attack " + c.metrics().stored.sum());
            } finally {
                s.close();
            }
            assertEquals(700, c.metrics().stored.sum(), "nothing forged was stored");
        }
        assertTrue(new Verifier().verify(cfg.store, null).ok);
        java.io.StringWriter out = new java.io.StringWriter();
        Exporter.export(cfg.store, Exporter.Format.JSONL, new ExportFilter(), out);
        assertTrue(out.toString().contains("\"event\":\"integrity-malformed\""), "integrity events are in the store");
        assertTrue(out.toString().contains("\"event\":\"integrity-replayed\""));
    }

    static long helloTimeOf(Path store, String instance) throws Exception {
        long t = 0;
        for (String line : Files.readAllLines(store.resolve(Bindings.FILE))) {
            String[] p = line.split("\t");
            if (p[0].equals(instance)) {
                t = Long.parseLong(p[2]);
            }
        }
        return t;
    }

    static void offer(ExclusivePublication pub, byte[] b) throws InterruptedException {
        UnsafeBuffer buf = new UnsafeBuffer(b);
        long deadline = System.currentTimeMillis() + 5_000;
        while (pub.offer(buf, 0, b.length) < 0) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("could not send");
            }
            Thread.sleep(1);
        }
    }

    @Test
    void anApproverReleasesTheWaitingThreadButNobodyApprovesTheirOwnRequest() throws Exception {
        Path evidence = tmp.resolve("ev2");
        int port = Ports.freeUdp();
        Collector.Config cfg = new Collector.Config();
        cfg.store = tmp.resolve("store2");
        cfg.listenPort = port;
        cfg.httpPort = 0;
        cfg.approvers = List.of("alice", "bob");
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        try (Collector c = Collector.start(cfg)) {
            String base = "http://127.0.0.1:" + c.httpPort();
            Shipper s = Shipper.start(new Shipper.Settings(evidence, "bot", "inst-a", "127.0.0.1:" + port));
            try {
                CompletableFuture<ApprovalResult> f = s.approvals().request("inst-a-7", "hmac-sha256:abcd",
                        "issueRefund amount=900", "sess-1", "bob", 60_000);
                Await.until(() -> c.approvals().size() == 1, 20_000, () -> "pending " + c.approvals().size() + " " + s.counters());
                assertEquals(401, send(http, base + "/api/approvals", "GET", null).statusCode(), "no token, no access");
                HttpResponse<String> list = send(http, base + "/api/approvals", "GET", c.tokens().tokenOf("admin"));
                JsonNode a = json.readTree(list.body()).get("approvals").get(0);
                assertEquals("inst-a-7", a.get("id").asText());
                assertEquals("issueRefund amount=900", a.get("summary").asText());
                assertEquals(403, send(http, base + "/api/approvals/inst-a-7/approve", "POST", c.tokens().tokenOf("admin")).statusCode(),
                        "the admin token never approves");
                assertEquals(403, send(http, base + "/api/approvals/inst-a-7/approve?as=bob", "POST", c.tokens().tokenOf("alice")).statusCode(),
                        "alice's token cannot act as bob");
                assertEquals(403, send(http, base + "/api/approvals/inst-a-7/approve", "POST", c.tokens().tokenOf("bob")).statusCode(),
                        "bob asked (principal): bob cannot approve his own request");
                assertEquals(200, send(http, base + "/api/approvals/inst-a-7/approve?as=alice", "POST", c.tokens().tokenOf("alice")).statusCode());
                ApprovalResult r = f.get(20, TimeUnit.SECONDS);
                assertEquals(ApprovalResult.Status.APPROVED, r.status());
                assertEquals("alice", r.approver());
                HttpResponse<String> metrics = send(http, base + "/metrics", "GET", c.tokens().tokenOf("alice"));
                assertTrue(metrics.body().contains("warden_collector_records_stored_total"), metrics.body());
            } finally {
                s.close();
            }
        }
        java.io.StringWriter out = new java.io.StringWriter();
        Exporter.export(cfg.store, Exporter.Format.JSONL, new ExportFilter(), out);
        assertTrue(out.toString().contains("\"event\":\"approval-decided\""), out.toString());
        assertTrue(out.toString().contains("\"approver\":\"alice\",\"decision\":\"approved\""), out.toString());
        assertFalse(out.toString().contains("amount=900"), "the approver's summary stays out of the trail: " + out);
        assertTrue(out.toString().contains("\"args_digest\":\"hmac-sha256:abcd\""), "the trail names the action by its digest: " + out);
    }

    static HttpResponse<String> send(HttpClient http, String url, String method, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b = method.equals("POST") ? b.POST(HttpRequest.BodyPublishers.noBody()) : b.GET();
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
