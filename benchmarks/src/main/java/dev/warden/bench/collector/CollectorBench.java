package dev.warden.bench.collector;

import dev.warden.agent.ship.LocalQueue;
import dev.warden.agent.ship.Shipper;
import dev.warden.collector.AuditStore;
import dev.warden.collector.Collector;
import dev.warden.collector.CollectorKeys;
import dev.warden.collector.Metrics;
import dev.warden.collector.Verifier;
import dev.warden.rules.evidence.EvidenceCodec;
import dev.warden.rules.evidence.EvidenceRecord;
import dev.warden.rules.evidence.wire.ChainHasher;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Evidence pipeline budgets (benchmarks/RESULTS.md, "Evidence pipeline and collector"). Agents
 * are separate JVMs running the real {@link Shipper} over a local queue in the agent's format; the
 * collector runs in this JVM.
 * <ul>
 * <li>{@code ingest AGENTS RECORDS}: each agent writes RECORDS records to its local queue, then
 *     all start shipping at once. Prints the rate into the store from the start signal (JVM
 *     warm-up included) and in steady state (after the first 20% arrived), checks that every
 *     record arrived exactly once and verifies the store.</li>
 * <li>{@code latency AGENTS RATE SECONDS}: every agent appends RATE records/s (in 1 ms steps)
 *     while shipping; prints append-to-durable percentiles over all but the first
 *     {@code -Dbench.warmupSeconds} (default 10) seconds.</li>
 * <li>{@code verify RECORDS [THREADS]}: builds a store of RECORDS records from 8 instances and
 *     times {@code audit verify} over it (3 rounds).</li>
 * </ul>
 * Run with the benchmark module's classpath and Chronicle's {@code --add-opens} (see RESULTS.md).
 * Also prints the machine's load average, because other work on a 2-core machine shows in every
 * number here. {@code -Dbench.progress=true} prints the store's count every second;
 * {@code -Dbench.agentOpts=...} adds JVM options to the agents ({@code %i}: the agent's number).
 */
public final class CollectorBench {
    private CollectorBench() {
    }

    public static void main(String[] a) throws Exception {
        switch (a.length == 0 ? "" : a[0]) {
            case "verify" -> verify(Integer.parseInt(a[1]), a.length > 2 ? Integer.parseInt(a[2]) : Runtime.getRuntime().availableProcessors());
            case "ingest" -> ingest(Integer.parseInt(a[1]), Integer.parseInt(a[2]), 0, 0);
            case "latency" -> ingest(Integer.parseInt(a[1]), 0, Integer.parseInt(a[2]), Integer.parseInt(a[3]));
            case "agent" -> agent(Path.of(a[1]), a[2], Integer.parseInt(a[3]), Integer.parseInt(a[4]), Integer.parseInt(a[5]), Integer.parseInt(a[6]));
            default -> {
                System.err.println("usage: CollectorBench ingest AGENTS RECORDS | latency AGENTS RATE SECONDS | verify RECORDS [THREADS]");
                System.exit(2);
            }
        }
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    static EvidenceRecord record(EvidenceRecord r, String inst, long i) {
        r.clear();
        r.instance = inst;
        r.seq = i;
        r.agent = "bench-agent";
        r.session = "s-" + (i % 13);
        r.sessionSource = "thread";
        r.timeMicros = nowMicros();
        r.kind = "http";
        r.target = "POST https://payments.internal.example/refunds/" + i;
        r.attributes.put("method", "POST");
        r.attributes.put("host", "payments.internal.example");
        r.attributes.put("port", "443");
        r.decision = i % 5 == 0 ? "deny" : "allow";
        r.rules.add("egress-allowlist");
        r.reason = i % 5 == 0 ? "host not in the allowlist" : null;
        r.mode = "enforce";
        r.policyName = "refund-agent-baseline";
        r.policyVersion = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        r.controls.add("EU-AI-Act:Art.14");
        return r;
    }

    static String load() {
        try {
            String[] l = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return "load average " + l[0] + " " + l[1] + " " + l[2];
        } catch (IOException | RuntimeException e) {
            return "load average unknown";
        }
    }

    static void verify(int n, int threads) throws Exception {
        Path store = Files.createTempDirectory("warden-verify-bench");
        try {
            CollectorKeys keys = CollectorKeys.loadOrCreate(store);
            ChainHasher h = new ChainHasher();
            byte[][] prev = new byte[8][];
            EvidenceRecord r = new EvidenceRecord();
            EvidenceCodec.Writer w = new EvidenceCodec.Writer(1024);
            try (AuditStore s = AuditStore.openForWriting(store, keys, new AuditStore.Options())) {
                for (int i = 0; i < n; i++) {
                    int inst = i % 8;
                    record(r, "inst-" + inst, i / 8 + 1);
                    w.reset();
                    EvidenceCodec.encode(r, w);
                    byte[] hash = new byte[32];
                    h.hash(prev[inst], w.buffer(), 0, w.length(), hash, 0);
                    s.appendRecord(r.instance, i / 8 + 1, 0, hash, null, w.buffer(), 0, w.length());
                    s.checkpointIfDue(System.currentTimeMillis());
                    prev[inst] = hash;
                }
            }
            System.out.printf("verify: store of %d records, %d MiB; %d thread(s); %s%n", n, size(store) >> 20, threads, load());
            for (int round = 0; round < 3; round++) {
                Verifier.Result v = new Verifier(threads).verify(store, null);
                System.out.printf("verify: ok=%s %d records in %.3f s = %.0f records/s%n", v.ok, v.records, v.nanos / 1e9,
                        v.records / (v.nanos / 1e9));
            }
        } finally {
            deleteTree(store);
        }
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
        List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
        boolean backlog = records > 0;
        long perAgent = backlog ? records : (long) rate * seconds;
        long expected = agents * perAgent;
        boolean progress = Boolean.getBoolean("bench.progress");
        try {
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
                // every agent JVM is up and (for a backlog) has written it: start all at once
                long readyBy = System.currentTimeMillis() + 600_000;
                for (int i = 0; i < agents; i++) {
                    while (!Files.exists(root.resolve("ready-" + i)) && System.currentTimeMillis() < readyBy) {
                        Thread.sleep(10);
                    }
                }
                String loadBefore = load();
                Files.createFile(root.resolve("go"));
                long start = System.nanoTime();
                long deadline = System.currentTimeMillis() + 900_000;
                long lastPrint = System.currentTimeMillis();
                long steadyFrom = backlog ? expected / 5 : -1;
                long steadyStartNanos = 0;
                long steadyStartCount = 0;
                long[] latencyAtWarm = null;
                long[] lastWindow = c.metrics().latencySnapshot();
                long lastStored = 0;
                long warmupSeconds = Long.getLong("bench.warmupSeconds", 10);
                String loadDuring = null;
                while (c.metrics().stored.sum() < expected && System.currentTimeMillis() < deadline) {
                    long stored = c.metrics().stored.sum();
                    long now = System.nanoTime();
                    if (backlog && steadyStartNanos == 0 && stored >= steadyFrom) {
                        steadyStartNanos = now;
                        steadyStartCount = stored;
                    }
                    if (!backlog && latencyAtWarm == null && now - start >= warmupSeconds * 1_000_000_000L) {
                        latencyAtWarm = c.metrics().latencySnapshot();
                    }
                    if (loadDuring == null && now - start >= 10_000_000_000L) {
                        loadDuring = load();
                    }
                    if (progress && System.currentTimeMillis() - lastPrint >= 1000) {
                        lastPrint = System.currentTimeMillis();
                        long[] h = c.metrics().latencySnapshot();
                        long[] window = h.clone();
                        for (int i = 0; i < window.length; i++) {
                            window[i] -= lastWindow[i];
                        }
                        lastWindow = h;
                        System.out.printf("  %tT stored %d (+%d) duplicates %d dropped %d; %s%s%n", lastPrint, stored, stored - lastStored,
                                c.metrics().duplicates.sum(), c.metrics().dropped(), load(), backlog ? "" : String.format(
                                        "; this second: p50 %.1f ms p99 %.1f ms", Metrics.percentileMicros(window, 0.5) / 1000.0,
                                        Metrics.percentileMicros(window, 0.99) / 1000.0));
                        lastStored = stored;
                    }
                    Thread.sleep(2);
                }
                long end = System.nanoTime();
                long stored = c.metrics().stored.sum();
                System.out.printf("%s: %d agent JVMs, %d records each; %s at the start, %s after 10 s%n", backlog ? "ingest" : "latency", agents,
                        perAgent, loadBefore, loadDuring == null ? load() : loadDuring);
                if (backlog) {
                    System.out.printf("ingest: stored %d of %d in %.2f s from the start signal = %.0f records/s (8 fresh JVMs warming up included)%n",
                            stored, expected, (end - start) / 1e9, stored / ((end - start) / 1e9));
                    System.out.printf("ingest: steady state (after the first 20%%): %d records in %.2f s = %.0f records/s%n",
                            stored - steadyStartCount, (end - steadyStartNanos) / 1e9, (stored - steadyStartCount) / ((end - steadyStartNanos) / 1e9));
                } else {
                    long[] all = c.metrics().latencySnapshot();
                    long[] hist = all.clone();
                    if (latencyAtWarm != null) {
                        for (int i = 0; i < hist.length; i++) {
                            hist[i] -= latencyAtWarm[i];
                        }
                    }
                    long n = 0;
                    for (long x : hist) {
                        n += x;
                    }
                    System.out.printf("latency: %d agents x %d records/s for %d s; append -> durable in the collector over %d records after %d s of"
                            + " warm-up: p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms (0.1 ms buckets)%n", agents, rate, seconds, n, warmupSeconds,
                            Metrics.percentileMicros(hist, 0.5) / 1000.0, Metrics.percentileMicros(hist, 0.99) / 1000.0,
                            Metrics.percentileMicros(hist, 0.999) / 1000.0, Metrics.percentileMicros(hist, 1.0) / 1000.0);
                }
                System.out.printf("collector: received %d, stored %d, duplicates dropped %d, frames dropped %d%n", c.metrics().received.sum(), stored,
                        c.metrics().duplicates.sum(), c.metrics().dropped());
            } finally {
                for (Process p : procs) {
                    p.destroy(); // a clean exit lets -XX:StartFlightRecording in bench.agentOpts write its file
                }
                for (Process p : procs) {
                    if (!p.waitFor(10, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                }
            }
            Verifier.Result v = new Verifier().verify(cfg.store, null);
            long agentRecords = countAgentRecords(cfg.store);
            System.out.printf("store: verify ok=%s, %d agent records (expected %d, each exactly once: %s), verify at %.0f records/s%n", v.ok,
                    agentRecords, expected, agentRecords == expected, v.records / (v.nanos / 1e9));
        } finally {
            deleteTree(root);
        }
    }

    /** Counts the agents' records in the store by position per instance: exactly once means positions 1..N without repeats. */
    static long countAgentRecords(Path store) throws IOException {
        java.util.Map<String, Long> last = new java.util.HashMap<>();
        long[] count = {0};
        boolean[] ordered = {true};
        try (SingleChronicleQueue q = AuditStore.open(store); var scan = new dev.warden.collector.StoreScan(q)) {
            scan.forEachRaw(e -> {
                String instance = dev.warden.collector.RecordPeek.instance(e.bytes, e.payloadOff, e.payloadLen);
                if (instance != null && instance.startsWith("inst-")) {
                    long prev = last.getOrDefault(instance, 0L);
                    if (e.position != prev + 1) {
                        ordered[0] = false;
                    }
                    last.put(instance, e.position);
                    count[0]++;
                }
            });
        }
        return ordered[0] ? count[0] : -count[0];
    }

    /** A forked agent: writes its local queue (all at once, or at a rate while shipping) and ships it. */
    static void agent(Path ev, String number, int records, int rate, int seconds, int port) throws Exception {
        LocalQueue.quietChronicle();
        String inst = "inst-" + number;
        Path dir = ev.resolve("bench-agent").resolve(inst);
        EvidenceRecord r = new EvidenceRecord();
        try (SingleChronicleQueue q = SingleChronicleQueueBuilder.binary(dir).rollCycle(RollCycles.FAST_DAILY).build();
             ExcerptAppender ap = q.createAppender()) {
            EvidenceCodec.Writer w = new EvidenceCodec.Writer(1024);
            for (int i = 1; i <= records; i++) {
                write(ap, w, record(r, inst, i));
            }
            Files.createFile(ev.resolveSibling("ready-" + number));
            while (!Files.exists(ev.resolveSibling("go"))) {
                Thread.sleep(2);
            }
            Shipper s = Shipper.start(new Shipper.Settings(ev, "bench-agent", inst, "127.0.0.1:" + port));
            if (rate > 0) {
                // RATE records a second, written in 1 ms steps as an application would
                long n = (long) rate * seconds;
                long t0 = System.nanoTime();
                long written = 0;
                while (written < n) {
                    long due = Math.min(n, (System.nanoTime() - t0) * rate / 1_000_000_000L + 1);
                    while (written < due) {
                        write(ap, w, record(r, inst, ++written));
                    }
                    LockSupport.parkNanos(1_000_000L - (System.nanoTime() - t0) % 1_000_000L);
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

    static long size(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /** Removes a benchmark's temporary directory (stores and queues of millions of records) unless -Dbench.keep=true. */
    static void deleteTree(Path root) throws IOException {
        if (Boolean.getBoolean("bench.keep")) {
            System.out.println("kept " + root);
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
