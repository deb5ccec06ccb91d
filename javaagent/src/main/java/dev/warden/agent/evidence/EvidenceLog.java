package dev.warden.agent.evidence;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * This JVM's local evidence: one Chronicle Queue under {@code DIR/<agent>/<instance>/}, in which
 * each excerpt is exactly the {@code EvidenceCodec} bytes of one record (no Wire field names), so
 * the shipper and {@code warden evidence tail} read it back with {@code EvidenceCodec.decode}.
 * Durable across a crash of this JVM: records live in memory-mapped files the OS writes back.
 *
 * <p>Threads: any number of application threads append at once, each through its own
 * {@link Appender} (Chronicle appenders are single-threaded; Chronicle serialises the writes
 * with a short lock). {@link #append} is allocation-free. {@link #nextSeq()} is lock-free. The
 * housekeeper thread calls {@link #checkSpace()}; appends are refused (and the failure mode
 * applies) while the disk is nearly full, because writing a memory-mapped file on a full disk
 * crashes the JVM with SIGBUS.
 *
 * <p>A lock on {@code .lock} held for the JVM's life tells the shipper which instance
 * directories belong to dead JVMs (issue 6: their backlog is shipped by the next JVM).
 */
public final class EvidenceLog implements AutoCloseable {
    /** Below this many free bytes on the evidence file system, appends are refused. */
    public static final long MIN_FREE_BYTES = 64L << 20;
    /** Test seam for a full disk: the free space the pre-write check believes in, when set. */
    static final String FAKE_FREE_BYTES = "warden.test.evidence-free-bytes";

    private final Path root;
    private final Path dir;
    private final String instance;
    private final SingleChronicleQueue queue;
    private final AtomicLong seq = new AtomicLong();
    private final FileChannel lockChannel;
    @SuppressWarnings("unused")
    private final FileLock lock;
    private volatile String refusal;

    private EvidenceLog(Path root, Path dir, String instance, SingleChronicleQueue queue, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.dir = dir;
        this.instance = instance;
        this.queue = queue;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Opens (creating) the queue of a new instance; a failure is one line for the user. */
    public static EvidenceLog open(Path root, String agent, String instance) throws EvidenceException {
        Path dir = root.resolve(agent).resolve(instance);
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            ChronicleSetup.quiet();
            SingleChronicleQueue q = SingleChronicleQueueBuilder.single(dir.toFile())
                    .rollCycle(RollCycles.FAST_DAILY)
                    .build();
            EvidenceLog log = new EvidenceLog(root, dir, instance, q, channel, lock);
            log.checkSpace();
            return log;
        } catch (IOException | RuntimeException | LinkageError e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            throw new EvidenceException("evidence directory " + dir.toAbsolutePath() + " cannot be written (" + describe(e) + ")", e);
        }
    }

    static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    public Path root() {
        return root;
    }

    public Path dir() {
        return dir;
    }

    public String instance() {
        return instance;
    }

    /** The next record sequence number of this instance: 1, 2, 3, ... */
    public long nextSeq() {
        return seq.incrementAndGet();
    }

    /** A new appender for the calling thread (allocates; once per thread). */
    public Appender newAppender() {
        Thread self = Thread.currentThread();
        ClassLoader before = self.getContextClassLoader();
        self.setContextClassLoader(EvidenceLog.class.getClassLoader());
        try {
            return new Appender(queue.createAppender());
        } finally {
            self.setContextClassLoader(before);
        }
    }

    /**
     * Appends one encoded record. Throws when the disk is nearly full or the queue fails; the
     * caller applies the failure mode.
     */
    public void append(Appender a, byte[] bytes, int length) throws EvidenceException {
        String refused = refusal;
        if (refused != null) {
            throw new EvidenceException(refused, null);
        }
        try {
            Bytes<byte[]> b = a.scratch;
            b.clear();
            b.write(bytes, 0, length);
            a.appender.writeBytes(b);
        } catch (RuntimeException e) {
            throw new EvidenceException("evidence could not be appended to " + dir + " (" + describe(e) + ")", e);
        }
    }

    /** The real pre-write space check (housekeeper thread, about once a second). */
    public void checkSpace() {
        long free;
        String fake = System.getProperty(FAKE_FREE_BYTES);
        try {
            free = fake != null ? Long.parseLong(fake) : Files.getFileStore(dir).getUsableSpace();
        } catch (IOException | RuntimeException e) {
            refusal = "evidence directory " + dir + " is unusable (" + describe(e) + ")";
            return;
        }
        refusal = free < MIN_FREE_BYTES
                ? "evidence disk is full: " + (free >> 20) + " MiB free under " + dir + " (at least " + (MIN_FREE_BYTES >> 20) + " MiB needed)"
                : null;
    }

    /** Why appends are refused now, or null. */
    public String refusal() {
        return refusal;
    }

    @Override
    public void close() {
        queue.close();
        try {
            lockChannel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** One thread's handle on the queue: its Chronicle appender and a copy buffer. Confined to that thread. */
    public static final class Appender {
        final ExcerptAppender appender;
        final Bytes<byte[]> scratch = Bytes.allocateElasticOnHeap(1024);

        Appender(ExcerptAppender appender) {
            this.appender = appender;
        }
    }
}
