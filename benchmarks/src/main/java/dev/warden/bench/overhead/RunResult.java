package dev.warden.bench.overhead;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What one workload JVM reported (its {@code key: value} lines), with the harness's own
 * observations of it: launch time, exit, and for the proxy variant the proxy process's figures.
 * Built and read by the harness thread only.
 */
final class RunResult {
    final String variant;
    final int round;
    final long launchedAtMillis;
    final Map<String, String> values = new LinkedHashMap<>();
    /** Null when the run succeeded; otherwise one line saying why not. */
    String failure;
    double loadAverage;
    /** Proxy variant only: the proxy's peak RSS (kB), requests it forwarded, ms from launch to listening. */
    long proxyHwmKb = -1;
    long proxyForwarded = -1;
    long proxyReadyMillis = -1;

    RunResult(String variant, int round, long launchedAtMillis) {
        this.variant = variant;
        this.round = round;
        this.launchedAtMillis = launchedAtMillis;
    }

    boolean ok() {
        return failure == null;
    }

    double number(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalStateException(variant + " round " + round + ": the workload did not report " + key);
        }
        return Double.parseDouble(v);
    }

    long timeToMainMillis() {
        return (long) number("main-at") - launchedAtMillis;
    }

    long timeToReadyMillis() {
        return (long) number("ready-at") - launchedAtMillis;
    }

    Histogram histogram(String kind) {
        byte[] bytes = Base64.getDecoder().decode(values.get(kind + ".hist"));
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
        } catch (java.util.zip.DataFormatException e) {
            throw new IllegalStateException(variant + " round " + round + ": unreadable " + kind + " histogram", e);
        }
    }
}
