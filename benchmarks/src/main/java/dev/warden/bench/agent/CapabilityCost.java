package dev.warden.bench.agent;

import dev.warden.agent.control.Capabilities;
import dev.warden.rules.Action;
import dev.warden.rules.Kind;
import dev.warden.rules.SqlOperation;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import org.HdrHistogram.Histogram;

/**
 * What the capability table ({@link Capabilities#record}, called by the governor for every
 * governed action) costs per action, and whether it allocates once its keys are known. Each
 * thread records a mix of already-seen actions (an HTTP host+method, a SQL statement over two
 * tables, a tool; one of 64 hosts each) in batches of 100; each batch is timed and divided by
 * 100 (a single call is shorter than the clock's resolution), giving the percentiles over
 * batches. Run: {@code java -cp benchmarks/target/benchmarks.jar dev.warden.bench.agent.CapabilityCost [batches] [threads]}.
 */
public final class CapabilityCost {
    static final int BATCH = 100;

    public static void main(String[] args) throws Exception {
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Capabilities caps = new Capabilities();
        List<Histogram> perThread = new ArrayList<>();
        long[] allocated = new long[threads];
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Histogram h = new Histogram(60_000_000_000L, 3);
            perThread.add(h);
            int id = t;
            Thread th = new Thread(() -> run(caps, h, batches, start, allocated, id), "capability-" + t);
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join();
        }
        Histogram all = new Histogram(60_000_000_000L, 3);
        perThread.forEach(all::add);
        long calls = (long) batches * BATCH * 3 * threads;
        long bytes = 0;
        for (long b : allocated) {
            bytes += b;
        }
        System.out.printf("threads=%d batches=%d per action (ns, batch mean of %d x 3 actions): p50=%.1f p90=%.1f p99=%.1f p99.9=%.1f max=%.1f; allocated %.3f B/action; entries=%d overflow=%d%n",
                threads, batches, BATCH, all.getValueAtPercentile(50) / 300.0, all.getValueAtPercentile(90) / 300.0,
                all.getValueAtPercentile(99) / 300.0, all.getValueAtPercentile(99.9) / 300.0, all.getMaxValue() / 300.0,
                (double) bytes / calls, caps.size(), caps.overflow());
    }

    private static void run(Capabilities caps, Histogram h, int batches, CyclicBarrier start, long[] allocated, int id) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        String[] hosts = new String[64];
        for (int i = 0; i < hosts.length; i++) {
            hosts[i] = "api-" + i + ".example.com";
        }
        String[] tables = {"orders", "customers"};
        Action[] http = new Action[hosts.length];
        for (int i = 0; i < hosts.length; i++) {
            http[i] = new Action().kind(Kind.HTTP).host(hosts[i]).method("POST");
        }
        Action sql = new Action();
        Action tool = new Action();
        sql.reset().kind(Kind.SQL).database("h2").operation(SqlOperation.SELECT).tables(tables, 2);
        tool.reset().kind(Kind.TOOL).tool("refund");
        long now = System.currentTimeMillis();
        // warm-up: every key seen, the JIT has compiled the path
        for (int i = 0; i < 200_000; i++) {
            caps.record(http[i & 63], now, false);
            caps.record(sql, now, false);
            caps.record(tool, now, false);
        }
        try {
            start.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        int k = 0;
        for (int b = 0; b < batches; b++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < BATCH; i++) {
                caps.record(http[k++ & 63], now, false);
                caps.record(sql, now, false);
                caps.record(tool, now, false);
            }
            h.recordValue(System.nanoTime() - t0);
        }
        allocated[id] = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
    }
}
