package dev.warden.collector;

import dev.warden.rules.evidence.wire.Frames;
import dev.warden.rules.evidence.wire.LinkKeys;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The collector's durable audit store: a Chronicle Queue under {@code STORE/queue} holding
 * exactly one copy of each record ({@link StoreEntry} describes an excerpt), the per-instance
 * chain heads that make de-duplication survive restarts, and signed {@link Checkpoint}s every
 * N records or T seconds (and first in every store file, and on close). The latest checkpoint
 * is also written to {@code STORE/checkpoint.latest}, so {@code audit verify} notices a store
 * cut short behind it.
 *
 * <p>An append returns once the excerpt is in the memory-mapped file: it survives a crash of the
 * collector process (kill -9), which is what an acknowledgement promises. On open, the heads
 * are rebuilt from the last full checkpoint and the excerpts after it.
 *
 * <p>Writer methods belong to one thread (the ingest thread). {@link #open(Path)} readers may be
 * created by any thread, each used by one thread.
 */
public final class AuditStore implements AutoCloseable {
    public static final String QUEUE = "queue";
    public static final String LATEST = "checkpoint.latest";
    public static final String RETENTION_LOG = "retention.log";
    /** Test seam: Chronicle's block size for the store file (default Chronicle's, 64 MiB). */
    static final String BLOCK_SIZE = "warden.test.store-block-size";

    /** One instance's chain head, as the store holds it. */
    public static final class Head {
        public long position;
        public final byte[] hash = new byte[32];
        boolean changed;
    }

    /** Settings with their defaults. */
    public static final class Options {
        public long checkpointEveryRecords = 10_000;
        public long checkpointEveryMillis = 5_000;
        public RollCycle rollCycle = RollCycles.FAST_DAILY;
    }

    private final Path dir;
    private final CollectorKeys keys;
    private final Options options;
    private final SingleChronicleQueue queue;
    private ExcerptAppender appender; // created by the writing thread (Chronicle appenders are single-threaded)
    private final Clock clock = new Clock();
    private final Map<String, Head> heads = new HashMap<>();
    private final MessageDigest md;
    private final Frames.Out out = new Frames.Out(64 * 1024);
    private final byte[] material = new byte[64];
    private final byte[] storeHash = new byte[32];
    /** The store hash an excerpt being written will have; becomes {@link #storeHash} once it is written. */
    private final byte[] nextHash = new byte[32];
    private final Bytes<byte[]> scratch = Bytes.allocateElasticOnHeap(64 * 1024);
    private long storeSeq;
    private long records;
    private long checkpointNumber;
    private byte[] prevCheckpointDigest = new byte[32];
    private long recordsAtCheckpoint;
    private long lastCheckpointMillis = System.currentTimeMillis();
    private int cycle = Integer.MIN_VALUE;
    private boolean dirty;

    private static final class Clock implements TimeProvider {
        volatile long millis = System.currentTimeMillis();

        @Override
        public long currentTimeMillis() {
            return millis;
        }
    }

    private AuditStore(Path dir, CollectorKeys keys, Options options) throws IOException {
        this.dir = dir;
        this.keys = keys;
        this.options = options;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        quietChronicle();
        Files.createDirectories(dir.resolve(QUEUE));
        SingleChronicleQueueBuilder builder = SingleChronicleQueueBuilder.binary(dir.resolve(QUEUE)).rollCycle(options.rollCycle).timeProvider(clock);
        Long blockSize = Long.getLong(BLOCK_SIZE); // test seam: a small store file reaches a file-size limit sooner
        if (blockSize != null) {
            builder.blockSize(blockSize);
        }
        queue = builder.build();
        recover();
    }

    /** Opens (creating when absent) a store for writing. */
    public static AuditStore openForWriting(Path dir, CollectorKeys keys, Options options) throws IOException {
        return new AuditStore(dir, keys, options);
    }

    /** Opens an existing store read-only (verify, export, the HTTP API). */
    public static SingleChronicleQueue open(Path dir) {
        quietChronicle();
        Path q = dir.resolve(QUEUE);
        if (!Files.isDirectory(q)) {
            throw new IllegalArgumentException(dir + ": not a Warden store (no " + QUEUE + "/ directory)");
        }
        return SingleChronicleQueueBuilder.binary(q).readOnly(true).build();
    }

    public Path directory() {
        return dir;
    }

    public SingleChronicleQueue queue() {
        return queue;
    }

    public Head head(String instance) {
        return heads.get(instance);
    }

    /** The head of {@code instance}, created (at position 0) when the store has none yet. */
    public Head headOrCreate(String instance) {
        return heads.computeIfAbsent(instance, k -> new Head());
    }

    public Map<String, Head> heads() {
        return heads;
    }

    public long records() {
        return records;
    }

    public long storeSeq() {
        return storeSeq;
    }

    public long checkpoints() {
        return checkpointNumber;
    }

    /** Rebuilds the heads, store hash and counters from the last full checkpoint and what follows it. */
    private void recover() {
        ExcerptTailer t = queue.createTailer();
        long startIndex = Long.MIN_VALUE;
        t.direction(TailerDirection.BACKWARD).toEnd();
        StoreEntry e = new StoreEntry();
        while (true) {
            try (DocumentContext dc = t.readingDocument()) {
                if (!dc.isPresent()) {
                    break;
                }
                scratch.clear();
                dc.wire().bytes().read(scratch);
                byte[] b = scratch.underlyingObject();
                if (scratch.readRemaining() > StoreEntry.HEAD && b[0] == StoreEntry.CHECKPOINT) {
                    e.parse(b, 0, (int) scratch.readRemaining(), dc.index());
                    Checkpoint c = Checkpoint.decode(b, e.payloadOff, e.payloadLen);
                    if (c.full) {
                        startIndex = dc.index();
                        break;
                    }
                }
            }
        }
        t.direction(TailerDirection.FORWARD);
        if (startIndex == Long.MIN_VALUE) {
            t.toStart();
        } else {
            t.moveToIndex(startIndex);
        }
        while (true) {
            try (DocumentContext dc = t.readingDocument()) {
                if (!dc.isPresent()) {
                    break;
                }
                scratch.clear();
                dc.wire().bytes().read(scratch);
                byte[] b = scratch.underlyingObject();
                e.parse(b, 0, (int) scratch.readRemaining(), dc.index());
                storeSeq = e.storeSeq;
                System.arraycopy(e.storeHash, 0, storeHash, 0, 32);
                cycle = queue.rollCycle().toCycle(dc.index());
                if (e.kind == StoreEntry.CHECKPOINT) {
                    Checkpoint c = Checkpoint.decode(b, e.payloadOff, e.payloadLen);
                    checkpointNumber = c.number;
                    records = c.records;
                    recordsAtCheckpoint = c.records;
                    md.reset();
                    prevCheckpointDigest = md.digest(c.encoded);
                    for (Checkpoint.Head h : c.heads) {
                        Head head = heads.computeIfAbsent(h.instance(), k -> new Head());
                        head.position = h.position();
                        System.arraycopy(h.hash(), 0, head.hash, 0, 32);
                    }
                } else {
                    String instance = RecordPeek.instance(b, e.payloadOff, e.payloadLen);
                    Head head = heads.computeIfAbsent(instance, k -> new Head());
                    head.position = e.position;
                    System.arraycopy(e.chainHash, 0, head.hash, 0, 32);
                    head.changed = true;
                    records++;
                    dirty = true;
                }
            }
        }
        t.close();
    }

    /** Hands the writer to the calling thread (Chronicle checks that one thread appends). */
    public void claimForCurrentThread() {
        if (appender != null) {
            appender.singleThreadedCheckReset();
        }
    }

    /** Sets the store's clock before a write (the roll cycle follows it). */
    private void tick() {
        long now = System.currentTimeMillis();
        clock.millis = now;
        int c = queue.cycle();
        if (c != cycle) {
            writeCheckpoint(true); // every store file starts with a full checkpoint
            cycle = c; // only once it is written: a failed write (disk full) is tried again
        }
    }

    /**
     * Appends a record excerpt for {@code instance} at {@code position}; the caller has checked
     * the chain. Returns the store sequence number.
     */
    public long appendRecord(String instance, long position, int flags, byte[] chainHash, byte[] prevHash,
                             byte[] rec, int off, int len) {
        return appendRecord(headOrCreate(instance), position, flags, chainHash, 0, prevHash, rec, off, len);
    }

    /**
     * Appends a record excerpt to the chain whose head is {@code h} (from {@link #headOrCreate});
     * the chain hash is read from {@code hashBuf[hashAt..+32)}. Allocation-free. When the write
     * fails (a full disk: Chronicle cannot grow the file) it throws and the store is unchanged,
     * so the same record can be appended again later.
     */
    public long appendRecord(Head h, long position, int flags, byte[] hashBuf, int hashAt, byte[] prevHash,
                             byte[] rec, int off, int len) {
        tick();
        long seq = storeSeq + 1;
        int m = StoreEntry.recordMaterial(material, position, flags, hashBuf, hashAt);
        StoreEntry.link(md, storeSeq == 0 ? null : storeHash, StoreEntry.RECORD, seq, material, 0, m, nextHash);
        StoreEntry.writeRecordHead(out, seq, nextHash, position, flags, hashBuf, hashAt, prevHash);
        out.bytes(rec, off, len);
        write(out.buffer(), out.length());
        System.arraycopy(nextHash, 0, storeHash, 0, 32);
        storeSeq = seq;
        records++;
        h.position = position;
        System.arraycopy(hashBuf, hashAt, h.hash, 0, 32);
        h.changed = true;
        dirty = true;
        return seq;
    }

    private void write(byte[] b, int len) {
        if (appender == null) {
            appender = queue.createAppender();
            // one thread writes (see the class comment); Chronicle's own check trips over tests that
            // drive an agent's queue from the same JVM, so it is switched off for this appender only
            appender.singleThreadedCheckDisabled(true);
        }
        DocumentContext dc = appender.writingDocument();
        try {
            dc.wire().bytes().write(b, 0, len);
        } catch (RuntimeException e) {
            dc.rollbackOnClose(); // nothing of a half-written excerpt stays in the store
            throw e;
        } finally {
            dc.close();
        }
    }

    /** Writes a checkpoint when N records or T milliseconds have passed since the last one. */
    public boolean checkpointIfDue(long nowMillis) {
        if (!dirty) {
            return false;
        }
        if (records - recordsAtCheckpoint >= options.checkpointEveryRecords
                || nowMillis - lastCheckpointMillis >= options.checkpointEveryMillis) {
            clock.millis = System.currentTimeMillis();
            if (queue.cycle() != cycle) {
                tick();
            } else {
                writeCheckpoint(false);
            }
            return true;
        }
        return false;
    }

    /** Writes a checkpoint now (used on close). */
    public void checkpointNow() {
        if (dirty) {
            clock.millis = System.currentTimeMillis();
            if (queue.cycle() != cycle) {
                tick();
            } else {
                writeCheckpoint(false);
            }
        }
    }

    private void writeCheckpoint(boolean full) {
        List<Checkpoint.Head> list = new ArrayList<>();
        for (Map.Entry<String, Head> en : heads.entrySet()) {
            Head h = en.getValue();
            if (h.position == 0) {
                continue; // created for a record that is being appended right now: not a head yet
            }
            if (full || h.changed) {
                list.add(new Checkpoint.Head(en.getKey(), h.position, h.hash.clone()));
            }
        }
        long seq = storeSeq + 1;
        Checkpoint c = Checkpoint.sign(checkpointNumber + 1, seq, clock.millis * 1000, prevCheckpointDigest,
                storeSeq == 0 ? null : storeHash.clone(), records, full, list, keys.keyId, keys.signing.getPrivate());
        md.reset();
        byte[] digest = md.digest(c.encoded);
        StoreEntry.link(md, storeSeq == 0 ? null : storeHash, StoreEntry.CHECKPOINT, seq, digest, 0, 32, nextHash);
        out.length(0);
        out.u8(StoreEntry.CHECKPOINT).i64(seq).fixed(nextHash, 32).bytes(c.encoded, 0, c.encoded.length);
        write(out.buffer(), out.length());
        // written: only now does the store move on (a failed write leaves it as it was)
        System.arraycopy(nextHash, 0, storeHash, 0, 32);
        for (Head h : heads.values()) {
            if (h.position != 0) {
                h.changed = false;
            }
        }
        storeSeq = seq;
        checkpointNumber = c.number;
        prevCheckpointDigest = digest;
        recordsAtCheckpoint = records;
        lastCheckpointMillis = clock.millis;
        dirty = false;
        try {
            Path tmp = dir.resolve(LATEST + ".tmp");
            Files.write(tmp, java.util.Arrays.copyOf(out.buffer(), out.length()));
            Files.move(tmp, dir.resolve(LATEST), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + dir.resolve(LATEST), e);
        }
    }

    /** The store files, oldest first, with their cycle numbers. */
    public List<File> cycleFiles() {
        List<File> files = new ArrayList<>();
        int first = queue.firstCycle();
        int last = queue.lastCycle();
        if (first == Integer.MAX_VALUE || last == Integer.MIN_VALUE) {
            return files;
        }
        for (long c : queue.listCyclesBetween(first, last)) {
            File f = cycleFile(queue, (int) c);
            if (f.exists()) {
                files.add(f);
            }
        }
        return files;
    }

    /** The file that holds {@code cycle} of a queue. */
    static File cycleFile(SingleChronicleQueue q, int cycle) {
        RollCycle rc = q.rollCycle();
        String name = java.time.format.DateTimeFormatter.ofPattern(rc.format()).withZone(java.time.ZoneOffset.UTC)
                .format(java.time.Instant.ofEpochMilli((long) cycle * rc.lengthInMillis()));
        return new File(q.file(), name + SingleChronicleQueue.SUFFIX);
    }

    /**
     * Turns off Chronicle's banner, announcements, analytics and disk monitor before its first
     * use, so nothing is printed or written to the user's home directory.
     */
    static void quietChronicle() {
        for (String k : new String[] {"chronicle.analytics.disable", "chronicle.announcer.disable", "disable.chronicle.banner",
            "chronicle.disk.monitor.disable", "jvmInfo.disable"}) {
            if (System.getProperty(k) == null) {
                System.setProperty(k, "true");
            }
        }
    }

    /** The cycle of the store file being written. */
    public int currentCycle() {
        return cycle;
    }

    public void refreshDirectoryListing() {
        queue.refreshDirectoryListing();
    }

    @Override
    public void close() {
        try {
            checkpointNow();
        } finally {
            if (appender != null) {
                appender.close();
            }
            queue.close();
        }
    }

    /** Writes a secret file (tokens) with owner-only permissions. */
    static void writeSecret(Path file, byte[] bytes) throws IOException {
        LinkKeys.writePrivate(file, bytes);
    }
}
