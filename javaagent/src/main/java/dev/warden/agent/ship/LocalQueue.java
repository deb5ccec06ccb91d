package dev.warden.agent.ship;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * How the shipper finds and opens local evidence queues: {@code DIR/<agent>/<instance>/}, one
 * Chronicle Queue per JVM whose excerpts are the {@code EvidenceCodec} bytes of one record.
 *
 * <p>An instance is <em>live</em> while a process holds its writer's {@code .lock} (the agent's
 * evidence writer holds it for the JVM's life, collector or not) or its {@code ship.lock} (the
 * shipper of the JVM that writes it takes it at start), or while the {@code pid} recorded beside
 * it is alive; otherwise it is <em>dead</em> and any shipper may take the lock and ship its
 * backlog.
 *
 * <p>Static helpers, safe from any thread; Chronicle is quieted ({@code ChronicleSetup}) before
 * the first Chronicle class is touched so nothing is printed or written to the user's home directory.
 */
public final class LocalQueue {
    public static final String LOCK = "ship.lock";
    public static final String PID = "pid";
    /** The lock the agent's evidence writer ({@code EvidenceLog}) holds while its JVM lives. */
    public static final String WRITER_LOCK = ".lock";

    private LocalQueue() {
    }

    /** Turns off Chronicle's banner, announcements and analytics; call before any Chronicle use (the collector's and benchmarks' entry point). */
    public static void quietChronicle() {
        dev.warden.agent.evidence.ChronicleSetup.quiet();
    }

    /** Whether {@code dir} holds a Chronicle Queue (its metadata file exists). */
    public static boolean isQueue(Path dir) {
        return Files.exists(dir.resolve("metadata.cq4t"));
    }

    public static SingleChronicleQueue open(Path dir) {
        quietChronicle();
        return SingleChronicleQueueBuilder.binary(dir).build();
    }

    /** Every {@code DIR/<agent>/<instance>} that holds a queue, skipping dot-directories. */
    public static List<Path> instances(Path evidenceDir) {
        List<Path> out = new ArrayList<>();
        File[] agents = evidenceDir.toFile().listFiles(f -> f.isDirectory() && !f.getName().startsWith("."));
        if (agents == null) {
            return out;
        }
        for (File a : agents) {
            File[] inst = a.listFiles(f -> f.isDirectory() && !f.getName().startsWith("."));
            if (inst != null) {
                for (File i : inst) {
                    if (isQueue(i.toPath())) {
                        out.add(i.toPath());
                    }
                }
            }
        }
        return out;
    }

    /**
     * Takes the instance's ship lock for the life of this process, or returns null when another
     * process (or this one) holds it or its writer's pid is alive.
     */
    public static FileChannel tryLock(Path instanceDir, boolean checkPid) {
        if (checkPid && (pidAlive(instanceDir) || writerAlive(instanceDir))) {
            return null;
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(instanceDir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock();
            if (lock == null) {
                ch.close();
                return null;
            }
            return ch;
        } catch (OverlappingFileLockException | IOException e) {
            closeQuietly(ch);
            return null;
        }
    }

    /**
     * Whether another process holds the writer's lock. Never asked of this JVM's own instance:
     * closing the probe's channel would drop this process's lock on the same file.
     */
    private static boolean writerAlive(Path instanceDir) {
        Path f = instanceDir.resolve(WRITER_LOCK);
        if (!Files.exists(f)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean pidAlive(Path instanceDir) {
        Path pid = instanceDir.resolve(PID);
        if (!Files.exists(pid)) {
            return false;
        }
        try {
            String s = Files.readString(pid).trim();
            long p = Long.parseLong(s.split("\\s+")[0]);
            return p != ProcessHandle.current().pid() && ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // nothing useful to do
            }
        }
    }

    /** The file that holds {@code cycle} of a queue with roll cycle {@code rc}. */
    public static File cycleFile(SingleChronicleQueue q, int cycle) {
        RollCycle rc = q.rollCycle();
        String name = DateTimeFormatter.ofPattern(rc.format()).withZone(ZoneOffset.UTC)
                .format(Instant.ofEpochMilli((long) cycle * rc.lengthInMillis()));
        return new File(q.file(), name + SingleChronicleQueue.SUFFIX);
    }
}
