package dev.warden.collector;

import dev.warden.rules.evidence.EvidenceCodec;
import dev.warden.rules.evidence.EvidenceRecord;
import dev.warden.rules.evidence.wire.ChainHasher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * {@code audit verify}: recomputes every instance's hash chain, the store chain and every
 * checkpoint's signature, and reports the first excerpt that does not hold, naming it. Modelled
 * on CloudTrail's {@code validate-logs} (every digest signed and chained to the previous one; a
 * missing or altered file is named) and transparency-log checkpoint checks (a signed head that
 * must match the recomputed tree).
 *
 * <p>What each tampering looks like here: a modified record no longer hashes to its chain hash;
 * a record deleted, inserted or moved breaks the store sequence, the instance's positions or the
 * store chain at that excerpt; chains recomputed by a forger no longer match the next signed
 * checkpoint; a forged checkpoint fails its signature; a store cut short lacks the checkpoint
 * that {@code checkpoint.latest} names. Gaps and broken links that the collector recorded at
 * ingest are reported as warnings: the store is intact, the trail says what arrived.
 *
 * <p>How the work is split: the calling thread reads the store in order and checks everything
 * that depends on order (sequence numbers, positions, the store chain, checkpoints, which only
 * need the chain hashes as stored). Whether each record's content hashes to its stored chain
 * hash after the stored previous hash is independent of every other record, so those checks
 * (the expensive part: canonical JSON and SHA-256 of the whole record) go in batches to
 * {@code threads - 1} worker threads ({@code warden-verify-N}); with one thread everything runs
 * inline. The first problem in store order is reported whichever thread found it. Records are
 * never decoded, except to name one that fails.
 *
 * <p>A Verifier runs one verification at a time; it opens the store read-only.
 */
public final class Verifier {
    /** What verification found. */
    public static final class Result {
        public boolean ok = true;
        public String problem;
        public long records;
        public long checkpoints;
        public long excerpts;
        public long unsealed;
        public final List<String> warnings = new ArrayList<>();
        public long nanos;
        /** The store sequence of the excerpt {@link #problem} names (Long.MAX_VALUE while ok); read without a lock by every thread. */
        private volatile long problemSeq = Long.MAX_VALUE;
        private int problemRank;

        void fail(String p) {
            fail(Long.MAX_VALUE - 1, AFTER_CONTENT, p);
        }

        /**
         * Keeps the problem found earliest in store order whichever thread found it; for one
         * excerpt, in the order the checks read: its form and position, then its content, then
         * the store chain.
         */
        synchronized void fail(long seq, int rank, String p) {
            if (ok || seq < problemSeq || (seq == problemSeq && rank < problemRank)) {
                ok = false;
                problem = p;
                problemSeq = seq;
                problemRank = rank;
            }
        }

        long problemSeq() {
            return problemSeq;
        }
    }

    static final int BEFORE_CONTENT = 0;
    static final int CONTENT = 1;
    static final int AFTER_CONTENT = 2;

    /** One instance's chain as verified so far (chain hashes as stored). */
    private static final class Chain {
        final String instance;
        long position;
        final byte[] hash = new byte[32];
        boolean hasHash;

        Chain(String instance) {
            this.instance = instance;
        }
    }

    /** Where verification last succeeded, turned into words only when something fails. */
    private static final class Place {
        boolean checkpoint;
        long checkpointNumber;
        long storeSeq = -1;
        Chain chain;
        long recordSeq;
        long position;

        void record(long storeSeq, Chain chain, long recordSeq, long position) {
            this.checkpoint = false;
            this.storeSeq = storeSeq;
            this.chain = chain;
            this.recordSeq = recordSeq;
            this.position = position;
        }

        void checkpoint(long storeSeq, long number) {
            this.checkpoint = true;
            this.storeSeq = storeSeq;
            this.checkpointNumber = number;
        }

        @Override
        public String toString() {
            if (storeSeq < 0) {
                return "the start of the store";
            }
            return checkpoint ? "checkpoint #" + checkpointNumber + " (excerpt " + storeSeq + ")"
                    : recordName(chain.instance, recordSeq, storeSeq, position);
        }
    }

    static String recordName(String instance, long recordSeq, long storeSeq, long position) {
        return "record " + (instance.isEmpty() ? "?" : instance + "-" + recordSeq) + " (excerpt " + storeSeq + ", instance position " + position + ")";
    }

    /** Records whose content a worker checks: bytes, previous and expected chain hashes, where they sit. */
    private static final class Batch {
        static final int SIZE = 2048;
        byte[] data = new byte[SIZE * 512];
        int used;
        int n;
        final int[] off = new int[SIZE];
        final int[] len = new int[SIZE];
        final long[] storeSeq = new long[SIZE];
        final long[] position = new long[SIZE];
        final boolean[] hasPrev = new boolean[SIZE];
        final byte[] prev = new byte[SIZE * 32];
        final byte[] expected = new byte[SIZE * 32];
        boolean last;

        void add(byte[] b, int o, int l, long seq, long pos, byte[] prevHash, byte[] chainHash) {
            if (used + l > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, used + l));
            }
            System.arraycopy(b, o, data, used, l);
            off[n] = used;
            len[n] = l;
            used += l;
            storeSeq[n] = seq;
            position[n] = pos;
            hasPrev[n] = prevHash != null;
            if (prevHash != null) {
                System.arraycopy(prevHash, 0, prev, n * 32, 32);
            }
            System.arraycopy(chainHash, 0, expected, n * 32, 32);
            n++;
        }

        boolean full(int nextLength) {
            return n == SIZE || (used + nextLength > data.length && n > 0);
        }

        void clear() {
            used = 0;
            n = 0;
            last = false;
        }
    }

    /** Checks the records of a batch against their stored chain hashes; reports failures to the result. */
    private static final class ContentCheck {
        private final ChainHasher hasher = new ChainHasher();
        private final byte[] computed = new byte[32];
        private final byte[] prev = new byte[32];

        void check(Batch b, Result res) {
            for (int i = 0; i < b.n; i++) {
                if (b.storeSeq[i] > res.problemSeq()) {
                    return; // an earlier problem is already known
                }
                byte[] p = null;
                if (b.hasPrev[i]) {
                    System.arraycopy(b.prev, i * 32, prev, 0, 32);
                    p = prev;
                }
                try {
                    hasher.hash(p, b.data, b.off[i], b.len[i], computed, 0);
                } catch (IllegalArgumentException ex) {
                    res.fail(b.storeSeq[i], CONTENT, "the record at excerpt " + b.storeSeq[i] + " (instance position " + b.position[i]
                            + ") is unreadable: " + ex.getMessage() + " (modified)");
                    return;
                }
                if (!Arrays.equals(computed, 0, 32, b.expected, i * 32, i * 32 + 32)) {
                    EvidenceRecord r = EvidenceCodec.decode(b.data, b.off[i], b.len[i], new EvidenceRecord());
                    res.fail(b.storeSeq[i], CONTENT, recordName(r.instance == null ? "" : r.instance, r.seq, b.storeSeq[i], b.position[i])
                            + ": its content does not match its hash (modified)");
                    return;
                }
            }
        }
    }

    /** Runs content checks inline or on worker threads. */
    private static final class Checks {
        private final Result res;
        private final ContentCheck inline;
        private final BlockingQueue<Batch> work;
        private final BlockingQueue<Batch> free;
        private final List<Thread> workers = new ArrayList<>();
        private Batch current;

        Checks(int workerCount, Result res) {
            this.res = res;
            if (workerCount <= 0) {
                inline = new ContentCheck();
                work = null;
                free = null;
                current = new Batch();
                return;
            }
            inline = null;
            int batches = workerCount * 3;
            work = new ArrayBlockingQueue<>(batches + workerCount);
            free = new ArrayBlockingQueue<>(batches);
            for (int i = 0; i < batches; i++) {
                free.add(new Batch());
            }
            for (int i = 0; i < workerCount; i++) {
                Thread t = new Thread(this::work, "warden-verify-" + (i + 1));
                t.setDaemon(true);
                workers.add(t);
                t.start();
            }
        }

        private void work() {
            ContentCheck check = new ContentCheck();
            try {
                while (true) {
                    Batch b = work.take();
                    if (b.last) {
                        return;
                    }
                    try {
                        check.check(b, res);
                    } catch (RuntimeException e) {
                        res.fail(b.storeSeq[0], CONTENT, "verification failed at excerpt " + b.storeSeq[0] + ": " + e);
                    }
                    b.clear();
                    free.put(b); // always handed back: the reading thread waits for free batches
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void add(byte[] b, int off, int len, long seq, long pos, byte[] prevHash, byte[] chainHash) throws InterruptedException {
            if (current == null) {
                current = free.take();
            }
            if (current.full(len)) {
                flush();
                current = inline != null ? current : free.take();
            }
            current.add(b, off, len, seq, pos, prevHash, chainHash);
        }

        private void flush() throws InterruptedException {
            if (current == null || current.n == 0) {
                return;
            }
            if (inline != null) {
                inline.check(current, res);
                current.clear();
            } else {
                work.put(current);
                current = null;
            }
        }

        /** Checks what is left and waits for the workers. */
        void finish() throws InterruptedException {
            flush();
            if (inline == null) {
                for (int i = 0; i < workers.size(); i++) {
                    Batch stop = new Batch();
                    stop.last = true;
                    work.put(stop);
                }
                for (Thread t : workers) {
                    t.join();
                }
            }
        }

        void abandon() {
            for (Thread t : workers) {
                t.interrupt();
            }
        }
    }

    private final int threads;
    private final MessageDigest md;
    private final byte[] link = new byte[32];
    private final byte[] material = new byte[64];
    private final byte[] storeHash = new byte[32];
    private final Map<String, Chain> chainsByName = new HashMap<>();
    private BytesTable<Chain> chains;

    /** A verifier using every available processor. */
    public Verifier() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** A verifier using {@code threads} threads in all (1: everything on the calling thread). */
    public Verifier(int threads) {
        this.threads = Math.max(1, threads);
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Chain chain(String instance) {
        Chain c = chainsByName.get(instance);
        if (c == null) {
            c = new Chain(instance);
            chainsByName.put(instance, c);
            chains.put(instance.getBytes(StandardCharsets.UTF_8), c);
        }
        return c;
    }

    /** Verifies {@code store} against {@code key} (null: the store's own exported public key). */
    public Result verify(Path store, PublicKey key) throws IOException {
        long t0 = System.nanoTime();
        Result res = new Result();
        if (key == null) {
            Path pem = store.resolve(CollectorKeys.SIGNING_PUBLIC);
            if (!Files.exists(pem)) {
                throw new IOException(store + ": no " + CollectorKeys.SIGNING_PUBLIC + " (give --public-key FILE)");
            }
            key = CollectorKeys.readPublicKey(pem);
        }
        chainsByName.clear();
        chains = new BytesTable<>();
        Checks checks = new Checks(threads - 1, res);
        long lastSeq;
        Map<Long, byte[]> checkpointsBySeq = new HashMap<>();
        try (SingleChronicleQueue q = AuditStore.open(store); ExcerptTailer t = q.createTailer()) {
            lastSeq = scan(store, key, t, checks, res, checkpointsBySeq);
            checks.finish();
        } catch (InterruptedException e) {
            checks.abandon();
            Thread.currentThread().interrupt();
            throw new IOException("verification interrupted");
        } finally {
            checks.abandon();
        }
        if (res.ok) {
            checkLatest(store, key, lastSeq, checkpointsBySeq, res);
        }
        if (res.ok && res.unsealed > 0) {
            res.warnings.add(res.unsealed + " record(s) after the last checkpoint are chained but not yet signed");
        }
        if (!res.ok) {
            res.unsealed = 0;
        }
        res.nanos = System.nanoTime() - t0;
        return res;
    }

    /** Reads the store in order, doing every order-dependent check; returns the last excerpt's sequence number. */
    private long scan(Path store, PublicKey key, ExcerptTailer t, Checks checks, Result res, Map<Long, byte[]> checkpointsBySeq)
            throws InterruptedException {
        String keyId = CollectorKeys.keyId(key);
        boolean hasStoreHash = false;
        long lastSeq = 0;
        long lastCheckpointNumber = 0;
        byte[] lastCheckpointDigest = new byte[32];
        long recordsSinceCheckpoint = 0;
        Place lastGood = new Place();
        Place firstAfterCheckpoint = null;
        boolean first = true;
        Bytes<byte[]> buf = Bytes.allocateElasticOnHeap(64 * 1024);
        StoreEntry e = new StoreEntry();
        long[] peek = new long[3];
        while (true) {
            if (res.problemSeq() <= lastSeq) {
                break; // a worker found a problem before here: nothing later can come first
            }
            long idx;
            try (DocumentContext dc = t.readingDocument()) {
                if (!dc.isPresent()) {
                    break;
                }
                idx = dc.index();
                buf.clear();
                dc.wire().bytes().read(buf);
            } catch (RuntimeException ex) {
                res.fail(lastSeq + 1, BEFORE_CONTENT, "the store is unreadable after " + lastGood + ": " + ex.getMessage() + " (truncated or corrupted file)");
                break;
            }
            byte[] b = buf.underlyingObject();
            int len = (int) buf.readRemaining();
            try {
                e.parse(b, 0, len, idx);
            } catch (IllegalArgumentException ex) {
                res.fail(lastSeq + 1, BEFORE_CONTENT, "excerpt after " + lastGood + " is malformed: " + ex.getMessage());
                break;
            }
            res.excerpts++;
            if (first) {
                first = false;
                if (e.storeSeq != 1) {
                    Checkpoint anchor = e.kind == StoreEntry.CHECKPOINT ? Checkpoint.decode(b, e.payloadOff, e.payloadLen) : null;
                    if (anchor == null || !anchor.full || !rolledOffBefore(store, e.storeSeq)) {
                        res.fail(e.storeSeq, BEFORE_CONTENT, "the store begins at excerpt " + e.storeSeq + ": excerpts 1.." + (e.storeSeq - 1)
                                + " are missing and no retention roll-off of them is recorded in " + AuditStore.RETENTION_LOG);
                        break;
                    }
                    // anchored by retention: start from the full checkpoint's heads
                    for (Checkpoint.Head h : anchor.heads) {
                        Chain c = chain(h.instance());
                        c.position = h.position();
                        System.arraycopy(h.hash(), 0, c.hash, 0, 32);
                        c.hasHash = true;
                    }
                    if (anchor.storeHashBefore != null) {
                        System.arraycopy(anchor.storeHashBefore, 0, storeHash, 0, 32);
                        hasStoreHash = true;
                    }
                    lastSeq = e.storeSeq - 1;
                    lastCheckpointNumber = anchor.number - 1;
                    lastCheckpointDigest = anchor.prevCheckpoint;
                    res.records = anchor.records;
                    res.warnings.add("excerpts before " + e.storeSeq + " were rolled off by retention; verification starts at checkpoint #"
                            + anchor.number);
                }
            }
            if (e.storeSeq != lastSeq + 1) {
                res.fail(e.storeSeq, BEFORE_CONTENT, "excerpt " + e.storeSeq + " follows excerpt " + lastSeq + ": " + (e.storeSeq > lastSeq + 1
                        ? "excerpts " + (lastSeq + 1) + ".." + (e.storeSeq - 1) + " are missing here (deleted or moved)"
                        : "an excerpt was inserted or moved") + " (after " + lastGood + ")");
                break;
            }
            if (e.kind == StoreEntry.RECORD) {
                Chain c;
                try {
                    peekInstanceAndSeq(b, e.payloadOff, e.payloadLen, peek);
                    int instLen = (int) peek[1];
                    c = instLen < 0 ? chains.get(b, 0, 0) : chains.get(b, (int) peek[0], instLen);
                    if (c == null) {
                        c = chain(instLen < 0 ? "" : new String(b, (int) peek[0], instLen, StandardCharsets.UTF_8));
                    }
                } catch (IllegalArgumentException ex) {
                    res.fail(e.storeSeq, BEFORE_CONTENT, "excerpt " + e.storeSeq + " (after " + lastGood + "): the record is unreadable: " + ex.getMessage()
                            + " (modified)");
                    break;
                }
                long recordSeq = peek[2];
                long expected = c.hasHash || c.position > 0 ? c.position + 1 : 1;
                byte[] prev;
                if ((e.flags & StoreEntry.FLAG_GAP) != 0) {
                    if (e.position < expected) {
                        res.fail(e.storeSeq, BEFORE_CONTENT, recordName(c.instance, recordSeq, e.storeSeq, e.position) + ": position goes backwards (reordered or inserted)");
                        break;
                    }
                    res.warnings.add(recordName(c.instance, recordSeq, e.storeSeq, e.position) + ": the agent declared positions " + expected
                            + ".." + (e.position - 1) + " missing at ingest");
                    prev = e.prevHash;
                } else if (e.position != expected) {
                    res.fail(e.storeSeq, BEFORE_CONTENT, recordName(c.instance, recordSeq, e.storeSeq, e.position) + ": expected position " + expected
                            + " of instance " + c.instance + " — " + (e.position > expected ? "a record before it was deleted" : "it was reordered or inserted"));
                    break;
                } else if ((e.flags & StoreEntry.FLAG_BROKEN_LINK) != 0) {
                    res.warnings.add(recordName(c.instance, recordSeq, e.storeSeq, e.position)
                            + ": the agent's previous hash did not match at ingest (recorded as an integrity event)");
                    prev = e.prevHash;
                } else {
                    prev = c.hasHash ? c.hash : null;
                }
                checks.add(b, e.payloadOff, e.payloadLen, e.storeSeq, e.position, prev, e.chainHash);
                int m = StoreEntry.recordMaterial(material, e.position, e.flags, e.chainHash);
                StoreEntry.link(md, hasStoreHash ? storeHash : null, StoreEntry.RECORD, e.storeSeq, material, 0, m, link);
                if (!Arrays.equals(link, e.storeHash)) {
                    res.fail(e.storeSeq, AFTER_CONTENT, recordName(c.instance, recordSeq, e.storeSeq, e.position)
                            + ": the store chain breaks here (modified, inserted or reordered)");
                    break;
                }
                c.position = e.position;
                System.arraycopy(e.chainHash, 0, c.hash, 0, 32);
                c.hasHash = true;
                res.records++;
                recordsSinceCheckpoint++;
                if (firstAfterCheckpoint == null) {
                    firstAfterCheckpoint = new Place();
                    firstAfterCheckpoint.record(e.storeSeq, c, recordSeq, e.position);
                }
                lastGood.record(e.storeSeq, c, recordSeq, e.position);
            } else {
                Checkpoint cp;
                try {
                    cp = Checkpoint.decode(b, e.payloadOff, e.payloadLen);
                } catch (IllegalArgumentException ex) {
                    res.fail(e.storeSeq, BEFORE_CONTENT, "checkpoint at excerpt " + e.storeSeq + " is malformed: " + ex.getMessage());
                    break;
                }
                String cname = "checkpoint #" + cp.number + " (excerpt " + e.storeSeq + ")";
                if (!cp.verify(key)) {
                    res.fail(e.storeSeq, BEFORE_CONTENT, cname + ": the signature does not verify with key " + keyId + " (forged checkpoint)");
                    break;
                }
                String range = firstAfterCheckpoint == null ? "" : "; first record since the previous checkpoint: " + firstAfterCheckpoint;
                if (cp.number != lastCheckpointNumber + 1 || !Arrays.equals(cp.prevCheckpoint, lastCheckpointDigest)) {
                    res.fail(e.storeSeq, BEFORE_CONTENT, cname + ": does not follow checkpoint #" + lastCheckpointNumber + " (a checkpoint was removed or replaced)");
                    break;
                }
                if (cp.storeSeq != e.storeSeq || !Arrays.equals(cp.storeHashBefore, hasStoreHash ? storeHash : new byte[32])
                        || cp.records != res.records) {
                    res.fail(e.storeSeq, BEFORE_CONTENT, cname + ": the store before it is not what was signed (records were altered and rehashed" + range + ")");
                    break;
                }
                boolean headsOk = true;
                for (Checkpoint.Head h : cp.heads) {
                    Chain c = chainsByName.get(h.instance());
                    if (c == null || c.position != h.position() || !c.hasHash || !Arrays.equals(c.hash, h.hash())) {
                        res.fail(e.storeSeq, BEFORE_CONTENT, cname + ": instance " + h.instance() + " does not end where it was signed (position "
                                + h.position() + ")" + range);
                        headsOk = false;
                        break;
                    }
                }
                if (!headsOk) {
                    break;
                }
                md.reset();
                byte[] digest = md.digest(cp.encoded);
                StoreEntry.link(md, hasStoreHash ? storeHash : null, StoreEntry.CHECKPOINT, e.storeSeq, digest, 0, 32, link);
                if (!Arrays.equals(link, e.storeHash)) {
                    res.fail(e.storeSeq, BEFORE_CONTENT, cname + ": the store chain breaks here");
                    break;
                }
                checkpointsBySeq.put(e.storeSeq, digest);
                lastCheckpointNumber = cp.number;
                lastCheckpointDigest = digest;
                res.checkpoints++;
                recordsSinceCheckpoint = 0;
                firstAfterCheckpoint = null;
                lastGood.checkpoint(e.storeSeq, cp.number);
            }
            System.arraycopy(e.storeHash, 0, storeHash, 0, 32);
            hasStoreHash = true;
            lastSeq = e.storeSeq;
        }
        res.unsealed = recordsSinceCheckpoint;
        return lastSeq;
    }

    /**
     * Reads the instance's bounds and the seq of an encoded record without decoding it:
     * {@code out = {instanceOffset, instanceLength (-1: none), seq}}.
     */
    static void peekInstanceAndSeq(byte[] b, int off, int len, long[] out) {
        int end = off + len;
        if (len < 4 || b[off] != EvidenceCodec.MAGIC) {
            throw new IllegalArgumentException("not an evidence record");
        }
        int[] p = {off + 3};
        long n = varlong(b, p, end);
        if (n == 0) {
            out[0] = 0;
            out[1] = -1;
        } else {
            long l = n - 1;
            if (l < 0 || l > end - p[0]) {
                throw new IllegalArgumentException("truncated record");
            }
            out[0] = p[0];
            out[1] = l;
            p[0] += (int) l;
        }
        out[2] = varlong(b, p, end);
    }

    private static long varlong(byte[] b, int[] pos, int end) {
        long z = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos[0] >= end) {
                throw new IllegalArgumentException("truncated record");
            }
            int x = b[pos[0]++];
            z |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return (z >>> 1) ^ -(z & 1);
            }
        }
        throw new IllegalArgumentException("malformed varint");
    }

    private void checkLatest(Path store, PublicKey key, long lastSeq, Map<Long, byte[]> seen, Result res) throws IOException {
        Path f = store.resolve(AuditStore.LATEST);
        if (!Files.exists(f)) {
            if (res.checkpoints > 0) {
                res.fail(AuditStore.LATEST + " is missing: the store's end cannot be proven");
            }
            return;
        }
        byte[] b = Files.readAllBytes(f);
        StoreEntry e;
        Checkpoint cp;
        try {
            e = new StoreEntry().parse(b, 0, b.length, -1);
            cp = Checkpoint.decode(b, e.payloadOff, e.payloadLen);
        } catch (IllegalArgumentException ex) {
            res.fail(AuditStore.LATEST + " is malformed: " + ex.getMessage());
            return;
        }
        if (!cp.verify(key)) {
            res.fail(AuditStore.LATEST + ": checkpoint #" + cp.number + " has a forged signature");
            return;
        }
        if (cp.storeSeq > lastSeq) {
            res.fail("the store is truncated: it ends at excerpt " + lastSeq + " but checkpoint #" + cp.number
                    + " was signed at excerpt " + cp.storeSeq);
            return;
        }
        md.reset();
        byte[] digest = md.digest(cp.encoded);
        byte[] inStore = seen.get(cp.storeSeq);
        if (inStore == null || !Arrays.equals(inStore, digest)) {
            res.fail("checkpoint #" + cp.number + " in " + AuditStore.LATEST + " is not the one at excerpt " + cp.storeSeq + " of the store");
        }
    }

    private static boolean rolledOffBefore(Path store, long firstSeq) {
        Path log = store.resolve(AuditStore.RETENTION_LOG);
        if (!Files.exists(log)) {
            return false;
        }
        try {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (line.contains(" through-excerpt " + (firstSeq - 1) + " ") || line.endsWith(" through-excerpt " + (firstSeq - 1))) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
