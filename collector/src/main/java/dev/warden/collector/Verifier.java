package dev.warden.collector;

import dev.warden.agent.ship.ChainHasher;
import dev.warden.rules.evidence.EvidenceCodec;
import dev.warden.rules.evidence.EvidenceRecord;
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
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * {@code audit verify}: recomputes every instance's hash chain, the store chain and every
 * checkpoint's signature, and stops at the first excerpt that does not hold, naming it. Modelled
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
 * <p>Single-threaded; opens the store read-only.
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

        void fail(String p) {
            if (ok) {
                ok = false;
                problem = p;
            }
        }
    }

    private static final class Chain {
        long position;
        byte[] hash;
    }

    private final MessageDigest md;
    private final ChainHasher hasher = new ChainHasher();
    private final EvidenceRecord record = new EvidenceRecord();
    private final byte[] computed = new byte[32];
    private final byte[] link = new byte[32];
    private final byte[] material = new byte[64];

    public Verifier() {
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
        String keyId = CollectorKeys.keyId(key);
        Map<String, Chain> chains = new HashMap<>();
        byte[] storeHash = null;
        long lastSeq = 0;
        long lastCheckpointNumber = 0;
        byte[] lastCheckpointDigest = new byte[32];
        long recordsSinceCheckpoint = 0;
        Map<Long, byte[]> checkpointsBySeq = new HashMap<>();
        String lastGood = "the start of the store";
        String firstAfterCheckpoint = null;
        boolean first = true;
        try (SingleChronicleQueue q = AuditStore.open(store); ExcerptTailer t = q.createTailer()) {
            Bytes<byte[]> buf = Bytes.allocateElasticOnHeap(64 * 1024);
            StoreEntry e = new StoreEntry();
            while (res.ok) {
                long idx;
                try (DocumentContext dc = t.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    idx = dc.index();
                    buf.clear();
                    dc.wire().bytes().read(buf);
                } catch (RuntimeException ex) {
                    res.fail("the store is unreadable after " + lastGood + ": " + ex.getMessage() + " (truncated or corrupted file)");
                    break;
                }
                byte[] b = buf.underlyingObject();
                int len = (int) buf.readRemaining();
                try {
                    e.parse(b, 0, len, idx);
                } catch (IllegalArgumentException ex) {
                    res.fail("excerpt after " + lastGood + " is malformed: " + ex.getMessage());
                    break;
                }
                res.excerpts++;
                String where = "excerpt " + e.storeSeq;
                if (first) {
                    first = false;
                    if (e.storeSeq != 1) {
                        Checkpoint anchor = e.kind == StoreEntry.CHECKPOINT ? Checkpoint.decode(b, e.payloadOff, e.payloadLen) : null;
                        if (anchor == null || !anchor.full || !rolledOffBefore(store, e.storeSeq)) {
                            res.fail("the store begins at excerpt " + e.storeSeq + ": excerpts 1.." + (e.storeSeq - 1)
                                    + " are missing and no retention roll-off of them is recorded in " + AuditStore.RETENTION_LOG);
                            break;
                        }
                        // anchored by retention: start from the full checkpoint's heads
                        for (Checkpoint.Head h : anchor.heads) {
                            Chain c = new Chain();
                            c.position = h.position();
                            c.hash = h.hash();
                            chains.put(h.instance(), c);
                        }
                        storeHash = anchor.storeHashBefore;
                        lastSeq = e.storeSeq - 1;
                        lastCheckpointNumber = anchor.number - 1;
                        lastCheckpointDigest = anchor.prevCheckpoint;
                        res.records = anchor.records;
                        res.warnings.add("excerpts before " + e.storeSeq + " were rolled off by retention; verification starts at checkpoint #"
                                + anchor.number);
                    }
                }
                if (e.storeSeq != lastSeq + 1) {
                    res.fail(where + " follows excerpt " + lastSeq + ": " + (e.storeSeq > lastSeq + 1
                            ? "excerpts " + (lastSeq + 1) + ".." + (e.storeSeq - 1) + " are missing here (deleted or moved)"
                            : "an excerpt was inserted or moved") + " (after " + lastGood + ")");
                    break;
                }
                if (e.kind == StoreEntry.RECORD) {
                    try {
                        EvidenceCodec.decode(b, e.payloadOff, e.payloadLen, record);
                    } catch (IllegalArgumentException ex) {
                        res.fail(where + " (after " + lastGood + "): the record is unreadable: " + ex.getMessage() + " (modified)");
                        break;
                    }
                    String inst = record.instance == null ? "" : record.instance;
                    String name = "record " + (record.instance == null ? "?" : record.id()) + " (" + where + ", instance position " + e.position + ")";
                    Chain c = chains.get(inst);
                    long expected = c == null ? 1 : c.position + 1;
                    byte[] prev;
                    if ((e.flags & StoreEntry.FLAG_GAP) != 0) {
                        if (e.position < expected) {
                            res.fail(name + ": position goes backwards (reordered or inserted)");
                            break;
                        }
                        res.warnings.add(name + ": the agent declared positions " + expected + ".." + (e.position - 1) + " missing at ingest");
                        prev = e.prevHash;
                    } else if (e.position != expected) {
                        res.fail(name + ": expected position " + expected + " of instance " + inst + " — "
                                + (e.position > expected ? "a record before it was deleted" : "it was reordered or inserted"));
                        break;
                    } else if ((e.flags & StoreEntry.FLAG_BROKEN_LINK) != 0) {
                        res.warnings.add(name + ": the agent's previous hash did not match at ingest (recorded as an integrity event)");
                        prev = e.prevHash;
                    } else {
                        prev = c == null ? null : c.hash;
                    }
                    hasher.hash(prev, record, computed, 0);
                    if (!Arrays.equals(computed, e.chainHash)) {
                        res.fail(name + ": its content does not match its hash (modified)");
                        break;
                    }
                    int m = StoreEntry.recordMaterial(material, e.position, e.flags, computed);
                    StoreEntry.link(md, storeHash, StoreEntry.RECORD, e.storeSeq, material, 0, m, link);
                    if (!Arrays.equals(link, e.storeHash)) {
                        res.fail(name + ": the store chain breaks here (modified, inserted or reordered)");
                        break;
                    }
                    if (c == null) {
                        c = new Chain();
                        chains.put(inst, c);
                    }
                    c.position = e.position;
                    c.hash = e.chainHash.clone();
                    res.records++;
                    recordsSinceCheckpoint++;
                    if (firstAfterCheckpoint == null) {
                        firstAfterCheckpoint = name;
                    }
                    lastGood = name;
                } else {
                    Checkpoint cp;
                    try {
                        cp = Checkpoint.decode(b, e.payloadOff, e.payloadLen);
                    } catch (IllegalArgumentException ex) {
                        res.fail("checkpoint at " + where + " is malformed: " + ex.getMessage());
                        break;
                    }
                    String cname = "checkpoint #" + cp.number + " (" + where + ")";
                    if (!cp.verify(key)) {
                        res.fail(cname + ": the signature does not verify with key " + keyId + " (forged checkpoint)");
                        break;
                    }
                    String range = firstAfterCheckpoint == null ? "" : "; first record since the previous checkpoint: " + firstAfterCheckpoint;
                    if (cp.number != lastCheckpointNumber + 1 || !Arrays.equals(cp.prevCheckpoint, lastCheckpointDigest)) {
                        res.fail(cname + ": does not follow checkpoint #" + lastCheckpointNumber + " (a checkpoint was removed or replaced)");
                        break;
                    }
                    if (cp.storeSeq != e.storeSeq || !Arrays.equals(cp.storeHashBefore, storeHash == null ? new byte[32] : storeHash)
                            || cp.records != res.records) {
                        res.fail(cname + ": the store before it is not what was signed (records were altered and rehashed" + range + ")");
                        break;
                    }
                    for (Checkpoint.Head h : cp.heads) {
                        Chain c = chains.get(h.instance());
                        if (c == null || c.position != h.position() || !Arrays.equals(c.hash, h.hash())) {
                            res.fail(cname + ": instance " + h.instance() + " does not end where it was signed (position "
                                    + h.position() + ")" + range);
                            break;
                        }
                    }
                    if (!res.ok) {
                        break;
                    }
                    md.reset();
                    byte[] digest = md.digest(cp.encoded);
                    StoreEntry.link(md, storeHash, StoreEntry.CHECKPOINT, e.storeSeq, digest, 0, 32, link);
                    if (!Arrays.equals(link, e.storeHash)) {
                        res.fail(cname + ": the store chain breaks here");
                        break;
                    }
                    checkpointsBySeq.put(e.storeSeq, digest);
                    lastCheckpointNumber = cp.number;
                    lastCheckpointDigest = digest;
                    res.checkpoints++;
                    recordsSinceCheckpoint = 0;
                    firstAfterCheckpoint = null;
                    lastGood = cname;
                }
                storeHash = e.storeHash.clone();
                lastSeq = e.storeSeq;
            }
        }
        if (res.ok) {
            checkLatest(store, key, lastSeq, checkpointsBySeq, res);
        }
        if (res.ok && recordsSinceCheckpoint > 0) {
            res.unsealed = recordsSinceCheckpoint;
            res.warnings.add(recordsSinceCheckpoint + " record(s) after the last checkpoint are chained but not yet signed");
        }
        res.nanos = System.nanoTime() - t0;
        return res;
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
