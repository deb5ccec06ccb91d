package dev.warden.collector;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.rules.evidence.wire.ChainHasher;
import dev.warden.rules.evidence.EvidenceCodec;
import dev.warden.rules.evidence.EvidenceRecord;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit verify} against each tampering, modelled on CloudTrail's validate-logs cases
 * (file modified, deleted, moved, inserted; digest forged; log truncated) and transparency-log
 * checkpoint checks (a consistent-looking rehash must not match the signed head).
 */
class VerifierTest {
    @TempDir
    Path tmp;
    Path store;

    @BeforeEach
    void buildStore() throws Exception {
        store = tmp.resolve("store");
        Files.createDirectories(store);
        AuditStore.Options o = new AuditStore.Options();
        o.checkpointEveryRecords = 50;
        CollectorKeys keys = CollectorKeys.loadOrCreate(store);
        ChainHasher h = new ChainHasher();
        try (AuditStore s = AuditStore.openForWriting(store, keys, o)) {
            for (String inst : new String[] {"a", "b"}) {
                byte[] prev = null;
                for (int i = 1; i <= 120; i++) {
                    EvidenceRecord r = record(inst, i);
                    byte[] hash = h.hash(prev, r);
                    byte[] bytes = EvidenceCodec.encode(r);
                    s.appendRecord(inst, i, 0, hash, null, bytes, 0, bytes.length);
                    s.checkpointIfDue(System.currentTimeMillis());
                    prev = hash;
                }
            }
        }
    }

    static EvidenceRecord record(String inst, int i) {
        EvidenceRecord r = new EvidenceRecord();
        r.instance = inst;
        r.seq = i;
        r.agent = "bot";
        r.timeMicros = 1_700_000_000_000_000L + i;
        r.kind = "http";
        r.target = "POST https://x.example/item-" + inst + "-" + String.format("%05d", i);
        r.decision = i % 2 == 0 ? "allow" : "deny";
        return r;
    }

    Verifier.Result verify() throws Exception {
        return new Verifier().verify(store, null);
    }

    @Test
    void intactStorePasses() throws Exception {
        Verifier.Result r = verify();
        assertTrue(r.ok, r.problem);
        assertTrue(r.records == 240 && r.checkpoints >= 4, r.records + " records, " + r.checkpoints + " checkpoints");
    }

    @Test
    void modifiedRecordIsNamed() throws Exception {
        // flip one character of record b-77 in place, in the memory-mapped store file
        patchFile("item-b-00077", "item-b-00078");
        Verifier.Result r = verify();
        assertFalse(r.ok);
        assertTrue(r.problem.contains("record b-77") && r.problem.contains("modified"), r.problem);
    }

    @Test
    void theFirstProblemInStoreOrderIsNamedWhateverThreadFindsIt() throws Exception {
        // a modified record (found by a content check) before a deleted one (found by the reading thread)
        patchFile("item-a-00100", "item-a-00101");
        rewrite(l -> l.remove(findRecord(l, "item-b-00030")));
        for (int threads : new int[] {1, 2, 4}) {
            Verifier.Result r = new Verifier(threads).verify(store, null);
            assertFalse(r.ok, threads + " threads");
            assertTrue(r.problem.contains("record a-100") && r.problem.contains("modified"), threads + " threads: " + r.problem);
        }
    }

    @Test
    void deletedRecordIsNamed() throws Exception {
        rewrite(l -> l.remove(findRecord(l, "item-a-00030")));
        Verifier.Result r = verify();
        assertFalse(r.ok);
        assertTrue(r.problem.contains("deleted"), r.problem);
    }

    @Test
    void reorderedRecordsAreNamed() throws Exception {
        rewrite(l -> Collections.swap(l, findRecord(l, "item-a-00010"), findRecord(l, "item-a-00011")));
        Verifier.Result r = verify();
        assertFalse(r.ok);
        assertTrue(r.problem.contains("excerpt 12") && r.problem.contains("moved"), r.problem);
    }

    @Test
    void insertedRecordIsNamed() throws Exception {
        rewrite(l -> l.add(findRecord(l, "item-b-00005"), l.get(findRecord(l, "item-b-00004"))));
        Verifier.Result r = verify();
        assertFalse(r.ok);
        assertTrue(r.problem.contains("inserted"), r.problem);
    }

    @Test
    void truncatedStoreIsDetected() throws Exception {
        rewrite(l -> l.subList(l.size() - 30, l.size()).clear());
        Verifier.Result r = verify();
        assertFalse(r.ok);
        assertTrue(r.problem.contains("truncated"), r.problem);
    }

    @Test
    void forgedCheckpointFailsItsSignature() throws Exception {
        var other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        rewrite(l -> {
            int at = -1;
            for (int i = 0; i < l.size(); i++) {
                if (l.get(i)[0] == StoreEntry.CHECKPOINT && i > 10) {
                    at = i;
                    break;
                }
            }
            byte[] b = l.get(at);
            StoreEntry e = new StoreEntry().parse(b, 0, b.length, 0);
            Checkpoint c = Checkpoint.decode(b, e.payloadOff, e.payloadLen);
            Checkpoint forged = Checkpoint.sign(c.number, c.storeSeq, c.timeMicros, c.prevCheckpoint, c.storeHashBefore, c.records,
                    c.full, c.heads, c.keyId, other.getPrivate());
            byte[] nb = new byte[StoreEntry.HEAD + forged.encoded.length];
            System.arraycopy(b, 0, nb, 0, StoreEntry.HEAD);
            System.arraycopy(forged.encoded, 0, nb, StoreEntry.HEAD, forged.encoded.length);
            l.set(at, nb);
        });
        Verifier.Result r = verify();
        assertFalse(r.ok);
        assertTrue(r.problem.contains("forged checkpoint"), r.problem);
    }

    @Test
    void replacedPublicKeyIsCaughtWithATrustedKey() throws Exception {
        Path trusted = tmp.resolve("trusted.pem");
        Files.copy(store.resolve(CollectorKeys.SIGNING_PUBLIC), trusted);
        var other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Files.writeString(store.resolve(CollectorKeys.SIGNING_PUBLIC), CollectorKeys.pem(other.getPublic()));
        assertFalse(verify().ok, "the store's own (replaced) key no longer verifies");
        Verifier.Result r = new Verifier().verify(store, CollectorKeys.readPublicKey(trusted));
        assertTrue(r.ok, r.problem);
    }

    @Test
    void recordRehashedByAForgerFailsAtTheNextSignedCheckpoint() throws Exception {
        // the forger edits a record and recomputes both chains consistently, but cannot re-sign
        rewrite(l -> {
            ChainHasher h = new ChainHasher();
            java.security.MessageDigest md = sha();
            java.util.Map<String, byte[]> last = new java.util.HashMap<>();
            byte[] storeHash = null;
            for (int i = 0; i < l.size(); i++) {
                byte[] b = l.get(i);
                StoreEntry e = new StoreEntry().parse(b, 0, b.length, 0);
                byte[] link = new byte[32];
                if (e.kind == StoreEntry.RECORD) {
                    EvidenceRecord r = EvidenceCodec.decode(b, e.payloadOff, e.payloadLen, new EvidenceRecord());
                    if (r.target.endsWith("item-a-00060")) {
                        r.decision = "deny"; // was allow
                    }
                    byte[] hash = h.hash(last.get(r.instance), r);
                    last.put(r.instance, hash);
                    byte[] m = new byte[64];
                    int n = StoreEntry.recordMaterial(m, e.position, 0, hash);
                    StoreEntry.link(md, storeHash, StoreEntry.RECORD, e.storeSeq, m, 0, n, link);
                    dev.warden.rules.evidence.wire.Frames.Out out = new dev.warden.rules.evidence.wire.Frames.Out(256);
                    StoreEntry.writeRecordHead(out, e.storeSeq, link, e.position, 0, hash, null);
                    byte[] rb = EvidenceCodec.encode(r);
                    out.bytes(rb, 0, rb.length);
                    l.set(i, java.util.Arrays.copyOf(out.buffer(), out.length()));
                } else {
                    byte[] digest = md.digest(java.util.Arrays.copyOfRange(b, e.payloadOff, b.length));
                    StoreEntry.link(md, storeHash, StoreEntry.CHECKPOINT, e.storeSeq, digest, 0, 32, link);
                    System.arraycopy(link, 0, b, 9, 32);
                }
                storeHash = link;
            }
        });
        Verifier.Result r = verify();
        assertFalse(r.ok);
        assertTrue(r.problem.contains("checkpoint #") && r.problem.contains("record a-"), r.problem);
    }

    static java.security.MessageDigest sha() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ tampering tools

    interface Edit {
        void apply(List<byte[]> excerpts) throws Exception;
    }

    static int findRecord(List<byte[]> l, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < l.size(); i++) {
            if (indexOf(l.get(i), n) >= 0 && l.get(i)[0] == StoreEntry.RECORD) {
                return i;
            }
        }
        throw new AssertionError(needle + " not found");
    }

    /** Reads every excerpt, edits the list, and writes it back as a new queue in place of the old. */
    void rewrite(Edit edit) throws Exception {
        List<byte[]> l = new ArrayList<>();
        Path q = store.resolve(AuditStore.QUEUE);
        try (SingleChronicleQueue in = SingleChronicleQueueBuilder.binary(q).build(); ExcerptTailer t = in.createTailer()) {
            Bytes<byte[]> b = Bytes.allocateElasticOnHeap(1024);
            while (true) {
                try (DocumentContext dc = t.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    b.clear();
                    dc.wire().bytes().read(b);
                    l.add(b.toByteArray());
                }
            }
        }
        edit.apply(l);
        deleteTree(q);
        try (SingleChronicleQueue out = SingleChronicleQueueBuilder.binary(q).rollCycle(RollCycles.FAST_DAILY).build();
             ExcerptAppender a = out.createAppender()) {
            for (byte[] x : l) {
                try (DocumentContext dc = a.writingDocument()) {
                    dc.wire().bytes().write(x);
                }
            }
        }
    }

    void patchFile(String from, String to) throws Exception {
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        File[] files = store.resolve(AuditStore.QUEUE).toFile().listFiles((d, n) -> n.endsWith(".cq4"));
        for (File file : files) {
            byte[] all = Files.readAllBytes(file.toPath());
            int at = indexOf(all, f);
            if (at >= 0) {
                System.arraycopy(t, 0, all, at, t.length);
                Path tmpf = file.toPath().resolveSibling(file.getName() + ".t");
                Files.write(tmpf, all);
                Files.move(tmpf, file.toPath(), StandardCopyOption.REPLACE_EXISTING);
                return;
            }
        }
        throw new AssertionError(from + " not in the store files");
    }

    static int indexOf(byte[] hay, byte[] n) {
        outer:
        for (int i = 0; i + n.length <= hay.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (hay[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static void deleteTree(Path p) throws Exception {
        try (var s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        }
    }
}
