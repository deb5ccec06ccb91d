package dev.warden.bench.overhead;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;

/**
 * Turns the runs of one harness invocation into the Markdown of the issue-8 section of
 * {@code benchmarks/RESULTS.md} (machine, date, command, load average; per variant and kind the
 * latency added over {@code none}, throughput at 1/2/8 threads, allocation, start-up, RSS; what each
 * alternative controls and where it could not be run), and writes it between the section's
 * generated-block markers, leaving the hand-written text around them alone. Harness thread only.
 */
final class OverheadReport {
    static final String HEADING = "## End-to-end overhead harness (example agent)";
    static final String BEGIN = "<!-- overhead-harness:begin (written by benchmarks/overhead; edits between these markers are overwritten) -->";
    static final String END = "<!-- overhead-harness:end -->";
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final Map<String, String> KIND_LABEL = Map.of("tool", "tool (agent step)", "http", "HTTP POST", "sql", "SQL SELECT");

    private final OverheadHarness.Options options;
    private final Instant started;
    private final String loadAtStart;
    private Instant finished;
    private String loadAtEnd;
    private final List<RunResult> runs = new ArrayList<>();
    private final List<RunResult> repeated = new ArrayList<>();
    private long collectorStored = -1;
    private long collectorHwmKb = -1;
    private String collectorErr = "";

    OverheadReport(OverheadHarness.Options options, Instant started, String loadAtStart) {
        this.options = options;
        this.started = started;
        this.loadAtStart = loadAtStart;
    }

    void add(RunResult r) {
        runs.add(r);
    }

    /** A run that failed and was run again; reported, not measured. */
    void repeated(RunResult failed) {
        repeated.add(failed);
    }

    void collector(long stored, long hwmKb, String stderrTail) {
        collectorStored = stored;
        collectorHwmKb = hwmKb;
        collectorErr = stderrTail;
    }

    void finish(Instant at, String load) {
        finished = at;
        loadAtEnd = load;
    }

    List<RunResult> ok(String variant) {
        return runs.stream().filter(r -> r.variant.equals(variant) && r.ok()).toList();
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        List<String> variants = options.variants;
        String jvm = runs.stream().filter(RunResult::ok).map(r -> r.values.get("jvm")).findFirst().orElse(System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        double[] loads = runs.stream().mapToDouble(r -> r.loadAverage).toArray();
        Duration took = Duration.between(started, finished);
        md.append("### Run of ").append(WHEN.format(started)).append(options.smoke ? " (smoke mode: tiny counts, figures meaningless)" : "").append("\n\n");
        md.append("Command: `").append(options.command).append("`").append(options.revision == null ? "" : " at commit " + options.revision).append("  \n");
        md.append("Machine: ").append(machine()).append(", ").append(jvm).append(" (every JVM of the run).  \n");
        md.append("Load average (1, 5, 15 min): ").append(loadAtStart).append(" at the start, ").append(loadAtEnd).append(" at the end; 1-minute load when each run started: ")
                .append(loads.length == 0 ? "-" : String.format(Locale.ROOT, "%.2f to %.2f", Arrays.stream(loads).min().getAsDouble(), Arrays.stream(loads).max().getAsDouble()))
                .append(" (the machine has ").append(Runtime.getRuntime().availableProcessors()).append(" cores and is shared with other builds: above that, runs waited for a core).  \n");
        md.append(String.format(Locale.ROOT, "Took %d min %d s: %d round(s), interleaved %s; every run a fresh workload JVM and fresh services; per kind a warm-up (not counted), "
                        + "then %,d tool / %,d HTTP / %,d SQL calls timed one by one on one thread, then throughput over %s s with 1, 2 and 8 threads.%n%n",
                took.toMinutes(), took.toSecondsPart(), options.rounds, String.join(" → ", variants), options.tool, options.http, options.sql, trim(options.seconds)));

        md.append("**Latency per call** (µs; one HdrHistogram per variant over all rounds; *added* = over `none` at the same percentile):\n\n");
        md.append("| call | variant | median | p99 | p99.9 | added median | added p99 | added p99.9 | median per round |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String kind : OverheadHarness.KINDS) {
            Histogram base = merged("none", kind);
            for (String v : variants) {
                Histogram h = merged(v, kind);
                md.append("| ").append(KIND_LABEL.get(kind)).append(" | ").append(v).append(" | ");
                if (h == null) {
                    md.append("could not run | | | | | | | |\n");
                    continue;
                }
                double[] p = {us(h, 50), us(h, 99), us(h, 99.9)};
                md.append(num(p[0])).append(" | ").append(num(p[1])).append(" | ").append(num(p[2])).append(" | ");
                if (v.equals("none") || base == null) {
                    md.append(" | | | ");
                } else {
                    md.append(signed(p[0] - us(base, 50))).append(" | ").append(signed(p[1] - us(base, 99))).append(" | ").append(signed(p[2] - us(base, 99.9))).append(" | ");
                }
                double[] perRound = ok(v).stream().mapToDouble(r -> us(r.histogram(kind), 50)).toArray();
                md.append(num(Arrays.stream(perRound).min().getAsDouble())).append(" to ").append(num(Arrays.stream(perRound).max().getAsDouble())).append(" |\n");
            }
        }

        md.append("\n**Throughput** (calls per second, median of the rounds; change against `none` in brackets):\n\n");
        md.append("| call | variant | 1 thread | 2 threads | 8 threads |\n|---|---|---:|---:|---:|\n");
        for (String kind : OverheadHarness.KINDS) {
            for (String v : variants) {
                md.append("| ").append(KIND_LABEL.get(kind)).append(" | ").append(v).append(" |");
                for (int t : OverheadHarness.THREADS) {
                    String key = kind + ".tput." + t;
                    double x = median(v, r -> r.number(key));
                    double b = median("none", r -> r.number(key));
                    md.append(' ').append(Double.isNaN(x) ? "could not run" : num(x) + (v.equals("none") || Double.isNaN(b) ? "" : " (" + percent(x / b - 1) + ")")).append(" |");
                }
                md.append('\n');
            }
        }

        md.append("\n**Allocation and CPU per call** (median of the rounds, over the timed one-thread calls: bytes allocated by the calling thread; by all threads of the JVM "
                + "alive at the end of the loop; process CPU time, all threads):\n\n");
        md.append("| call | variant | caller B/call | JVM B/call | CPU µs/call |\n|---|---|---:|---:|---:|\n");
        for (String kind : OverheadHarness.KINDS) {
            for (String v : variants) {
                md.append("| ").append(KIND_LABEL.get(kind)).append(" | ").append(v).append(" | ");
                if (ok(v).isEmpty()) {
                    md.append("could not run | | |\n");
                    continue;
                }
                md.append(num(median(v, r -> r.number(kind + ".caller-bytes-per-call")))).append(" | ")
                        .append(num(median(v, r -> r.number(kind + ".jvm-bytes-per-call")))).append(" | ")
                        .append(num(median(v, r -> r.number(kind + ".cpu-ns-per-call") / 1000.0))).append(" |\n");
            }
        }

        md.append("\n**Start-up and memory** (median of the rounds; from launching `java` to `main`, and to the workload being ready: database, eight LangChain4j "
                + "services, and for `cedar` the parsed policy; RSS of the workload JVM from `/proc/self/status`):\n\n");
        md.append("| variant | time to main | time to ready | RSS at main | RSS when ready | RSS at end | of which anonymous / file-backed (mapped files) | peak RSS (VmHWM) | heap committed / live after a full GC, at end |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String v : variants) {
            md.append("| ").append(v).append(" | ");
            if (ok(v).isEmpty()) {
                md.append("could not run | | | | | | |\n");
                continue;
            }
            md.append(ms(median(v, RunResult::timeToMainMillis))).append(" | ").append(ms(median(v, RunResult::timeToReadyMillis))).append(" | ")
                    .append(mb(median(v, r -> r.number("rss-at-main-kb")))).append(" | ").append(mb(median(v, r -> r.number("rss-at-ready-kb")))).append(" | ")
                    .append(mb(median(v, r -> r.number("rss-end-kb")))).append(" | ").append(mb(median(v, r -> r.number("rss-anon-end-kb")))).append(" / ")
                    .append(mb(median(v, r -> r.number("rss-file-end-kb")))).append(" | ").append(mb(median(v, r -> r.number("hwm-kb")))).append(" | ")
                    .append(mb(median(v, r -> r.number("heap-committed-end-kb")))).append(" / ").append(mb(median(v, r -> r.number("heap-live-end-kb")))).append(" |\n");
        }
        md.append('\n');
        if (variants.contains("warden")) {
            md.append("- Collector (its own JVM for the whole harness run): ").append(collectorStored < 0 ? "reported nothing (" + collectorErr + ")" : String.format(Locale.ROOT, "stored %,d evidence records", collectorStored))
                    .append(collectorHwmKb > 0 ? ", peak RSS " + mb(collectorHwmKb) : "").append(".\n");
        }
        if (variants.contains("proxy") && !ok("proxy").isEmpty()) {
            md.append("- Egress proxy (its own JVM per run): peak RSS ").append(mb(median("proxy", r -> r.proxyHwmKb))).append(", listening ")
                    .append(ms(median("proxy", r -> r.proxyReadyMillis))).append(" after launch, ")
                    .append(String.format(Locale.ROOT, "%,.0f", median("proxy", r -> r.proxyForwarded))).append(" requests forwarded per run (median).\n");
        }
        md.append("- Control checked live at the end of every run (last round): ");
        List<String> checks = new ArrayList<>();
        for (String v : variants) {
            List<RunResult> ok = ok(v);
            if (!v.equals("none") && !ok.isEmpty()) {
                checks.add("`" + v + "` " + ok.get(ok.size() - 1).values.get("control"));
            }
        }
        md.append(checks.isEmpty() ? "none." : String.join("; ", checks) + ".").append('\n');
        md.append("- What each alternative covers here: `warden` evaluates every tool call, every HTTP request (the model's own too, as `parent: model`) and every "
                + "SQL statement against the 10-rule refund-agent policy and writes two evidence records per action, shipped to the collector; `cedar` checks "
                + "what its hand-written wrapper asks — each tool call and the SQL or HTTP it does, each bare HTTP and SQL call — but not the model's requests, "
                + "keeps the session facts for the sequence and rate rules in caller code, and leaves no evidence and no escalation; `proxy` sees HTTP only "
                + "(the model's requests included) and cannot tell a tool's request from the model's: tool calls and SQL pass it uncontrolled, so its SQL rows "
                + "measure nothing but noise.\n");
        List<String> failures = new ArrayList<>();
        for (RunResult r : runs) {
            if (!r.ok()) {
                failures.add("`" + r.variant + "` round " + r.round + ": " + r.failure);
            }
        }
        md.append("- ").append(failures.isEmpty() ? "Every variant ran in every round; nothing was left out." : "**Could not be run**: " + String.join("; ", failures) + ".").append('\n');
        if (!repeated.isEmpty()) {
            List<String> again = new ArrayList<>();
            for (RunResult r : repeated) {
                again.add("`" + r.variant + "` round " + r.round + " (" + r.failure + ")");
            }
            md.append("- Failed once and run again (the failed attempt is not in the figures): ").append(String.join("; ", again)).append(".\n");
        }
        return md.toString();
    }

    private Histogram merged(String variant, String kind) {
        Histogram total = null;
        for (RunResult r : ok(variant)) {
            Histogram h = r.histogram(kind);
            if (total == null) {
                total = new Histogram(h.getHighestTrackableValue(), h.getNumberOfSignificantValueDigits());
            }
            total.add(h);
        }
        return total;
    }

    private double median(String variant, ToDoubleFunction<RunResult> f) {
        double[] v = ok(variant).stream().mapToDouble(f).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double us(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }

    static String num(double x) {
        if (Double.isNaN(x)) {
            return "-";
        }
        return Math.abs(x) >= 100 ? String.format(Locale.ROOT, "%,.0f", x) : Math.abs(x) >= 10 ? String.format(Locale.ROOT, "%.1f", x) : String.format(Locale.ROOT, "%.2f", x);
    }

    static String signed(double x) {
        return (x >= 0 ? "+" : "−") + num(Math.abs(x));
    }

    static String percent(double x) {
        return (x >= 0 ? "+" : "−") + String.format(Locale.ROOT, "%.0f%%", Math.abs(x) * 100);
    }

    static String ms(double millis) {
        return Double.isNaN(millis) ? "-" : String.format(Locale.ROOT, "%,.0f ms", millis);
    }

    static String mb(double kb) {
        return kb < 0 || Double.isNaN(kb) ? "-" : String.format(Locale.ROOT, "%.0f MB", kb / 1024);
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** CPU model, cores, memory and kernel, from /proc. */
    static String machine() {
        String cpu = "unknown CPU";
        long memKb = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim().replaceAll("\\s+", " ");
                    break;
                }
            }
            memKb = CollectorProcess.ProcStatus.field(Path.of("/proc/meminfo"), "MemTotal");
        } catch (IOException e) {
            // not Linux: say what we know
        }
        return String.format(Locale.ROOT, "%s, %d cores, %s RAM, %s %s", cpu, Runtime.getRuntime().availableProcessors(),
                memKb < 0 ? "?" : String.format(Locale.ROOT, "%.1f GiB", memKb / 1024.0 / 1024.0), System.getProperty("os.name"), System.getProperty("os.version"));
    }

    /** The 1, 5 and 15 minute load averages, or "unknown". */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static double oneMinuteLoad() {
        try {
            return Double.parseDouble(loadAverage().split(" ")[0]);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /**
     * Writes {@code section} into the issue-8 section of {@code results}: between the generated-block
     * markers (replacing what was there, or after it with {@code append}); the markers are created in
     * place of a {@code _pending_} line, or right under the heading; the heading at the end of the file
     * when it has none.
     */
    static void update(Path results, String section, boolean append) throws IOException {
        String text = Files.readString(results, StandardCharsets.UTF_8);
        String block = BEGIN + "\n" + section.strip() + "\n" + END;
        int h = text.indexOf(HEADING + "\n");
        if (h < 0) {
            text = text.stripTrailing() + "\n\n" + HEADING + "\n\n" + block + "\n";
        } else {
            int bodyStart = h + HEADING.length() + 1;
            int next = text.indexOf("\n## ", bodyStart);
            int sectionEnd = next < 0 ? text.length() : next + 1;
            String body = text.substring(bodyStart, sectionEnd);
            int b = body.indexOf(BEGIN);
            int e = body.indexOf(END);
            if (b >= 0 && e > b) {
                String inner = body.substring(b + BEGIN.length(), e).strip();
                String content = append && !inner.isEmpty() ? inner + "\n\n" + section.strip() : section.strip();
                body = body.substring(0, b) + BEGIN + "\n" + content + "\n" + END + body.substring(e + END.length());
            } else if (body.contains("_pending_")) {
                body = body.replaceFirst("_pending_", java.util.regex.Matcher.quoteReplacement(block));
            } else {
                body = "\n" + block + "\n" + body;
            }
            text = text.substring(0, bodyStart) + body + text.substring(sectionEnd);
        }
        Files.writeString(results, text, StandardCharsets.UTF_8);
    }
}
