package dev.warden.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.agent.ship.Shipper;
import dev.warden.collector.export.ExportFilter;
import dev.warden.collector.export.Exporter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipper and the collector in one JVM, over real Aeron UDP on loopback. */
class PipelineTest {
    @TempDir
    Path tmp;

    @Test
    void everyRecordArrivesOnceInOrderAndTheStoreVerifies() throws Exception {
        Path evidence = tmp.resolve("evidence");
        Path store = tmp.resolve("store");
        int port = Ports.freeUdp();
        Collector.Config cfg = new Collector.Config();
        cfg.store = store;
        cfg.listenPort = port;
        cfg.httpPort = -1;
        try (Collector c = Collector.start(cfg);
             LocalEvidence local = new LocalEvidence(evidence, "refund-bot", "inst-1")) {
            for (int i = 0; i < 1000; i++) {
                local.decision(i % 3 == 0 ? "deny" : "allow", "POST https://payments.internal.example/refunds/" + i);
            }
            Shipper s = Shipper.start(new Shipper.Settings(evidence, "refund-bot", "inst-1", "127.0.0.1:" + port));
            try {
                Await.until(() -> c.metrics().stored.sum() >= 1666, 20_000, () -> "stored " + c.metrics().stored.sum() + " ship " + s.counters() + " err " + s.lastError() + " collector " + trace(c.failure()));
                for (int i = 0; i < 500; i++) {
                    local.decision("allow", "POST https://payments.internal.example/late/" + i);
                }
                Await.until(() -> c.metrics().stored.sum() >= 2666, 20_000, () -> "stored " + c.metrics().stored.sum());
            } finally {
                s.close();
            }
            assertEquals(0, c.metrics().dropped(), "nothing dropped");
        }
        Verifier.Result v = new Verifier().verify(store, null);
        assertTrue(v.ok, v.problem);
        StringWriter out = new StringWriter();
        Exporter.export(store, Exporter.Format.JSONL, filterAgent("refund-bot"), out);
        List<String> lines = out.toString().lines().toList();
        assertEquals(1500, lines.size());
        for (int i = 0; i < lines.size(); i++) {
            assertTrue(lines.get(i).contains("\"id\":\"inst-1-" + (i + 1) + "\""), lines.get(i));
        }
        assertTrue(lines.get(1).contains("\"outcome\":{\"status\":\"ok\""), lines.get(1));
        assertTrue(Files.exists(store.resolve(CollectorKeys.SIGNING_PUBLIC)));
    }

    static String trace(Throwable t) {
        if (t == null) {
            return "ok";
        }
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }

    static ExportFilter filterAgent(String agent) {
        ExportFilter f = new ExportFilter();
        f.agent = agent;
        return f;
    }
}
