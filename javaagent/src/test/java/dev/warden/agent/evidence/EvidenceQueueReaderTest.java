package dev.warden.agent.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.rules.evidence.EvidenceCodec;
import dev.warden.rules.evidence.EvidenceRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvidenceQueueReaderTest {
    @TempDir
    Path tmp;

    static void append(EvidenceLog log, EvidenceLog.Appender a, String target) throws Exception {
        EvidenceRecord r = new EvidenceRecord();
        r.instance = log.instance();
        r.seq = log.nextSeq();
        r.kind = "http";
        r.target = target;
        r.decision = "allow";
        byte[] bytes = EvidenceCodec.encode(r);
        log.append(a, bytes, bytes.length);
    }

    @Test
    void recordsAppendedByManyThreadsAreAllReadBack() throws Exception {
        try (EvidenceLog log = EvidenceLog.open(tmp, "agent-a", "i1")) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    EvidenceLog.Appender a = log.newAppender();
                    try {
                        for (int i = 0; i < 500; i++) {
                            append(log, a, "t" + id + "-" + i);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join();
            }
        }
        List<EvidenceRecord> all = EvidenceQueueReader.readAllCopies(tmp);
        assertEquals(4000, all.size());
        Set<Long> seqs = new HashSet<>();
        all.forEach(r -> seqs.add(r.seq));
        assertEquals(4000, seqs.size());
        assertEquals(1L, all.stream().mapToLong(r -> r.seq).min().getAsLong());
        assertEquals(List.of(tmp.resolve("agent-a").resolve("i1")), EvidenceQueueReader.queues(tmp));
    }

    @Test
    void aBurstLargerThanTheRingBeforeTheQueueOpensIsKept() throws Exception {
        int n = 0;
        try (EvidenceLog log = EvidenceLog.open(tmp, "agent-a", "burst")) {
            EvidenceLog.Appender a = log.newAppender();
            long bytes = 0;
            while (bytes < 2L * EvidenceRing.CAPACITY) {
                append(log, a, "burst-" + n + "-" + "x".repeat(200));
                bytes += 260;
                n++;
            }
        }
        assertEquals(n, EvidenceQueueReader.readAllCopies(tmp).size());
    }

    @Test
    void aTailFollowsNewRecordsAndNewInstances() throws Exception {
        try (EvidenceLog first = EvidenceLog.open(tmp, "agent-a", "i1");
             EvidenceQueueReader.Tail tail = new EvidenceQueueReader.Tail(tmp, null)) {
            EvidenceLog.Appender a = first.newAppender();
            append(first, a, "one");
            assertTrue(first.awaitWritten(10_000));
            List<String> seen = new ArrayList<>();
            assertEquals(1, tail.poll(r -> seen.add(r.target)));
            assertEquals(0, tail.poll(r -> seen.add(r.target)));
            append(first, a, "two");
            assertTrue(first.awaitWritten(10_000));
            try (EvidenceLog second = EvidenceLog.open(tmp, "agent-b", "i2")) {
                append(second, second.newAppender(), "three");
                assertTrue(second.awaitWritten(10_000));
                assertEquals(2, tail.poll(r -> seen.add(r.target)));
            }
            assertEquals(List.of("one", "two", "three"), seen);
        }
    }

    @Test
    void recordsADeadJvmLeftStagedAreReadAndRecoveredOnce() throws Exception {
        // a "dead JVM": its queue holds one record, its ring three more the writer never moved
        Path dead = tmp.resolve("agent-a").resolve("dead");
        java.nio.file.Files.createDirectories(dead);
        try (var q = EvidenceLog.openQueue(dead, false); EvidenceRing ring = EvidenceRing.open(dead)) {
            var a = q.createAppender();
            byte[] first = EvidenceCodec.encode(record("dead", 1, "written"));
            a.writeBytes(net.openhft.chronicle.bytes.Bytes.wrapForRead(first));
            for (int i = 1; i <= 3; i++) {
                // the first staged record was also written: a kill between the queue append and the ring commit
                byte[] b = EvidenceCodec.encode(record("dead", i, i == 1 ? "written" : "staged-" + i));
                ring.offer(new org.agrona.concurrent.UnsafeBuffer(b), b.length);
            }
        }
        List<String> targets = new ArrayList<>();
        EvidenceQueueReader.readAll(tmp, r -> targets.add(r.target));
        assertEquals(List.of("written", "staged-2", "staged-3"), targets);

        // the next JVM of the same agent moves them into the dead instance's queue
        try (EvidenceLog next = EvidenceLog.open(tmp, "agent-a", "next")) {
            assertTrue(next.awaitWritten(10_000));
        }
        List<String> after = new ArrayList<>();
        EvidenceQueueReader.readAll(tmp.resolve("agent-a").resolve("dead"), r -> after.add(r.target));
        assertEquals(List.of("written", "staged-2", "staged-3"), after);
        List<byte[]> left = new ArrayList<>();
        EvidenceRing.readUnconsumed(dead.resolve(EvidenceRing.FILE), left::add);
        assertEquals(0, left.size(), "the ring was marked consumed");
    }

    static EvidenceRecord record(String instance, long seq, String target) {
        EvidenceRecord r = new EvidenceRecord();
        r.instance = instance;
        r.seq = seq;
        r.kind = "process";
        r.target = target;
        return r;
    }

    @Test
    void anUnwritableDirectoryIsOneClearError() throws Exception {
        Path file = java.nio.file.Files.writeString(tmp.resolve("plain-file"), "x");
        EvidenceException e = org.junit.jupiter.api.Assertions.assertThrows(EvidenceException.class, () -> EvidenceLog.open(file, "a", "i"));
        assertTrue(e.getMessage().startsWith("evidence directory " + file.resolve("a").resolve("i").toAbsolutePath() + " cannot be written"), e.getMessage());
    }

    @Test
    void theKeyIsCreatedPrivateAndDigestsAreStable() throws Exception {
        EvidenceKey k1 = EvidenceKey.loadOrCreate(tmp);
        EvidenceKey k2 = EvidenceKey.loadOrCreate(tmp);
        assertEquals(k1.id(), k2.id());
        String d1 = k1.digest(k1.newMac(), new String[] {"-rf", "/"}, 2);
        assertEquals(d1, k2.digest(k2.newMac(), new String[] {"-rf", "/"}, 2));
        assertTrue(!d1.equals(k1.digest(k1.newMac(), new String[] {"-rf/"}, 1)), "argument boundaries are part of the digest");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(tmp.resolve(EvidenceKey.FILE))));
    }
}
