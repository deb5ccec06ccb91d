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
    void aTailFollowsNewRecordsAndNewInstances() throws Exception {
        try (EvidenceLog first = EvidenceLog.open(tmp, "agent-a", "i1");
             EvidenceQueueReader.Tail tail = new EvidenceQueueReader.Tail(tmp, null)) {
            EvidenceLog.Appender a = first.newAppender();
            append(first, a, "one");
            List<String> seen = new ArrayList<>();
            assertEquals(1, tail.poll(r -> seen.add(r.target)));
            assertEquals(0, tail.poll(r -> seen.add(r.target)));
            append(first, a, "two");
            try (EvidenceLog second = EvidenceLog.open(tmp, "agent-b", "i2")) {
                append(second, second.newAppender(), "three");
                assertEquals(2, tail.poll(r -> seen.add(r.target)));
            }
            assertEquals(List.of("one", "two", "three"), seen);
        }
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
