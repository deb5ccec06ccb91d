package dev.warden.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.agent.it.apps.CrashApp;
import dev.warden.rules.evidence.EvidenceRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durability: a JVM killed with SIGKILL right after N governed calls leaves all N decisions (and outcomes) readable. */
class CrashIT {
    @TempDir
    Path tmp;

    @Test
    void killMinusNineLosesNoEvidence() throws Exception {
        killAfter(3000, false);
    }

    /** The writer never got to move a single record to the queue: everything is read from the staging ring. */
    @Test
    void killMinusNineWithEverythingStillStagedLosesNoEvidence() throws Exception {
        killAfter(3000, true);
    }

    void killAfter(int n, boolean writerPaused) throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), "version: 1\nname: crash-it\ndefault: allow\nrules: []\n");
        Path evidence = tmp.resolve("evidence");
        Path out = tmp.resolve("stdout");
        AgentRun run = new AgentRun().agent("policy=" + policy + ",agent=crash-it,evidence=" + evidence);
        if (writerPaused) {
            run.jvm("-Dwarden.test.evidence-writer-paused=true");
        }
        Process p = run
                .main(CrashApp.class, Integer.toString(n), "4")
                .start(out, tmp.resolve("stderr"));
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Files.readString(out).contains("done: " + n)) {
            assertTrue(p.isAlive(), () -> "the application died: " + read(out) + read(tmp.resolve("stderr")));
            assertTrue(System.nanoTime() < deadline, "the application did not finish its queries");
            Thread.sleep(20);
        }
        p.destroyForcibly(); // SIGKILL on Linux
        assertEquals(137, p.waitFor(), "the JVM was not killed by SIGKILL");

        Evidence ev = Evidence.read(evidence);
        List<EvidenceRecord> decisions = ev.decisions(Evidence.attr("statement", "SELECT ? AS crash_probe"));
        assertEquals(n, decisions.size());
        Set<Long> seqs = decisions.stream().map(r -> r.seq).collect(Collectors.toSet());
        assertEquals(n, seqs.size(), "sequence numbers are unique");
        long outcomes = ev.records.stream().filter(r -> r.type == EvidenceRecord.Type.OUTCOME && seqs.contains(r.seq)).count();
        assertEquals(n, outcomes);
        if (writerPaused) {
            Path instance = dev.warden.agent.evidence.EvidenceQueueReader.queues(evidence).get(0);
            java.util.List<byte[]> staged = new java.util.ArrayList<>();
            dev.warden.agent.evidence.EvidenceRing.readUnconsumed(instance.resolve(dev.warden.agent.evidence.EvidenceRing.FILE), staged::add);
            assertTrue(staged.size() >= 2 * n, "the records came from the staging ring: " + staged.size());
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return "";
        }
    }
}
