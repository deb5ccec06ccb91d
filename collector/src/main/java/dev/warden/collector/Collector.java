package dev.warden.collector;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.IdleStrategy;

/**
 * The collector ({@code warden collector}): one thread, {@code warden-collector-ingest}, runs
 * the embedded Aeron media driver and client ({@link IngestDriver}) and the {@link Ingest} loop
 * that receives from many agent JVMs and writes the {@link AuditStore}, and applies retention;
 * the {@link HttpApi} serves queries, approvals and the control plane (fleet, signed orders) on
 * its own threads.
 *
 * <p>{@link #start} and {@link #close} may be called from any thread; the store is written only
 * by the ingest thread.
 */
public final class Collector implements AutoCloseable {
    /** Settings, with their defaults. */
    public static final class Config {
        public String listenHost = "127.0.0.1";
        public int listenPort = 7600;
        public Path store = Path.of("warden-store");
        public String httpHost = "127.0.0.1";
        /** 0 picks a free port; -1 turns the HTTP API off. */
        public int httpPort = 8181;
        public String adminToken;
        public List<String> approvers = new ArrayList<>();
        public long retentionDays = 400;
        /** 0: no size cap. */
        public long maxStoreBytes = 50L << 30;
        public AuditStore.Options storeOptions = new AuditStore.Options();
        public String aeronDir;
        public PrintStream log = System.err;
    }

    private final Config config;
    private final Metrics metrics = new Metrics();
    private final ApprovalRegistry approvals = new ApprovalRegistry();
    private static final long QUIET_AFTER_MILLIS = 1_000;
    private static final long QUIET_PARK_NANOS = 20_000_000L;
    private volatile boolean quietParked;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private IngestDriver aeron;
    private AuditStore store;
    private Bindings bindings;
    private Ingest ingest;
    private HttpApi http;
    private Tokens tokens;
    private Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private String signingKeyId;
    private dev.warden.collector.control.ControlPlane controlPlane;

    private Collector(Config config) {
        this.config = config;
    }

    /** Opens the store, binds the ports and starts ingesting; throws when it cannot. */
    public static Collector start(Config config) throws IOException {
        Collector c = new Collector(config);
        try {
            c.open();
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void open() throws IOException {
        Files.createDirectories(config.store);
        CollectorKeys keys = CollectorKeys.loadOrCreate(config.store);
        tokens = Tokens.loadOrCreate(config.store, config.adminToken, config.approvers);
        bindings = new Bindings(config.store);
        controlPlane = new dev.warden.collector.control.ControlPlane(config.store);
        aeron = IngestDriver.start(config.store.resolve(".aeron").resolve("collector-" + ProcessHandle.current().pid()), config.aeronDir,
                t -> metrics.dropped("aeron-error"));
        signingKeyId = keys.keyId;
        String channel = "aeron:udp?endpoint=" + hostPort(config.listenHost, config.listenPort);
        CountDownLatch ready = new CountDownLatch(1);
        Throwable[] openFailure = new Throwable[1];
        // the store is opened, written and closed by the ingest thread alone (Chronicle's appender is single-threaded)
        thread = new Thread(() -> {
            try {
                store = AuditStore.openForWriting(config.store, keys, config.storeOptions);
                ingest = new Ingest(store, keys, bindings, metrics, approvals, controlPlane, aeron.aeron(), channel);
                ingest.log = config.log;
            } catch (Throwable t) {
                openFailure[0] = t;
                stopped.countDown();
                return;
            } finally {
                ready.countDown();
            }
            run();
        }, "warden-collector-ingest");
        thread.setDaemon(true);
        thread.start();
        try {
            ready.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening the store");
        }
        if (openFailure[0] instanceof IOException io) {
            throw io;
        } else if (openFailure[0] instanceof RuntimeException re) {
            throw re;
        } else if (openFailure[0] != null) {
            throw new IOException(openFailure[0]);
        }
        metrics.gauge("warden_collector_store_records", store::records);
        metrics.gauge("warden_collector_approvals_pending", approvals::size);
        metrics.gauge("warden_collector_instances_bound", () -> bindings.size());
        metrics.gauge("warden_collector_fleet_live", () -> controlPlane.fleet.count("live", System.currentTimeMillis()));
        metrics.gauge("warden_collector_fleet_stale", () -> controlPlane.fleet.count("stale", System.currentTimeMillis()));
        if (config.httpPort >= 0) {
            http = HttpApi.start(config.httpHost, config.httpPort, config.store, tokens, approvals, metrics, controlPlane);
        }
    }

    /**
     * Ends the ingest thread's quiet park early: an approval was decided or an order issued
     * through the HTTP API. Any thread; does nothing unless the thread parks quietly.
     */
    private void wake() {
        if (quietParked) { // set only by the ingest thread, so `thread` is set and started
            quietParked = false;
            LockSupport.unpark(thread);
        }
    }

    private void run() {
        IdleStrategy idle = IngestDriver.parking(1_000);
        approvals.onDecided(this::wake);
        controlPlane.onSubmit(this::wake);
        long lastRetention = 0;
        long lastWork = System.currentTimeMillis();
        try {
            ingest.recordEvent("collector-started", Map.of("listen", hostPort(config.listenHost, config.listenPort),
                    "signing_key", signingKeyId), null);
            while (running) {
                long now = System.currentTimeMillis();
                int aeronWork = aeron.doWork(); // the media driver and the Aeron client run on this thread
                int work = ingest.doWork(now); // the driver's timers always find a little to do: only this tells whether anything happens
                if (now - lastRetention > 60_000) {
                    lastRetention = now;
                    enforceRetention(now);
                }
                if (work > 0) {
                    lastWork = now;
                    idle.idle(work + aeronWork);
                } else if (now - lastWork > QUIET_AFTER_MILLIS) {
                    // nothing arrived for a second: 50 wake-ups a second instead of 1,000 (an agent's
                    // frames wait at most QUIET_PARK_NANOS in the socket; Aeron's timers are far longer)
                    quietParked = true;
                    LockSupport.parkNanos(this, QUIET_PARK_NANOS);
                    quietParked = false;
                } else {
                    idle.idle(aeronWork);
                }
            }
            ingest.flush();
        } catch (Throwable t) {
            failure = t;
            config.log.println("warden collector: stopped: " + t);
            if (!Boolean.getBoolean("warden.quiet")) {
                t.printStackTrace(config.log);
            }
        } finally {
            try {
                ingest.close();
                store.close(); // the final checkpoint is written by the thread that owns the store
            } catch (RuntimeException e) {
                config.log.println("warden collector: closing the store failed: " + e);
            }
            stopped.countDown();
        }
    }

    /** Deletes whole store files older than the retention period, or the oldest while over the size cap. */
    void enforceRetention(long nowMillis) {
        List<File> files = store.cycleFiles();
        if (files.size() <= 1) {
            return;
        }
        long total = 0;
        for (File f : files) {
            total += f.length();
        }
        long cutoff = nowMillis - config.retentionDays * 86_400_000L;
        long cycleMillis = config.storeOptions.rollCycle.lengthInMillis();
        int current = store.currentCycle();
        for (File f : files) {
            int cycle = cycleOf(f);
            if (cycle == Integer.MIN_VALUE || cycle >= current) {
                break;
            }
            boolean expired = (long) (cycle + 1) * cycleMillis <= cutoff;
            boolean overCap = config.maxStoreBytes > 0 && total > config.maxStoreBytes;
            if (!expired && !overCap) {
                break;
            }
            long lastSeq = lastSeqIn(f);
            long size = f.length();
            if (!f.delete()) {
                config.log.println("warden collector: retention could not delete " + f);
                break;
            }
            total -= size;
            metrics.rolledOffFiles.increment();
            metrics.rolledOffBytes.add(size);
            String why = expired ? "older than " + config.retentionDays + " days" : "store over " + config.maxStoreBytes + " bytes";
            String line = Instant.ofEpochMilli(nowMillis) + " rolled-off " + f.getName() + " bytes " + size + " reason " + why.replace(' ', '_')
                    + " through-excerpt " + lastSeq;
            try {
                Files.writeString(config.store.resolve(AuditStore.RETENTION_LOG), line + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                config.log.println("warden collector: cannot write " + AuditStore.RETENTION_LOG + ": " + e.getMessage());
            }
            config.log.println("warden collector: retention rolled off " + f.getName() + " (" + size + " bytes, " + why
                    + ", through excerpt " + lastSeq + ")");
            ingest.recordEvent("retention-rolled-off", Map.of("file", f.getName(), "bytes", Long.toString(size),
                    "through_excerpt", Long.toString(lastSeq)), why);
        }
        store.refreshDirectoryListing();
    }

    private int cycleOf(File f) {
        for (long c : store.queue().listCyclesBetween(store.queue().firstCycle(), store.queue().lastCycle())) {
            if (AuditStore.cycleFile(store.queue(), (int) c).getName().equals(f.getName())) {
                return (int) c;
            }
        }
        return Integer.MIN_VALUE;
    }

    /** The store sequence of the last excerpt in a store file (the next file starts with a full checkpoint). */
    private long lastSeqIn(File f) {
        int cycle = cycleOf(f);
        try (var t = store.queue().createTailer()) {
            long count = t.excerptsInCycle(cycle);
            if (count <= 0) {
                return 0;
            }
            long idx = store.queue().rollCycle().toIndex(cycle, count - 1);
            if (!t.moveToIndex(idx)) {
                return 0;
            }
            try (var dc = t.readingDocument()) {
                if (!dc.isPresent()) {
                    return 0;
                }
                var b = net.openhft.chronicle.bytes.Bytes.allocateElasticOnHeap(256);
                dc.wire().bytes().read(b);
                return StoreEntry.getLong(b.underlyingObject(), 1);
            }
        }
    }

    public Metrics metrics() {
        return metrics;
    }

    public ApprovalRegistry approvals() {
        return approvals;
    }

    public Tokens tokens() {
        return tokens;
    }

    /** The control plane: the fleet, the orders issued and the order-signing key. */
    public dev.warden.collector.control.ControlPlane controlPlane() {
        return controlPlane;
    }

    /** The public key agents verify orders with ({@code policy-key=}). */
    public Path orderPublicKey() {
        return controlPlane.book.publicKeyFile();
    }

    /** The bound HTTP port (when started with port 0), or -1. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    public Throwable failure() {
        return failure;
    }

    /** Blocks until the collector stops (by {@link #close} or a fatal error). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            try {
                stopped.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (http != null) {
            http.close();
        }

        if (bindings != null) {
            try {
                bindings.close();
            } catch (IOException ignored) {
                // the log is flushed after every line
            }
        }
        if (aeron != null) {
            aeron.close();
        }
        if (controlPlane != null) {
            try {
                controlPlane.close();
            } catch (IOException e) {
                config.log.println("warden collector: cannot save the fleet: " + e.getMessage());
            }
        }
    }

    static String hostPort(String host, int port) {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
