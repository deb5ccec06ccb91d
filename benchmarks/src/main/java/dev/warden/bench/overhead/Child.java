package dev.warden.bench.overhead;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process the overhead harness forks (workload, services, proxy, collector): its stdout lines
 * collected by a daemon reader thread, its stderr in a file, its stdin held open — the long-running
 * children stop when it is closed, so none outlives the harness. The harness thread that owns a
 * child calls its methods; the reader thread only appends to {@link #lines} under its lock.
 */
final class Child implements AutoCloseable {
    final String name;
    final Process process;
    final long launchedAtMillis;
    final Path stderr;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;
    private volatile long firstLineAtMillis = -1;

    private Child(String name, Process process, long launchedAtMillis, Path stderr) {
        this.name = name;
        this.process = process;
        this.launchedAtMillis = launchedAtMillis;
        this.stderr = stderr;
        reader = new Thread(this::read, "overhead-" + name + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    static Child start(String name, List<String> command, Path dir) throws IOException {
        Path err = dir.resolve(name + ".stderr");
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(err.toFile());
        long launched = System.currentTimeMillis();
        return new Child(name, pb.start(), launched, err);
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (firstLineAtMillis < 0) {
                    firstLineAtMillis = System.currentTimeMillis();
                }
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process went away; waitFor reports how
        }
    }

    /** When the first stdout line arrived (epoch ms), or -1: for children whose first line says they are ready. */
    long readyAtMillis() {
        return firstLineAtMillis;
    }

    /** The lines printed so far. */
    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Waits for a line starting with {@code prefix}; returns the rest of it, trimmed. */
    String awaitLine(String prefix, long timeoutMillis) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (lines) {
            while (true) {
                for (String l : lines) {
                    if (l.startsWith(prefix)) {
                        return l.substring(prefix.length()).trim();
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0 || !reader.isAlive()) {
                    throw new IOException(name + " did not print \"" + prefix + "\" (" + (process.isAlive() ? "timed out" : "exited " + process.exitValue())
                            + "); stderr: " + tail());
                }
                lines.wait(Math.min(left, 100));
            }
        }
    }

    /** The value of the first {@code key: value} line, or null. */
    String value(String key) {
        String prefix = key + ": ";
        for (String l : lines()) {
            if (l.startsWith(prefix)) {
                return l.substring(prefix.length());
            }
        }
        return null;
    }

    /** Waits for the process to exit by itself; returns its exit code, or -1 after killing it at the timeout. */
    int await(long timeoutMillis) throws InterruptedException {
        if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            return -1;
        }
        reader.join(5_000); // it has read the last lines once the pipe is closed
        return process.exitValue();
    }

    /** A kB field of the child's /proc status (e.g. VmHWM), or -1. */
    long status(String field) {
        return CollectorProcess.ProcStatus.field(Path.of("/proc", Long.toString(process.pid()), "status"), field);
    }

    /** The last lines of its stderr, on one line. */
    String tail() {
        try {
            List<String> err = Files.readAllLines(stderr, StandardCharsets.UTF_8);
            String joined = String.join(" | ", err.subList(Math.max(0, err.size() - 5), err.size()));
            return joined.isEmpty() ? "(empty)" : joined.length() > 600 ? joined.substring(joined.length() - 600) : joined;
        } catch (IOException e) {
            return "(unreadable)";
        }
    }

    /** Closes its stdin (the long-running children then stop by themselves) and waits; kills it after 20 s. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
        try {
            await(20_000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
