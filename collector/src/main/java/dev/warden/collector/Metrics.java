package dev.warden.collector;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The collector's counters, exposed at {@code GET /metrics} in the Prometheus text format:
 * records received and stored, duplicates, dropped frames by reason, integrity events by kind,
 * decisions by kind, decision and rule, lag per agent, retention roll-offs, pending approvals,
 * heartbeats and control orders issued, applied and refused.
 *
 * <p>Updated by the ingest thread, read by HTTP threads; every counter is thread-safe.
 */
public final class Metrics {
    public final LongAdder received = new LongAdder();
    public final LongAdder stored = new LongAdder();
    public final LongAdder duplicates = new LongAdder();
    public final LongAdder batches = new LongAdder();
    public final LongAdder checkpoints = new LongAdder();
    public final LongAdder rolledOffFiles = new LongAdder();
    public final LongAdder rolledOffBytes = new LongAdder();
    public final LongAdder heartbeats = new LongAdder();
    public final LongAdder ordersIssued = new LongAdder();
    public final LongAdder ordersApplied = new LongAdder();
    public final LongAdder ordersRefused = new LongAdder();
    private final Map<String, LongAdder> dropped = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> integrity = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> decisions = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lagMicros = new ConcurrentHashMap<>();
    private final Map<String, LongSupplier> gauges = new ConcurrentHashMap<>();
    /**
     * Append-to-durable latency (a record's creation in the agent to its storage here): 0.1 ms
     * buckets up to 100 ms, then 1 ms buckets up to 10 s; the last bucket holds everything above.
     */
    private final java.util.concurrent.atomic.AtomicLongArray latency = new java.util.concurrent.atomic.AtomicLongArray(LATENCY_BUCKETS);
    static final int LATENCY_BUCKETS = 1000 + 9_901;

    /** Records one record's latency from its creation in the agent to its storage here. */
    public void latencyMicros(long micros) {
        latency.incrementAndGet(bucket(micros));
    }

    static int bucket(long micros) {
        if (micros < 100_000) {
            return (int) Math.max(0, micros / 100);
        }
        return 1000 + (int) Math.min(9_900, (micros - 100_000) / 1000);
    }

    /** The upper bound of a bucket in microseconds. */
    static long bucketLimitMicros(int b) {
        return b < 1000 ? (b + 1) * 100L : 100_000L + (b - 999) * 1000L;
    }

    /** A copy of the latency histogram (for a benchmark to take differences between two moments). */
    public long[] latencySnapshot() {
        long[] c = new long[latency.length()];
        for (int i = 0; i < c.length; i++) {
            c[i] = latency.get(i);
        }
        return c;
    }

    /** The latency percentile (0..1) in microseconds (a bucket's upper bound), or -1 with no data. */
    public long latencyPercentileMicros(double p) {
        return percentileMicros(latencySnapshot(), p);
    }

    /** A percentile (0..1) of a latency histogram in microseconds, or -1 when it is empty. */
    public static long percentileMicros(long[] counts, double p) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        if (total == 0) {
            return -1;
        }
        long rank = Math.max(1, (long) Math.ceil(p * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return bucketLimitMicros(i);
            }
        }
        return bucketLimitMicros(counts.length - 1);
    }

    public void dropped(String reason) {
        dropped.computeIfAbsent(reason, k -> new LongAdder()).increment();
    }

    public long dropped() {
        return dropped.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long droppedFor(String reason) {
        LongAdder a = dropped.get(reason);
        return a == null ? 0 : a.sum();
    }

    public void integrity(String kind) {
        integrity.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    public long integrityEvents() {
        return integrity.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public void decision(String kind, String decision, String rule) {
        decisionCounter(kind, decision, rule).increment();
    }

    /** The counter of one (kind, decision, rule) combination, created on first use. */
    public LongAdder decisionCounter(String kind, String decision, String rule) {
        String key = "kind=\"" + esc(kind) + "\",decision=\"" + esc(decision) + "\",rule=\"" + esc(rule) + "\"";
        return decisions.computeIfAbsent(key, k -> new LongAdder());
    }

    public void lag(String agent, long micros) {
        lagMicros.computeIfAbsent(agent == null ? "" : agent, k -> new AtomicLong()).set(micros);
    }

    public void gauge(String name, LongSupplier value) {
        gauges.put(name, value);
    }

    /** The Prometheus text exposition. */
    public String render() {
        StringBuilder sb = new StringBuilder(2048);
        counter(sb, "warden_collector_records_received_total", "Records received from agents (before de-duplication)", received.sum());
        counter(sb, "warden_collector_records_stored_total", "Records written to the store", stored.sum());
        counter(sb, "warden_collector_duplicates_total", "Records received again and dropped as duplicates", duplicates.sum());
        counter(sb, "warden_collector_batches_total", "Authenticated batches accepted", batches.sum());
        counter(sb, "warden_collector_checkpoints_total", "Signed checkpoints written", checkpoints.sum());
        counter(sb, "warden_collector_retention_rolled_off_files_total", "Store files deleted by retention", rolledOffFiles.sum());
        counter(sb, "warden_collector_retention_rolled_off_bytes_total", "Bytes deleted by retention", rolledOffBytes.sum());
        counter(sb, "warden_collector_heartbeats_total", "Authenticated agent heartbeats", heartbeats.sum());
        counter(sb, "warden_collector_orders_issued_total", "Control orders issued (policy, rollback, kill, resume)", ordersIssued.sum());
        counter(sb, "warden_collector_orders_applied_total", "Orders acknowledged as applied (first acknowledgement per instance)", ordersApplied.sum());
        counter(sb, "warden_collector_orders_refused_total", "Orders an instance refused and reported", ordersRefused.sum());
        labelled(sb, "warden_collector_frames_dropped_total", "Frames dropped, by reason", "reason", dropped);
        labelled(sb, "warden_collector_integrity_events_total", "Integrity events recorded, by kind", "kind", integrity);
        sb.append("# HELP warden_collector_decisions_total Decisions stored, by kind, decision and rule\n")
                .append("# TYPE warden_collector_decisions_total counter\n");
        new TreeMap<>(decisions).forEach((k, v) -> sb.append("warden_collector_decisions_total{").append(k).append("} ").append(v.sum()).append('\n'));
        sb.append("# HELP warden_collector_lag_seconds Time from a record's creation to its storage, last batch, per agent\n")
                .append("# TYPE warden_collector_lag_seconds gauge\n");
        new TreeMap<>(lagMicros).forEach((k, v) -> sb.append("warden_collector_lag_seconds{agent=\"").append(esc(k)).append("\"} ")
                .append(String.format(java.util.Locale.ROOT, "%.6f", v.get() / 1e6)).append('\n'));
        long[] hist = latencySnapshot();
        long p99 = percentileMicros(hist, 0.99);
        if (p99 >= 0) {
            sb.append("# HELP warden_collector_ingest_latency_seconds From a record's creation in the agent to its storage here\n")
                    .append("# TYPE warden_collector_ingest_latency_seconds summary\n")
                    .append("warden_collector_ingest_latency_seconds{quantile=\"0.5\"} ").append(percentileMicros(hist, 0.5) / 1e6).append('\n')
                    .append("warden_collector_ingest_latency_seconds{quantile=\"0.99\"} ").append(p99 / 1e6).append('\n');
        }
        new TreeMap<>(gauges).forEach((k, v) -> sb.append("# TYPE ").append(k).append(" gauge\n").append(k).append(' ').append(v.getAsLong()).append('\n'));
        return sb.toString();
    }

    private static void counter(StringBuilder sb, String name, String help, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n").append(name).append(' ').append(v).append('\n');
    }

    private static void labelled(StringBuilder sb, String name, String help, String label, Map<String, LongAdder> m) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n').append("# TYPE ").append(name).append(" counter\n");
        new TreeMap<>(m).forEach((k, v) -> sb.append(name).append('{').append(label).append("=\"").append(esc(k)).append("\"} ").append(v.sum()).append('\n'));
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
