package dev.warden.bench.agent;

import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import org.HdrHistogram.Histogram;

/**
 * The javaagent's added latency per intercepted call, measured in-process as the hook's own
 * time: entry advice + policy evaluation + evidence append (decision) + exit advice + evidence
 * append (outcome), for an HTTP request and a prepared SQL query, with 1 and 8 application
 * threads, each call timed individually into an HdrHistogram. Also the bytes allocated per call.
 *
 * <p>Two loads: {@code paced}, where each thread waits about 50 µs between intercepted calls (the
 * call itself — an HTTP round trip, a query — takes at least that long in a real application, so
 * hooks of different threads rarely overlap, but each starts with cold caches), and
 * {@code saturated}, a tight loop of nothing but hooks, where 8 threads on this machine's 2 cores
 * contend for everything (a stress figure, not a workload).
 *
 * <p>Run: {@code java $CHRONICLE_OPENS -cp benchmarks/target/benchmarks.jar dev.warden.bench.agent.HookOverhead [callsPerThread [load [call [threads]]]]}
 * ({@code load}: paced, saturated or all; {@code call}: http, sql or all; {@code threads}: 1, 8 or all).
 * Budgets (issue 3): median ≤ 2 µs, p99 ≤ 20 µs.
 */
public final class HookOverhead {
    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        String onlyLoad = args.length > 1 ? args[1] : "all";
        String onlyCall = args.length > 2 ? args[2] : "all";
        String onlyThreads = args.length > 3 ? args[3] : "all";
        AgentBenchSetup setup = new AgentBenchSetup();
        try {
            System.out.printf("%-10s %-5s %7s %9s %9s %9s %9s %10s %10s %12s%n", "load", "call", "threads", "p50 ns", "p90 ns", "p99 ns", "p99.9 ns", "max ns", "calls", "alloc B/call");
            for (long pace : new long[] {50_000, 0}) {
                if (!onlyLoad.equals("all") && !onlyLoad.equals(pace > 0 ? "paced" : "saturated")) {
                    continue;
                }
                for (String kind : List.of("http", "sql")) {
                    if (!onlyCall.equals("all") && !onlyCall.equals(kind)) {
                        continue;
                    }
                    for (int threads : new int[] {1, 8}) {
                        if (!onlyThreads.equals("all") && !onlyThreads.equals(Integer.toString(threads))) {
                            continue;
                        }
                        int n = pace > 0 ? calls / 4 : calls;
                        run(kind, threads, n / 4, pace, false); // warm-up
                        run(kind, threads, n, pace, true);
                    }
                }
            }
            System.out.println("evidence records written: " + setup.log.nextSeq());
        } finally {
            setup.close();
        }
    }

    static void run(String kind, int threads, int callsPerThread, long paceNanos, boolean report) throws Exception {
        Histogram total = new Histogram(60_000_000_000L, 3);
        long[] allocated = new long[1];
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> workers = new ArrayList<>();
        List<Histogram> perThread = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Histogram h = new Histogram(60_000_000_000L, 3);
            perThread.add(h);
            boolean first = t == 0;
            Thread w = new Thread(() -> {
                try {
                    HttpURLConnection connection = AgentBenchSetup.connection();
                    Object statement = AgentBenchSetup.preparedStatement();
                    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                    start.await();
                    long allocBefore = mx.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < callsPerThread; i++) {
                        long t0 = System.nanoTime();
                        if (kind.equals("http")) {
                            AgentBenchSetup.httpCall(connection);
                        } else {
                            AgentBenchSetup.sqlCall(statement);
                        }
                        h.recordValue(System.nanoTime() - t0);
                        if (paceNanos > 0) {
                            java.util.concurrent.locks.LockSupport.parkNanos(paceNanos);
                        }
                    }
                    if (first) {
                        allocated[0] = (mx.getCurrentThreadAllocatedBytes() - allocBefore) / callsPerThread;
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "bench-" + t);
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        for (Histogram h : perThread) {
            total.add(h);
        }
        if (report) {
            System.out.printf("%-10s %-5s %7d %9d %9d %9d %9d %10d %10d %12d%n", paceNanos > 0 ? "paced" : "saturated", kind, threads, total.getValueAtPercentile(50), total.getValueAtPercentile(90),
                    total.getValueAtPercentile(99), total.getValueAtPercentile(99.9), total.getMaxValue(), total.getTotalCount(), allocated[0]);
        }
    }
}
