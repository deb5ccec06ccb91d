package dev.warden.bench.collector;

import dev.warden.rules.evidence.wire.ChainHasher;
import dev.warden.agent.ship.LocalQueue;
import dev.warden.agent.ship.Shipper;
import dev.warden.collector.AuditStore;
import dev.warden.collector.Collector;
import dev.warden.collector.CollectorKeys;
import dev.warden.collector.Verifier;
import dev.warden.rules.evidence.EvidenceCodec;
import dev.warden.rules.evidence.EvidenceRecord;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Evidence pipeline budgets (benchmarks/RESULTS.md, "Evidence pipeline and collector"):
 * <ul>
 * <li>{@code ingest AGENTS RECORDS}: AGENTS forked JVMs each write RECORDS records to their local
 *     queue and ship them to a collector running in this JVM; prints records/s into the store.</li>
 * <li>{@code latency AGENTS RATE SECONDS}: agents append at RATE records/s each while shipping;
 *     prints p50/p99 from append to durable in the collector.</li>
 * <li>{@code verify RECORDS}: builds a store and times {@code audit verify} over it.</li>
 * </ul>
 * Run with the collector's test classpath and Chronicle's --add-opens (see RESULTS.md).
 */
public final class CollectorBench {
    public static void main(String[] a) throws Exception {
        switch (a[0]) {
            case "verify" -> verify(Integer.parseInt(a[1]));
            case "ingest" -> ingest(Integer.parseInt(a[1]), Integer.parseInt(a[2]), 0, 0);
            case "latency" -> ingest(Integer.parseInt(a[1]), 0, Integer.parseInt(a[2]), Integer.parseInt(a[3]));
            case "agent" -> agent(Path.of(a[1]), a[2], Integer.parseInt(a[3]), Integer.parseInt(a[4]), Integer.parseInt(a[5]), Integer.parseInt(a[6]));
            default -> throw new IllegalArgumentException(a[0]);
        }
    }

    static EvidenceRecord record(String inst, long i) {
        EvidenceRecord r = new EvidenceRecord();
        r.instance = inst;
        r.seq = i;
        r.agent = "bench-agent";
        r.session = "s-" + (i % 13);
        r.timeMicros = System.currentTimeMillis() * 1000;
        r.kind = "http";
        r.target = "POST https://payments.internal.example/refunds/" + i;
        r.attributes.put("method", "POST");
        r.attributes.put("host", "payments.internal.example");
        r.decision = i % 5 == 0 ? "deny" : "allow";
        r.rules.add("egress-allowlist");
        r.mode = "enforce";
        r.policyName = "refund-agent-baseline";
        r.policyVersion = "sha256:0123456789abcdef";
        r.controls.add("EU-AI-Act:Art.14");
        return r;
    }

    static void verify(int n) throws Exception {
        Path store = Files.createTempDirectory("warden-verify-bench");
        CollectorKeys keys = CollectorKeys.loadOrCreate(store);
        ChainHasher h = new ChainHasher();
        byte[][] prev = new byte[8][];
        try (AuditStore s = AuditStore.openForWriting(store, keys, new AuditStore.Options())) {
            for (int i = 0; i < n; i++) {
                int inst = i % 8;
                EvidenceRecord r = record("inst-" + inst, i / 8 + 1);
                byte[] hash = h.hash(prev[inst], r);
                byte[] b = EvidenceCodec.encode(r);
                s.appendRecord(r.instance, i / 8 + 1, 0, hash, null, b, 0, b.length);
                s.checkpointIfDue(System.currentTimeMillis());
                prev[inst] = hash;
            }
        }
        for (int round = 0; round < 3; round++) {
            Verifier.Result v = new Verifier().verify(store, null);
            System.out.printf("verify: ok=%s %d records in %.3f s = %.0f records/s%n", v.ok, v.records, v.nanos / 1e9, v.records / (v.nanos / 1e9));
        }
        deleteTree(store);
    }

    static void ingest(int agents, int records, int rate, int seconds) throws Exception {
        Path root = Files.createTempDirectory("warden-ingest-bench");
        int port = 17000 + (int) (ProcessHandle.current().pid() % 1000);
        Collector.Config cfg = new Collector.Config();
        cfg.store = root.resolve("store");
        cfg.listenPort = port;
        cfg.httpPort = -1;
        List<Process> procs = new ArrayList<>();
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        List<String> jvmArgs = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
        long expected = (long) agents * (records > 0 ? records : (long) rate * seconds);
        try (Collector c = Collector.start(cfg)) {
            for (int i = 0; i < agents; i++) {
                List<String> cmd = new ArrayList<>();
                cmd.add(javaBin);
                cmd.addAll(jvmArgs.stream().filter(x -> x.startsWith("--add")).toList());
                String extra = System.getProperty("bench.agentOpts", "");
                if (!extra.isBlank()) {
                    cmd.addAll(List.of(extra.replace("%i", Integer.toString(i)).trim().split("\\s+")));
                }
                cmd.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), CollectorBench.class.getName(), "agent",
                        root.resolve("ev-" + i).toString(), Integer.toString(i), Integer.toString(records), Integer.toString(rate),
                        Integer.toString(seconds), Integer.toString(port)));
                procs.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(new File(root.toFile(), "agent-" + i + ".log")).start());
            }
            // every agent has written its backlog and started its JVM: start shipping all at once
            long readyBy = System.currentTimeMillis() + 300_000;
            for (int i = 0; i < agents; i++) {
                while (!Files.exists(root.resolve("ready-" + i)) && System.currentTimeMillis() < readyBy) {
                    Thread.sleep(10);
                }
            }
            Files.createFile(root.resolve("go"));
            long start = System.nanoTime();
            long deadline = System.currentTimeMillis() + 600_000;
            long lastPrint = System.currentTimeMillis();
            while (c.metrics().stored.sum() < expected && System.currentTimeMillis() < deadline) {
                if (Boolean.getBoolean("bench.progress") && System.currentTimeMillis() - lastPrint >= 1000) {
                    lastPrint = System.currentTimeMillis();
                    System.out.printf("  %tT stored %d received %d duplicates %d batches %d dropped %d%n", lastPrint, c.metrics().stored.sum(),
                            c.metrics().received.sum(), c.metrics().duplicates.sum(), c.metrics().batches.sum(), c.metrics().dropped());
                }
                Thread.sleep(5);
            }
            long t = System.nanoTime() - start;
            System.out.printf("%s: %d agents, stored %d of %d in %.2f s = %.0f records/s; append->durable p50 %d ms p99 %d ms; dropped %d%n",
                    records > 0 ? "ingest" : "latency", agents, c.metrics().stored.sum(), expected, t / 1e9, c.metrics().stored.sum() / (t / 1e9),
                    c.metrics().latencyPercentileMillis(0.5), c.metrics().latencyPercentileMillis(0.99), c.metrics().dropped());
        } finally {
            for (Process p : procs) {
                p.destroy(); // a clean exit lets -XX:StartFlightRecording in bench.agentOpts write its file
            }
            for (Process p : procs) {
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
        Verifier.Result v = new Verifier().verify(cfg.store, null);
        System.out.printf("verify after ingest: ok=%s records=%d (%.0f records/s)%n", v.ok, v.records, v.records / (v.nanos / 1e9));
        deleteTree(root);
    }

    /** Removes a benchmark's temporary directory (stores and queues of millions of records). */
    static void deleteTree(Path root) throws java.io.IOException {
        if (Boolean.getBoolean("bench.keep")) {
            System.out.println("kept " + root);
            return;
        }
        try (var s = Files.walk(root)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** A forked agent: writes its local queue (all at once, or at a rate) and ships it. */
    static void agent(Path ev, String number, int records, int rate, int seconds, int port) throws Exception {
        LocalQueue.quietChronicle();
        String inst = "inst-" + number;
        Path dir = ev.resolve("bench-agent").resolve(inst);
        try (SingleChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).build(); ExcerptAppender ap = q.createAppender()) {
            EvidenceCodec.Writer w = new EvidenceCodec.Writer(1024);
            if (records > 0) {
                for (int i = 1; i <= records; i++) {
                    write(ap, w, record(inst, i));
                }
            }
            Files.createFile(ev.resolveSibling("ready-" + number));
            while (!Files.exists(ev.resolveSibling("go"))) {
                Thread.sleep(5);
            }
            Shipper s = Shipper.start(new Shipper.Settings(ev, "bench-agent", inst, "127.0.0.1:" + port));
            if (rate > 0) {
                long n = (long) rate * seconds;
                long t0 = System.nanoTime();
                for (long i = 1; i <= n; i++) {
                    long due = t0 + i * 1_000_000_000L / rate;
                    while (System.nanoTime() < due) {
                        java.util.concurrent.locks.LockSupport.parkNanos(50_000);
                    }
                    write(ap, w, record(inst, i));
                }
            }
            Thread.sleep(3_600_000);
            s.close();
        }
    }

    static void write(ExcerptAppender ap, EvidenceCodec.Writer w, EvidenceRecord r) {
        w.reset();
        EvidenceCodec.encode(r, w);
        try (DocumentContext dc = ap.writingDocument()) {
            dc.wire().bytes().write(w.buffer(), 0, w.length());
        }
    }
}
