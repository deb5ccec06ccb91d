package dev.warden.agent.evidence;

import dev.warden.rules.evidence.EvidenceCodec;
import dev.warden.rules.evidence.EvidenceRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * Reads local evidence queues back: {@link #readAll} for a one-shot read of every queue under a
 * directory (the CLI's {@code evidence tail}, {@code scan --attach}, tests), and {@link Tail} for
 * following queues as they grow ({@code --follow}, the shipper). Queues are opened read-only;
 * nothing under the directory is changed. Queues are found at any depth up to three below the
 * directory ({@code DIR/<agent>/<instance>/}, or an instance directory itself).
 *
 * <p>For an instance whose JVM is dead, the records its writer had not yet moved from the
 * staging ring to the queue (a {@code kill -9} in between) are delivered after the queue's, once.
 *
 * <p>A {@link Tail} is confined to the thread that uses it. A record that does not decode is
 * reported through the {@code problems} callback and skipped.
 */
public final class EvidenceQueueReader {
    static {
        ChronicleSetup.quiet(); // before any Chronicle class initialises
    }

    private EvidenceQueueReader() {
    }

    /** Every record of every queue under {@code dir}, queue by queue, each in append order. */
    public static void readAll(Path dir, Consumer<EvidenceRecord> sink) {
        try (Tail tail = new Tail(dir, null)) {
            tail.poll(sink);
        }
    }

    /** The instance directories (each holding one queue) under {@code dir}, in path order. */
    public static List<Path> queues(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir, 3)) {
            // a queue's metadata, or a staging ring whose JVM died before its queue was created
            return s.filter(p -> p.getFileName() != null && (p.getFileName().toString().equals(EvidenceRing.FILE)
                            || p.getFileName().toString().endsWith(".cq4t") && p.getFileName().toString().startsWith("metadata")))
                    .map(Path::getParent)
                    .distinct()
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list evidence under " + dir, e);
        }
    }

    /**
     * Follows every queue under a directory, including queues that appear later. Each
     * {@link #poll} delivers what was appended since the previous one.
     */
    public static final class Tail implements AutoCloseable {
        private final Path dir;
        private final Consumer<String> problems;
        private final Map<Path, Reader> readers = new LinkedHashMap<>();
        private final EvidenceRecord record = new EvidenceRecord();
        private final Bytes<byte[]> buffer = Bytes.allocateElasticOnHeap(1024);

        /** {@code problems} receives one line per undecodable record (null: ignore them). */
        public Tail(Path dir, Consumer<String> problems) {
            this.dir = dir;
            this.problems = problems;
        }

        /**
         * Delivers every record appended since the last poll (the record object is reused: copy
         * it to keep it). Returns how many were delivered.
         */
        public int poll(Consumer<EvidenceRecord> sink) {
            for (Path q : queues(dir)) {
                readers.computeIfAbsent(q, Reader::new);
            }
            int n = 0;
            for (Reader r : readers.values()) {
                n += r.drain(sink);
            }
            return n;
        }

        @Override
        public void close() {
            for (Reader r : readers.values()) {
                r.close();
            }
            readers.clear();
        }

        private final class Reader {
            private final Path path;
            private SingleChronicleQueue queue;
            private ExcerptTailer tailer;
            private boolean stagedRead;
            private boolean broken;

            Reader(Path path) {
                this.path = path;
            }

            /** Opens the queue once it exists (a JVM that just started may not have created it yet). */
            private boolean ready() {
                if (tailer == null && !broken && Files.exists(path.resolve("metadata.cq4t"))) {
                    try {
                        queue = EvidenceLog.openQueue(path, true);
                        tailer = queue.createTailer();
                    } catch (RuntimeException unreadable) {
                        // a queue whose JVM died while creating it: only its staged records count
                        if (problems != null) {
                            problems.accept(path + ": the queue cannot be read (" + EvidenceLog.describe(unreadable) + ")");
                        }
                        queue = null;
                        broken = true;
                    }
                }
                return tailer != null;
            }

            int drain(Consumer<EvidenceRecord> sink) {
                int n = 0;
                while (true) {
                    buffer.clear();
                    if (!ready() || !tailer.readBytes(buffer)) {
                        return n + drainStaged(sink);
                    }
                    int len = (int) buffer.readRemaining();
                    try {
                        EvidenceCodec.decode(buffer.underlyingObject(), (int) buffer.readPosition(), len, record);
                    } catch (IllegalArgumentException bad) {
                        if (problems != null) {
                            problems.accept(path + ": skipped an undecodable record at index " + Long.toHexString(tailer.index()) + " (" + bad.getMessage() + ")");
                        }
                        continue;
                    }
                    sink.accept(record);
                    n++;
                }
            }

            /** A dead instance's records that never left its staging ring (once). */
            int drainStaged(Consumer<EvidenceRecord> sink) {
                if (stagedRead || !EvidenceLog.isDead(path)) {
                    return 0;
                }
                stagedRead = true;
                List<byte[]> staged = new ArrayList<>();
                try {
                    EvidenceRing.readUnconsumed(path.resolve(EvidenceRing.FILE), staged::add);
                } catch (IOException e) {
                    if (problems != null) {
                        problems.accept(path + ": staged records could not be read (" + e.getMessage() + ")");
                    }
                    return 0;
                }
                if (staged.isEmpty()) {
                    return 0;
                }
                java.util.Set<String> present = queue == null ? new java.util.HashSet<>() : EvidenceLog.lastKeys(queue, 4096);
                int n = 0;
                for (byte[] bytes : staged) {
                    try {
                        EvidenceCodec.decode(bytes, 0, bytes.length, record);
                    } catch (IllegalArgumentException bad) {
                        if (problems != null) {
                            problems.accept(path + ": skipped an undecodable staged record (" + bad.getMessage() + ")");
                        }
                        continue;
                    }
                    if (present.add(EvidenceLog.key(record))) {
                        sink.accept(record);
                        n++;
                    }
                }
                return n;
            }

            void close() {
                if (queue != null) {
                    queue.close();
                }
            }
        }
    }

    /** Convenience for tests and tools: every record under {@code dir}, copied. */
    public static List<EvidenceRecord> readAllCopies(Path dir) {
        List<EvidenceRecord> out = new ArrayList<>();
        readAll(dir, r -> out.add(r.copy()));
        return out;
    }
}
