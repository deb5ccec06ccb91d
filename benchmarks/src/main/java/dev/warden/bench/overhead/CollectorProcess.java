package dev.warden.bench.overhead;

import dev.warden.collector.Collector;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The collector the overhead harness's {@code warden} variant ships evidence to: the real
 * {@link Collector} (Aeron ingest on UDP, audit store) in a process of its own, as in production.
 *
 * <p>Run (by the harness): {@code java $OPENS -cp CLASSPATH dev.warden.bench.overhead.CollectorProcess PORT STORE}.
 * Prints {@code collector-ready} once it listens; when its standard input ends it prints
 * {@code received: N}, {@code stored: N} and {@code hwm-kb: N} (its peak RSS) and stops.
 * Single-threaded main; the collector runs on its own threads.
 */
public final class CollectorProcess {
    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !args[0].matches("\\d{1,5}")) {
            System.err.println("collector-process: expected PORT STORE-DIR");
            System.exit(2);
            return;
        }
        Collector.Config c = new Collector.Config();
        c.listenHost = "127.0.0.1";
        c.listenPort = Integer.parseInt(args[0]);
        c.store = Path.of(args[1]);
        c.httpPort = -1;
        Collector collector = Collector.start(c);
        System.out.println("collector-ready");
        System.out.flush();
        while (System.in.read() >= 0) {
            // runs until the harness closes our standard input
        }
        System.out.println("received: " + collector.metrics().received.sum());
        System.out.println("stored: " + collector.metrics().stored.sum());
        System.out.println("hwm-kb: " + ProcStatus.field(Path.of("/proc/self/status"), "VmHWM"));
        System.out.flush();
        collector.close();
        if (collector.failure() != null) {
            System.err.println("collector-process: the collector failed: " + collector.failure());
            System.exit(1);
        }
    }

    /** Reads {@code kB} fields of a {@code /proc/<pid>/status} file. Stateless. */
    static final class ProcStatus {
        /** The field in kB, or -1 when the file or the field is missing (the process ended, or not Linux). */
        static long field(Path status, String name) {
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith(name + ":")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (Exception e) {
                return -1;
            }
            return -1;
        }
    }
}
