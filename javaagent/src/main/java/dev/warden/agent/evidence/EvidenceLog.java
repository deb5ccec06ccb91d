package dev.warden.agent.evidence;

import dev.warden.rules.evidence.EvidenceCodec;
import dev.warden.rules.evidence.EvidenceRecord;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * This JVM's local evidence: one Chronicle Queue under {@code DIR/<agent>/<instance>/}, in which
 * each excerpt is exactly the {@code EvidenceCodec} bytes of one record (no Wire field names), so
 * the shipper and {@code warden evidence tail} read it back with {@code EvidenceCodec.decode}.
 *
 * <p>Hot path: an application thread stages its encoded record in the memory-mapped
 * {@link EvidenceRing} (one atomic claim and a copy: no lock, no I/O, no waiting on another
 * thread) and returns; the daemon thread {@code warden-evidence-writer} moves staged records to
 * the queue with a single Chronicle appender, so Chronicle's write lock is never contended and
 * its file rolls and chunk mappings never land on an application thread. Only when the ring is
 * full does the calling thread append to the queue itself. Both the ring and the queue are file
 * mappings, so every record survives a crash of the JVM ({@code kill -9}): what the writer had
 * not moved yet is read from the ring by {@link EvidenceQueueReader} and copied into the dead
 * instance's queue by the next JVM of the same agent ({@link #open}).
 *
 * <p>Threads: any number of application threads {@link #append} at once, each with its own
 * {@link Appender}; {@link #append} and {@link #nextSeq()} are lock-free and allocation-free.
 * The housekeeper calls {@link #checkSpace()}; appends are refused (and the failure mode applies)
 * while the disk is nearly full, because writing a memory-mapped file on a full disk crashes the
 * JVM with SIGBUS. When the writer cannot append all the same (the queue's file cannot grow: a
 * full disk, a quota, a file-size limit), records stay in the ring and every drain (about every
 * 10 ms) tries again; once the ring is full, appends fail at once rather than trying the queue
 * themselves. Each such episode is one stderr line, and its end another. A lock on
 * {@code .lock}, held for the JVM's life, tells readers and the next JVM which instance
 * directories belong to dead JVMs.
 */
public final class EvidenceLog implements AutoCloseable {
    static {
        ChronicleSetup.quiet(); // before any Chronicle class initialises
    }

    /** Below this many free bytes on the evidence file system, appends are refused. */
    public static final long MIN_FREE_BYTES = 64L << 20;
    /** Test seam for a full disk: the free space the pre-write check believes in, when set. */
    static final String FAKE_FREE_BYTES = "warden.test.evidence-free-bytes";
    /** Test seam for a writer that has fallen behind: staged records stay in the ring until the JVM dies. */
    static final String WRITER_PAUSED = "warden.test.evidence-writer-paused";
    static final String LOCK = ".lock";
    /** Chronicle maps its files in blocks of this size; small, because most agents write little. */
    static final long BLOCK_SIZE = 4L << 20;

    private final Path root;
    private final Path dir;
    private final String instance;
    /** Opened by the writer thread (Chronicle's start-up is slow); null until then. */
    private volatile SingleChronicleQueue queue;
    private final EvidenceRing ring;
    private final Runnable writerInit;
    private final AtomicLong seq = new AtomicLong();
    private final FileChannel lockChannel;
    private final Thread writer;
    private final Thread shutdownHook;
    private volatile boolean running = true;
    /** Set by {@link #awaitWritten}: open the queue without waiting for the start-up delay. */
    private volatile boolean openNow;
    /** How long after start the writer opens the Chronicle queue (unless needed sooner). */
    static final long OPEN_DELAY_NANOS = 2_000_000_000L;
    /** The writer dozes after this long without records... */
    private static final long DOZE_AFTER_NANOS = 1_000_000_000L;
    /** ...parking this long at a time (records stay durable in the ring meanwhile)... */
    private static final long DOZE_PARK_NANOS = 100_000_000L;
    /** ...unless an append finds this many bytes staged. */
    private static final int WAKE_WRITER_AT = EvidenceRing.CAPACITY / 64;
    private volatile String refusal;
    private volatile String writerProblem;
    /** What the failure mode does while evidence cannot be written; ends the one line that says so. */
    private volatile String failureNote = "the failure mode applies to governed calls";
    /** True while the writer is in its long idle park: an {@link #append} that finds the ring filling wakes it. */
    private volatile boolean writerDozing;
    /** Told (on the writer thread) each time records reached the queue; the shipper's wake-up. */
    private volatile Runnable drainListener;
    /** Whether the housekeeper's last space check refused appends (it reports changes, once each). */
    private boolean refusedBefore;
    /** The evidence directory's file system (housekeeper thread only). */
    private java.nio.file.FileStore store;

    private EvidenceLog(Path root, Path dir, String instance, EvidenceRing ring, FileChannel lockChannel, Runnable writerInit) {
        this.root = root;
        this.dir = dir;
        this.instance = instance;
        this.ring = ring;
        this.writerInit = writerInit;
        this.lockChannel = lockChannel;
        this.writer = new Thread(this::writeLoop, "warden-evidence-writer");
        this.writer.setDaemon(true);
        this.shutdownHook = new Thread(this::stopWriter, "warden-evidence-flush");
    }

    /**
     * Opens a new instance: its directory, lock and staging ring now (records can be appended at
     * once); the Chronicle queue, and the recovery of what dead instances of the same agent left
     * staged, on the writer thread, so Chronicle's slow start-up is not on the application's
     * start-up path. A failure is one line for the user.
     *
     * @param writerInit run first on the writer thread (the agent marks it as its own)
     */
    public static EvidenceLog open(Path root, String agent, String instance, Runnable writerInit) throws EvidenceException {
        Path dir = root.resolve(agent).resolve(instance);
        FileChannel channel = null;
        EvidenceRing ring = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            channel.lock();
            ring = EvidenceRing.open(dir);
            EvidenceLog log = new EvidenceLog(root, dir, instance, ring, channel, writerInit);
            log.checkSpace();
            log.writer.start();
            try {
                Runtime.getRuntime().addShutdownHook(log.shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting
            }
            return log;
        } catch (IOException | RuntimeException | LinkageError e) {
            closeQuietly(ring);
            closeQuietly(channel);
            throw new EvidenceException("evidence directory " + dir.toAbsolutePath() + " cannot be written (" + describe(e) + ")", e);
        }
    }

    public static EvidenceLog open(Path root, String agent, String instance) throws EvidenceException {
        return open(root, agent, instance, () -> { });
    }

    /** Opens a queue; read-only opens give up after half a second on a queue whose creation never finished. */
    static SingleChronicleQueue openQueue(Path dir, boolean readOnly) {
        Thread self = Thread.currentThread();
        ClassLoader before = self.getContextClassLoader();
        self.setContextClassLoader(EvidenceLog.class.getClassLoader());
        try {
            return SingleChronicleQueueBuilder.single(dir.toFile()).rollCycle(RollCycles.FAST_DAILY).blockSize(BLOCK_SIZE).readOnly(readOnly)
                    .timeoutMS(readOnly ? 500 : 10_000).build();
        } finally {
            self.setContextClassLoader(before);
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

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // already failing
            }
        }
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
        return new Appender();
    }

    /**
     * Sets the end of the line printed when evidence stops being writable (what the failure mode
     * does then, e.g. {@code failure=closed blocks governed calls}). Any thread.
     */
    public void failureNote(String note) {
        failureNote = note;
    }

    /**
     * Appends one encoded record: staged in the ring, or written to the queue when the ring is
     * full. Throws when the disk is nearly full or the queue fails; the caller applies the
     * failure mode. An exception whose {@link EvidenceException#reported()} is true has been
     * reported on stderr already (once for the whole episode).
     */
    public void append(Appender a, byte[] bytes, int length) throws EvidenceException {
        String refused = refusal;
        if (refused != null) {
            throw new EvidenceException(refused, null, true);
        }
        UnsafeBuffer view = a.view(bytes);
        if (ring.offer(view, length)) {
            if (writerDozing && ring.size() >= WAKE_WRITER_AT) {
                // a burst after a quiet spell: the writer would otherwise sleep through up to
                // DOZE_PARK_NANOS of it; one unpark per burst (the writer clears the flag)
                writerDozing = false;
                java.util.concurrent.locks.LockSupport.unpark(writer);
            }
            return;
        }
        String problem = writerProblem;
        if (problem != null && queue != null) {
            // the writer cannot write the queue (disk full): a direct append would fail the same way,
            // slowly. Fail at once; the writer retries and the ring takes records again once it can.
            throw new EvidenceException(problem, null, true);
        }
        // full: the writer is starved of CPU or blocked on the disk. Give it the processor for up
        // to a millisecond; only then append here, beside it (durable either way).
        long deadline = System.nanoTime() + 1_000_000L;
        while (System.nanoTime() < deadline) {
            Thread.yield();
            if (ring.offer(view, length)) {
                return;
            }
        }
        SingleChronicleQueue q = queue;
        if (q == null) {
            // a burst while the queue is still opening (the writer started it when the ring passed
            // a sixteenth): wait for room rather than fail, as long as the writer is working on it
            long patience = System.nanoTime() + 5_000_000_000L;
            while (queue == null && writerProblem == null && writer.isAlive() && System.nanoTime() < patience) {
                java.util.concurrent.locks.LockSupport.parkNanos(100_000L);
                if (ring.offer(view, length)) {
                    return;
                }
            }
            q = queue;
            if (q == null) {
                throw new EvidenceException("evidence queue under " + dir + " is not open (" + (writerProblem == null ? "still starting" : writerProblem)
                        + ") and the staging ring is full", null);
            }
        }
        try {
            a.writeDirect(q, bytes, length);
        } catch (RuntimeException e) {
            throw new EvidenceException("evidence could not be appended to " + dir + " (" + describe(e) + ")", e);
        }
    }

    /** The writer's problem line: the disk (or a file-size limit) said no. */
    private String writeProblem(Throwable e) {
        String what = describe(e);
        boolean full = what.contains("No space left") || what.contains("File too large") || what.contains("Disk quota");
        return "evidence cannot be written to " + dir + " (" + what + (full ? ": the disk is full or a file-size limit is reached" : "")
                + "); records are staged until the " + (EvidenceRing.CAPACITY >> 20) + " MiB staging ring is full, then " + failureNote
                + "; writing resumes by itself when space is back";
    }

    /** The real pre-write space check (housekeeper thread, about once a second). */
    public void checkSpace() {
        long free;
        String fake = System.getProperty(FAKE_FREE_BYTES);
        String r;
        try {
            if (fake != null) {
                free = Long.parseLong(fake);
            } else {
                java.nio.file.FileStore fs = store;
                if (fs == null) {
                    fs = Files.getFileStore(dir); // reads the mount table: once, not every second
                    store = fs;
                }
                try {
                    free = fs.getUsableSpace();
                } catch (IOException e) {
                    store = null; // unmounted or remounted: look the file system up again next time
                    throw e;
                }
            }
            r = free < MIN_FREE_BYTES
                    ? "evidence disk is full: " + (free >> 20) + " MiB free under " + dir + " (at least " + (MIN_FREE_BYTES >> 20) + " MiB needed)"
                    : null;
        } catch (IOException | RuntimeException e) {
            r = "evidence directory " + dir + " is unusable (" + describe(e) + ")";
        }
        refusal = r;
        // one line when appends start being refused, one when they are accepted again (not one per call)
        if (r != null && !refusedBefore) {
            System.err.println("warden: " + r + "; " + failureNote);
        } else if (r == null && refusedBefore) {
            System.err.println("warden: evidence disk has space again under " + dir + "; evidence is written again");
        }
        refusedBefore = r != null;
    }

    /**
     * Runs {@code listener} on the writer thread each time records have been moved to the queue
     * (the shipper uses it to wake from its quiet park). It must be cheap and must not throw.
     */
    public void onDrained(Runnable listener) {
        this.drainListener = listener;
    }

    /** Why appends are refused now, or null. */
    public String refusal() {
        return refusal;
    }

    /** Why the writer cannot move staged records to the queue now, or null. */
    public String writerProblem() {
        return writerProblem;
    }

    /** Bytes staged and not yet in the queue. */
    public int staged() {
        return ring.size();
    }

    /**
     * Opens the queue now rather than after the start-up delay: a shipper reads the queue, so
     * with a collector a record left staged at exit would reach the collector only when the next
     * JVM of this agent starts.
     */
    public void openPromptly() {
        openNow = true;
        java.util.concurrent.locks.LockSupport.unpark(writer);
    }

    /** Waits (up to {@code timeoutMillis}) until the queue is open and every staged record is in it; true when it is. */
    public boolean awaitWritten(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        openNow = true;
        java.util.concurrent.locks.LockSupport.unpark(writer);
        while (queue == null || ring.size() > 0) {
            if (System.nanoTime() > deadline || writerProblem != null && queue == null) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    // ---------------------------------------------------------------- the writer thread

    private void writeLoop() {
        writerInit.run();
        // Chronicle's start-up costs a few hundred milliseconds of CPU; on a small machine that
        // would be taken from the application's own start. Records are durable in the ring, so the
        // queue opens once the application had time to start, sooner if the ring fills or a
        // reader asks, and not at all if the JVM exits first (its records stay in the ring, where
        // readers and the next JVM find them).
        long openAt = System.nanoTime() + OPEN_DELAY_NANOS;
        while (running && !openNow && System.nanoTime() < openAt && ring.size() < EvidenceRing.CAPACITY / 16) {
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
        }
        if (!running && !openNow || shuttingDown()) {
            // the JVM began exiting: Chronicle's first use registers shutdown hooks and would fail
            // half-initialised (a stack trace on the application's stderr); the records stay staged
            return;
        }
        SingleChronicleQueue q;
        try {
            recoverDeadInstances(dir.getParent(), dir);
            q = openQueue(dir, false);
        } catch (RuntimeException | LinkageError e) {
            writerProblem = "evidence queue under " + dir + " cannot be opened (" + describe(e) + "); records stay staged";
            System.err.println("warden: " + writerProblem);
            return;
        }
        queue = q;
        ExcerptAppender appender = q.createAppender();
        Bytes<byte[]> scratch = Bytes.allocateElasticOnHeap(1024);
        byte[][] copy = {new byte[1024]};
        EvidenceRing.Sink sink = (buffer, offset, length) -> {
            try {
                if (copy[0].length < length) {
                    copy[0] = new byte[Math.max(length, copy[0].length * 2)];
                }
                buffer.getBytes(offset, copy[0], 0, length);
                scratch.clear();
                scratch.write(copy[0], 0, length);
                appender.writeBytes(scratch);
                if (writerProblem != null) {
                    writerProblem = null;
                    System.err.println("warden: evidence is written again to " + dir + " (the records staged meanwhile are moved to the queue)");
                }
                return true;
            } catch (RuntimeException e) {
                // a full disk or file-size limit (Chronicle cannot grow its file): the excerpt is not
                // written, the record stays in the ring, and the next drain (within ~10 ms) tries again
                if (writerProblem == null) {
                    writerProblem = writeProblem(e);
                    System.err.println("warden: " + writerProblem);
                }
                return false;
            }
        };
        // idle: park 1 ms, then up to 10 ms; after a second without records, DOZE_PARK_NANOS at a
        // time (10 wake-ups a second in an idle application, not 100), woken early by an append
        // that finds the ring filling. Records wait in the ring meanwhile, durable already; waking
        // less often takes less CPU from the application and moves records in batches.
        BackoffIdleStrategy idle = new BackoffIdleStrategy(1, 1, 1_000_000, 10_000_000);
        boolean paused = Boolean.getBoolean(WRITER_PAUSED);
        while (running && paused) {
            idle.idle();
        }
        long lastRecordNanos = System.nanoTime();
        while (running) {
            int n = ring.drain(sink, 4096);
            if (n > 0) {
                idle.reset();
                lastRecordNanos = System.nanoTime();
                Runnable l = drainListener;
                if (l != null) {
                    l.run();
                }
            } else if (System.nanoTime() - lastRecordNanos > DOZE_AFTER_NANOS) {
                writerDozing = true;
                if (ring.size() == 0 && running) {
                    java.util.concurrent.locks.LockSupport.parkNanos(this, DOZE_PARK_NANOS);
                }
                writerDozing = false;
            } else {
                idle.idle();
            }
        }
        while (ring.drain(sink, 4096) > 0) {
            // a last drain when stopping
        }
        appender.close();
    }

    /** True once the JVM has begun its shutdown (no shutdown hook can be added any more). */
    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> { }, "warden-shutdown-probe");
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException inProgress) {
            return true;
        }
    }

    private void stopWriter() {
        running = false;
        java.util.concurrent.locks.LockSupport.unpark(writer);
        // a JVM exiting while Chronicle is starting waits for it (a queue abandoned half-created
        // cannot be read); one exiting before the queue was opened leaves its records staged
        try {
            writer.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
        stopWriter();
        closeQuietly(ring);
        SingleChronicleQueue q = queue;
        if (q != null) {
            q.close();
        }
        closeQuietly(lockChannel);
    }

    // ---------------------------------------------------------------- dead instances

    /** True when no live JVM holds the instance directory's lock. */
    static boolean isDead(Path instanceDir) {
        Path lock = instanceDir.resolve(LOCK);
        if (!Files.exists(lock)) {
            return true;
        }
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.READ)) {
            FileLock l = ch.tryLock(0, Long.MAX_VALUE, true);
            if (l == null) {
                return false;
            }
            l.release();
            return true;
        } catch (OverlappingFileLockException heldHere) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** Copies what dead instances of this agent left staged into their own queues. */
    private static void recoverDeadInstances(Path agentDir, Path self) {
        try (DirectoryStream<Path> instances = Files.newDirectoryStream(agentDir)) {
            for (Path other : instances) {
                if (!other.equals(self) && Files.isRegularFile(other.resolve(EvidenceRing.FILE))) {
                    recover(other);
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("warden: could not recover the staged evidence of earlier runs under " + agentDir + " (" + describe(e) + ")");
        }
    }

    private static void recover(Path instanceDir) throws IOException {
        Path lockFile = instanceDir.resolve(LOCK);
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) {
                return; // alive, or being recovered by another JVM
            }
            List<byte[]> staged = new ArrayList<>();
            EvidenceRing.readUnconsumed(instanceDir.resolve(EvidenceRing.FILE), staged::add);
            if (!staged.isEmpty()) {
                try (SingleChronicleQueue q = openQueue(instanceDir, false)) {
                    Set<String> present = lastKeys(q, 4096);
                    ExcerptAppender a = q.createAppender();
                    Bytes<byte[]> scratch = Bytes.allocateElasticOnHeap(1024);
                    EvidenceRecord r = new EvidenceRecord();
                    for (byte[] bytes : staged) {
                        if (!present.contains(key(EvidenceCodec.decode(bytes, 0, bytes.length, r)))) {
                            scratch.clear();
                            scratch.write(bytes);
                            a.writeBytes(scratch);
                        }
                    }
                    a.close();
                }
            }
            EvidenceRing.markConsumed(instanceDir.resolve(EvidenceRing.FILE));
            l.release();
        }
    }

    /** {@code type:seq} of the last {@code n} records of a queue (a record staged and also written is among them). */
    static Set<String> lastKeys(SingleChronicleQueue q, int n) {
        Set<String> keys = new HashSet<>();
        ExcerptTailer t = q.createTailer().direction(TailerDirection.BACKWARD).toEnd();
        Bytes<byte[]> b = Bytes.allocateElasticOnHeap(1024);
        EvidenceRecord r = new EvidenceRecord();
        for (int i = 0; i < n; i++) {
            b.clear();
            if (!t.readBytes(b)) {
                break;
            }
            try {
                keys.add(key(EvidenceCodec.decode(b.underlyingObject(), (int) b.readPosition(), (int) b.readRemaining(), r)));
            } catch (IllegalArgumentException ignored) {
                // not a record: cannot be a duplicate of one
            }
        }
        t.close();
        return keys;
    }

    static String key(EvidenceRecord r) {
        return r.type.ordinal() + ":" + r.seq;
    }

    /** One thread's handle for appends: a view of its encoder's buffer, and (if ever needed) its own queue appender. Confined to that thread. */
    public static final class Appender {
        private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
        private byte[] viewed;
        private ExcerptAppender direct;
        private Bytes<byte[]> scratch;

        UnsafeBuffer view(byte[] bytes) {
            if (bytes != viewed) {
                view.wrap(bytes);
                viewed = bytes;
            }
            return view;
        }

        void writeDirect(SingleChronicleQueue queue, byte[] bytes, int length) {
            if (direct == null) {
                direct = queue.createAppender();
                scratch = Bytes.allocateElasticOnHeap(1024);
            }
            scratch.clear();
            scratch.write(bytes, 0, length);
            direct.writeBytes(scratch);
        }
    }
}
