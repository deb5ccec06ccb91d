package dev.warden.agent.ship;

import dev.warden.rules.evidence.EvidenceCodec;
import dev.warden.rules.evidence.EvidenceRecord;
import dev.warden.rules.evidence.wire.ChainHasher;
import dev.warden.rules.evidence.wire.Frames;
import dev.warden.rules.evidence.wire.LinkKeys;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Ships one agent instance's local queue: tails it, numbers its records by position (1, 2, …
 * in queue order), extends the instance's hash chain, packs records into authenticated
 * batches, and moves its anchor forward as the collector acknowledges them. After a restart of
 * either side it seeks back to the last acknowledged record and resends from there; local cycle
 * files are deleted once every record in them is acknowledged, and a dead instance's whole
 * directory once it is fully shipped.
 *
 * <p>Confined to the shipper thread. Reading, hashing and framing reuse buffers and never
 * decode a record (the chain hash is computed from its encoded bytes): allocation-free per
 * record, except for the rare record that must be rewritten (unreadable, or too large for a
 * frame).
 */
final class InstanceFeed implements AutoCloseable {
    interface Sender {
        /** Offers a frame to the collector; false when it could not be sent now (retry later). */
        boolean offer(Frames.Out frame);

        boolean connected();
    }

    static final int MAX_FRAME = 60 * 1024;
    static final int MAX_RECORDS = 1024;
    static final long WINDOW = 32_768;
    static final long HELLO_EVERY_NANOS = 1_000_000_000L;
    static final long REWIND_AFTER_NANOS = 3_000_000_000L;
    /** How often the anchor is saved: a stale one only costs re-sending what the collector then drops as duplicates. */
    static final long SAVE_EVERY_NANOS = 1_000_000_000L;
    static final long RING_CHECK_NANOS = 1_000_000_000L;

    final Path dir;
    final String instance;
    final boolean own;
    private final FileChannel lock;
    private SingleChronicleQueue queue;
    private ExcerptTailer tailer;
    private long pendingDurable = -1;
    private byte[] pendingLastHash;
    private final KeyPair keys;
    private final byte[] agentPub;
    private final ShipState state;
    private final ShipCounters counters;
    private String agent;
    private String controlEndpoint;

    // link
    private LinkKeys.Macer macer;
    private byte[] linkKey;
    private long helloTime;
    private long counter;
    private long approvalCounter;
    private boolean welcomed;
    private long lastHelloNanos;

    // chain and progress
    private long nextPos = 1;
    private final byte[] prevHash = new byte[32];
    private boolean hasPrev;
    private long acked;
    private boolean gapPending;
    private final ArrayDeque<long[]> inflight = new ArrayDeque<>(); // {lastPos, lastIndex}
    private final ArrayDeque<byte[]> inflightHash = new ArrayDeque<>();
    private long lastProgressNanos;
    private long lastSaveNanos;
    private boolean stateDirty;
    private boolean drained;
    private int lastDeletedCycle = Integer.MIN_VALUE;
    private long lastRingCheckNanos = System.nanoTime() - RING_CHECK_NANOS;

    // reusable
    private final Frames.Out frame = new Frames.Out(MAX_FRAME + 1024);
    private final Bytes<byte[]> excerpt = Bytes.allocateElasticOnHeap(4096);
    private final EvidenceRecord record = new EvidenceRecord();
    private final ChainHasher hasher = new ChainHasher();
    private final EvidenceCodec.Writer rewriter = new EvidenceCodec.Writer(4096);
    private int[] hashOffsets = new int[MAX_RECORDS];
    // the record being framed: the excerpt's bytes, or its rewrite; its chain hash after prevHash
    private byte[] curBytes;
    private int curOff;
    private int curLen;
    private final byte[] curHash = new byte[32];
    /** The largest record a batch carries whole (the batch header's size depends only on the instance). */
    private final int maxRecord;
    private boolean carry;
    private long carryIndex;
    private byte[] pendingFrame;
    private int pendingLength;

    InstanceFeed(Path dir, String agent, boolean own, FileChannel lock, String controlEndpoint, ShipCounters counters) throws IOException {
        this.dir = dir;
        this.instance = dir.getFileName().toString();
        this.agent = agent;
        this.own = own;
        this.lock = lock;
        this.controlEndpoint = controlEndpoint;
        this.counters = counters;
        this.keys = LinkKeys.loadOrCreate(dir.resolve("ship.key"));
        this.agentPub = LinkKeys.raw(keys.getPublic());
        this.state = ShipState.load(dir);
        this.acked = state.anchorPosition;
        int batchHeader = Frames.HEADER + 2 + instance.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 3 * 8 + 4 + 1 + 32;
        this.maxRecord = MAX_FRAME - batchHeader - Frames.RECORD_OVERHEAD - Frames.MAC;
        openQueue();
        if (state.collectorPub != null) {
            deriveKey(state.collectorPub);
        }
    }

    /** Opens the local queue once the agent has created it (the link works before that). */
    private boolean openQueue() {
        if (queue != null) {
            return true;
        }
        if (!LocalQueue.isQueue(dir)) {
            return false;
        }
        queue = LocalQueue.open(dir);
        tailer = queue.createTailer();
        seek(state.anchorPosition, state.anchorIndex, state.anchorHash);
        if (pendingDurable >= 0) {
            resumeFrom(pendingDurable, pendingLastHash);
            pendingDurable = -1;
        }
        return true;
    }

    long acked() {
        return acked;
    }

    long nextPosition() {
        return nextPos;
    }

    boolean welcomed() {
        return welcomed;
    }

    long helloTime() {
        return helloTime;
    }

    /** Approval requests number themselves apart from batches (a batch held back by back-pressure keeps its number). */
    long nextApprovalCounter() {
        return ++approvalCounter;
    }

    LinkKeys.Macer macer() {
        return macer;
    }

    /** Everything read from the queue so far is acknowledged and nothing more was there at the last look. */
    boolean caughtUp() {
        return welcomed && drained && acked == nextPos - 1 && !carry && pendingFrame == null;
    }

    /**
     * A dead instance whose every record the collector holds, and whose staging ring holds
     * nothing more: records its JVM staged but had not written yet are appended to its queue by
     * the next JVM of the same agent ({@code EvidenceLog}), and must be shipped before the
     * directory goes. The ring is read only once everything else is shipped.
     */
    boolean finished() {
        return !own && drained && welcomed && acked == nextPos - 1 && !carry && pendingFrame == null && !stagedRecordsLeft();
    }

    private boolean stagedRecordsLeft() {
        java.nio.file.Path ring = dir.resolve(dev.warden.agent.evidence.EvidenceRing.FILE);
        if (!java.nio.file.Files.exists(ring)) {
            return false;
        }
        long now = System.nanoTime();
        if (now - lastRingCheckNanos < RING_CHECK_NANOS) {
            return true; // checked a moment ago: wait for the next look
        }
        lastRingCheckNanos = now;
        int[] n = {0};
        try {
            dev.warden.agent.evidence.EvidenceRing.readUnconsumed(ring, b -> n[0]++);
        } catch (IOException | RuntimeException e) {
            return false; // unreadable: nothing can be recovered from it either
        }
        return n[0] > 0;
    }

    private void deriveKey(byte[] collectorPub) {
        linkKey = LinkKeys.linkKey(keys.getPrivate(), collectorPub, instance, agentPub, collectorPub);
        macer = new LinkKeys.Macer(linkKey);
    }

    /** Positions the tailer after {@code pos} (whose index and hash are given; index -1: the start). */
    private void seek(long pos, long index, byte[] hash) {
        carry = false;
        pendingFrame = null;
        inflight.clear();
        inflightHash.clear();
        if (index < 0 || pos == 0) {
            tailer.toStart();
            nextPos = 1;
            prev(null);
            gapPending = false;
            return;
        }
        if (tailer.moveToIndex(index)) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (dc.isPresent()) {
                    nextPos = pos + 1;
                    prev(hash);
                    gapPending = false;
                    return;
                }
            }
        }
        // the anchor's file is gone: ship what is left and declare the gap
        tailer.toStart();
        nextPos = pos + 1;
        prev(hash);
        gapPending = true;
        counters.gapsDeclared.increment();
    }

    private void prev(byte[] hash) {
        hasPrev = hash != null;
        if (hasPrev) {
            System.arraycopy(hash, 0, prevHash, 0, 32);
        }
    }

    /** The previous hash as the chain hasher takes it (null before the first record). */
    private byte[] prevOrNull() {
        return hasPrev ? prevHash : null;
    }

    /** Sends HELLO when due. */
    void hello(Sender out, long now) {
        if (welcomed || now - lastHelloNanos < HELLO_EVERY_NANOS || !out.connected()) {
            return;
        }
        if (helloTime == 0 || lastHelloNanos != 0) {
            helloTime = Math.max(helloTime + 1, System.currentTimeMillis() * 1000);
            counter = 0;
        }
        frame.start(Frames.HELLO).str(instance).str(agent).i64(helloTime).fixed(agentPub, 32).str(controlEndpoint);
        if (macer != null) {
            frame.u8(Frames.FLAG_MAC);
            macer.sign(frame);
        } else {
            frame.u8(0);
        }
        if (out.offer(frame)) {
            lastHelloNanos = now;
            counters.hellos.increment();
        }
    }

    void controlEndpoint(String endpoint) {
        this.controlEndpoint = endpoint;
    }

    /** The collector restarted or the link came back: say hello again before sending more. */
    void reconnect() {
        welcomed = false;
        lastHelloNanos = 0;
        helloTime = 0;
        pendingFrame = null;
    }

    void onWelcome(long hTime, byte[] collectorPub, long durable, byte[] lastHash, byte[] b, int off, int len) {
        if (hTime != helloTime || welcomed) {
            return;
        }
        byte[] oldKey = linkKey;
        deriveKey(collectorPub);
        if (!macer.verify(b, off, len)) {
            counters.badControl.increment();
            if (oldKey != null) {
                linkKey = oldKey;
                macer = new LinkKeys.Macer(oldKey);
            }
            return;
        }
        if (state.collectorPub != null && !Arrays.equals(state.collectorPub, collectorPub)) {
            counters.collectorKeyChanged.increment();
        }
        state.collectorPub = collectorPub;
        stateDirty = true;
        welcomed = true;
        lastProgressNanos = System.nanoTime();
        if (queue == null) {
            pendingDurable = durable;
            pendingLastHash = lastHash;
            acked = Math.max(acked, durable);
            return;
        }
        resumeFrom(durable, lastHash);
    }

    /** Seeks to what the collector holds: its durable position for this instance. */
    private void resumeFrom(long durable, byte[] lastHash) {
        if (durable < state.anchorPosition) {
            // the collector holds less than it once acknowledged: send what is still here
            seek(state.anchorPosition, state.anchorIndex, state.anchorHash);
            if (durable < state.anchorPosition) {
                gapPending = true;
            }
            acked = durable;
            return;
        }
        seek(state.anchorPosition, state.anchorIndex, state.anchorHash);
        // skip (re-hashing) what the collector already has
        while (nextPos <= durable) {
            long idx = readNext();
            if (idx == Long.MIN_VALUE) {
                break;
            }
            prepare(maxRecord);
            prev(curHash);
            state.anchorPosition = nextPos;
            state.anchorIndex = idx;
            state.anchorHash = curHash.clone();
            nextPos++;
        }
        acked = Math.min(durable, nextPos - 1);
        if (lastHash != null && acked == durable && hasPrev && !Arrays.equals(lastHash, prevHash)) {
            counters.chainMismatch.increment(); // the collector records the broken link itself
        }
        stateDirty = true;
    }

    void onAck(long hTime, long durable, boolean rewind) {
        if (hTime != helloTime) {
            return;
        }
        long now = System.nanoTime();
        if (durable > acked) {
            acked = durable;
            lastProgressNanos = now;
            while (!inflight.isEmpty() && inflight.peekFirst()[0] <= durable) {
                long[] b = inflight.pollFirst();
                byte[] h = inflightHash.pollFirst();
                state.anchorPosition = b[0];
                state.anchorIndex = b[1];
                state.anchorHash = h;
                stateDirty = true;
            }
        }
        if (rewind && queue != null && durable < nextPos - 1) {
            counters.rewinds.increment();
            seek(state.anchorPosition, state.anchorIndex, state.anchorHash);
            acked = Math.max(acked, state.anchorPosition);
            lastProgressNanos = now;
        }
    }

    /** Reads the next excerpt into {@link #excerpt} and points the current record at it; returns its index or MIN_VALUE at the end. */
    private long readNext() {
        long idx;
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                return Long.MIN_VALUE;
            }
            excerpt.clear();
            dc.wire().bytes().read(excerpt);
            idx = dc.index();
        }
        curBytes = excerpt.underlyingObject();
        curOff = (int) excerpt.readPosition();
        curLen = (int) excerpt.readRemaining();
        return idx;
    }

    /**
     * Hashes the current record after {@link #prevHash} into {@link #curHash}, straight from its
     * bytes. A record longer than {@code maxLength} is cut down first (keeping a digest of the
     * whole); an unreadable one is replaced by an event that says so, which takes its place in
     * the chain.
     */
    private void prepare(int maxLength) {
        if (curLen > maxLength) {
            try {
                EvidenceCodec.decode(curBytes, curOff, curLen, record);
                truncate(curBytes, curOff, curLen);
                point(rewriter.buffer(), 0, rewriter.length());
            } catch (IllegalArgumentException e) {
                unreadable(e);
            }
        }
        try {
            hasher.hash(prevOrNull(), curBytes, curOff, curLen, curHash, 0);
        } catch (IllegalArgumentException e) {
            unreadable(e);
            hasher.hash(prevOrNull(), curBytes, curOff, curLen, curHash, 0);
        }
    }

    private void point(byte[] b, int off, int len) {
        curBytes = b;
        curOff = off;
        curLen = len;
    }

    /** Replaces the current (unreadable) local record by an event carrying its digest. */
    private void unreadable(IllegalArgumentException e) {
        byte[] digest = hasher.sha256(curBytes, curOff, curLen);
        record.clear();
        record.type = EvidenceRecord.Type.EVENT;
        record.instance = instance;
        record.agent = agent;
        record.seq = nextPos;
        record.timeMicros = System.currentTimeMillis() * 1000;
        record.event = "unreadable-local-record";
        record.reason = e.getMessage();
        record.outcomeDetail = "sha256:" + ChainHasher.hex(digest);
        encodeRecord();
        point(rewriter.buffer(), 0, rewriter.length());
        counters.unreadable.increment();
    }

    /**
     * Sends what is ready: a pending frame first, then new batches while the window allows.
     * Returns the amount of work done (0 when idle).
     */
    int pump(Sender out, long now) {
        if (!welcomed) {
            hello(out, now);
            return 0;
        }
        if (queue == null && !openQueue()) {
            return 0;
        }
        if (pendingFrame != null) {
            frame.length(0);
            frame.bytes(pendingFrame, 0, pendingLength);
            if (!out.offer(frame)) {
                return 0;
            }
            pendingFrame = null;
        }
        int work = 0;
        if (nextPos - 1 - acked >= WINDOW || (!inflight.isEmpty() && now - lastProgressNanos > REWIND_AFTER_NANOS)) {
            if (!inflight.isEmpty() && now - lastProgressNanos > REWIND_AFTER_NANOS) {
                counters.rewinds.increment();
                seek(state.anchorPosition, state.anchorIndex, state.anchorHash);
                lastProgressNanos = now;
                return 1;
            }
            return 0;
        }
        for (int batches = 0; batches < 4 && nextPos - 1 - acked < WINDOW; batches++) {
            int n = buildBatch();
            if (n == 0) {
                drained = true;
                break;
            }
            drained = false;
            work += n;
            if (inflight.size() == 1) {
                lastProgressNanos = now; // the window was empty: the ack clock starts now
            }
            if (!out.offer(frame)) {
                pendingFrame = Arrays.copyOf(frame.buffer(), frame.length());
                pendingLength = frame.length();
                counters.backPressured.increment();
                break;
            }
            counters.batchesSent.increment();
            counters.recordsSent.add(n);
        }
        maybeSave(now);
        return work;
    }

    private int buildBatch() {
        frame.start(Frames.BATCH).str(instance).i64(helloTime).i64(++counter).i64(nextPos);
        int countAt = frame.length();
        frame.i32(0).u8(gapPending ? Frames.FLAG_GAP : 0).fixed(prevOrNull(), 32);
        int headerEnd = frame.length();
        long firstPos = nextPos;
        int n = 0;
        long lastIndex = -1;
        while (n < MAX_RECORDS) {
            long idx;
            if (carry) {
                idx = carryIndex; // read, rewritten and hashed already: only the frame was full
                carry = false;
            } else {
                idx = readNext();
                if (idx == Long.MIN_VALUE) {
                    break;
                }
                prepare(maxRecord);
            }
            if (frame.length() + Frames.RECORD_OVERHEAD + curLen + Frames.MAC > MAX_FRAME && n > 0) {
                carry = true;
                carryIndex = idx;
                break;
            }
            frame.i32(curLen);
            hashOffsets[n++] = frame.length();
            frame.bytes(curHash, 0, 32);
            frame.bytes(curBytes, curOff, curLen);
            prev(curHash);
            lastIndex = idx;
            nextPos++;
        }
        if (n == 0) {
            counter--;
            return 0;
        }
        frame.i32At(countAt, n);
        macer.update(frame.buffer(), 0, headerEnd);
        for (int i = 0; i < n; i++) {
            macer.update(frame.buffer(), hashOffsets[i], 32);
        }
        int macAt = frame.length();
        frame.fixed(null, Frames.MAC);
        macer.finishTo(frame.buffer(), macAt);
        gapPending = false;
        inflight.addLast(new long[] {firstPos + n - 1, lastIndex});
        inflightHash.addLast(prevHash.clone());
        return n;
    }

    /** Cuts an oversized record down to fit a frame, keeping a digest of the whole. */
    private void truncate(byte[] src, int off, int len) {
        String digest = "sha256:" + ChainHasher.hex(hasher.sha256(src, off, len));
        record.target = cut(record.target, 512);
        record.reason = cut(record.reason, 512);
        record.outcomeDetail = cut(record.outcomeDetail, 512);
        for (Map.Entry<String, String> e : record.attributes.entrySet()) {
            e.setValue(cut(e.getValue(), 1024));
        }
        record.attributes.put("truncated", digest);
        encodeRecord();
        if (rewriter.length() > MAX_FRAME / 2) {
            record.attributes.clear();
            record.attributes.put("truncated", digest);
            record.rules.subList(Math.min(record.rules.size(), 16), record.rules.size()).clear();
            record.controls.subList(Math.min(record.controls.size(), 16), record.controls.size()).clear();
            encodeRecord();
        }
        counters.truncated.increment();
    }

    private void encodeRecord() {
        rewriter.reset();
        EvidenceCodec.encode(record, rewriter);
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max) + "…";
    }

    private void maybeSave(long now) {
        if (stateDirty && now - lastSaveNanos > SAVE_EVERY_NANOS) {
            saveState();
            lastSaveNanos = now;
            deleteAcknowledgedCycles();
        }
    }

    void saveState() {
        try {
            state.save(dir);
            stateDirty = false;
        } catch (IOException e) {
            counters.stateWriteFailures.increment();
        }
    }

    /** Deletes cycle files older than the anchor's: every record in them is acknowledged. */
    private void deleteAcknowledgedCycles() {
        if (state.anchorIndex < 0 || queue == null) {
            return;
        }
        int anchorCycle = queue.rollCycle().toCycle(state.anchorIndex);
        if (anchorCycle <= lastDeletedCycle) {
            return;
        }
        int first = queue.firstCycle();
        if (first == Integer.MAX_VALUE || first >= anchorCycle) {
            lastDeletedCycle = anchorCycle - 1;
            return;
        }
        for (long c : queue.listCyclesBetween(first, anchorCycle - 1)) {
            File f = LocalQueue.cycleFile(queue, (int) c);
            if (f.exists() && f.delete()) {
                counters.filesDeleted.increment();
            }
        }
        lastDeletedCycle = anchorCycle - 1;
        queue.refreshDirectoryListing();
    }

    @Override
    public void close() {
        if (stateDirty) {
            saveState();
        }
        LocalQueue.closeQuietly(queue);
        LocalQueue.closeQuietly(lock);
    }

    /** Closes and deletes a fully shipped dead instance. */
    void closeAndDelete() {
        LocalQueue.closeQuietly(queue);
        AeronRuntime.deleteTree(dir);
        LocalQueue.closeQuietly(lock);
    }
}
