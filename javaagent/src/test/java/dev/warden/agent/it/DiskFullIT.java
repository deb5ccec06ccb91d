package dev.warden.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.agent.it.apps.DiskFullApp;
import dev.warden.rules.evidence.EvidenceRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evidence disk fills while the application runs. The forked JVM runs under a file-size
 * limit ({@code prlimit --fsize}, soft limit only): HotSpot ignores SIGXFSZ, so once Chronicle's
 * cycle file would grow past the limit its growth fails with EFBIG, as it fails with ENOSPC on
 * a full disk; raising the soft limit from outside ({@code prlimit --pid}) is space coming back.
 * The application must neither crash nor hang; the failure mode applies with one stderr line;
 * every record written before stays readable; and once space is back new records are written.
 */
class DiskFullIT {
    /**
     * The file-size limit: above the staging ring (8 MiB) and Chronicle's first mappings, so
     * the agent starts normally and the queue's cycle file is what hits it.
     */
    static final long LIMIT = 12L << 20;

    @TempDir
    Path tmp;

    @Test
    void failClosedDeniesWhileTheDiskIsFullSaysSoOnceAndRecovers() throws Exception {
        diskFills(true);
    }

    @Test
    void failOpenAllowsWhileTheDiskIsFullSaysSoOnceAndRecovers() throws Exception {
        diskFills(false);
    }

    /**
     * The disk is already too full for the staging ring when the JVM starts. The ring's blocks
     * are written before it is mapped, so this is one clear line at start-up and the failure
     * mode, not a SIGBUS later in whichever application thread first touches an unbacked page.
     */
    @Test
    void tooFullForTheStagingRingAtStartFailsClosedWithOneLine() throws Exception {
        Path prlimit = Path.of("/usr/bin/prlimit");
        Assumptions.assumeTrue(Files.isExecutable(prlimit), "prlimit (util-linux) is not installed: the disk-full condition cannot be provoked");
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), "version: 1\nname: disk-full-it\ndefault: allow\nrules: []\n");
        Path evidence = tmp.resolve("evidence");
        Path stderr = tmp.resolve("stderr");
        AgentRun run = new AgentRun().agent("policy=" + policy + ",agent=disk-full,evidence=" + evidence + ",failure=closed")
                .main(DiskFullApp.class);
        List<String> cmd = new ArrayList<>(List.of(prlimit.toString(), "--fsize=" + (2L << 20) + ":unlimited", "--"));
        cmd.addAll(run.command());
        Process p = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
        BlockingQueue<String> out = lines(p);
        Writer in = new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
        try {
            assertEquals("ready", answer(p, out, stderr, 60));
            assertEquals("ran: 0 50", ask(p, in, out, stderr, "run 50", 60), "failure=closed denies every governed call");
            String lines = wardenLines(stderr);
            System.out.println("full at start:\n" + read(stderr));
            assertTrue(lines.contains("File too large") && lines.contains(evidence.toString()),
                    "one line names the evidence directory and the cause:\n" + read(stderr));
            assertFalse(read(stderr).contains("\tat "), "no stack trace:\n" + read(stderr));
            assertEquals("bye", ask(p, in, out, stderr, "exit", 60));
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the application exits");
            assertEquals(0, p.exitValue(), () -> "exit code; stderr:\n" + read(stderr));
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    void diskFills(boolean closed) throws Exception {
        Path prlimit = Path.of("/usr/bin/prlimit");
        Assumptions.assumeTrue(Files.isExecutable(prlimit), "prlimit (util-linux) is not installed: the disk-full condition cannot be provoked");
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), "version: 1\nname: disk-full-it\ndefault: allow\nrules: []\n");
        Path evidence = tmp.resolve("evidence");
        Path stderr = tmp.resolve("stderr");
        AgentRun run = new AgentRun().agent("policy=" + policy + ",agent=disk-full,evidence=" + evidence + ",failure=" + (closed ? "closed" : "open"))
                .main(DiskFullApp.class);
        List<String> cmd = new ArrayList<>(List.of(prlimit.toString(), "--fsize=" + LIMIT + ":unlimited", "--"));
        cmd.addAll(run.command());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(stderr.toFile());
        Process p = pb.start();
        BlockingQueue<String> out = lines(p);
        Writer in = new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
        long wentAhead;
        long raised;
        try {
            assertEquals("ready", answer(p, out, stderr, 60));

            // fill the disk: ~40k records of a few hundred bytes grow the cycle file past the limit
            if (closed) {
                String a = ask(p, in, out, stderr, "until-blocked 400000", 180);
                assertTrue(a.startsWith("blocked: "), a);
                String[] parts = a.split(" ", 3);
                wentAhead = Long.parseLong(parts[1]);
                assertTrue(parts[2].contains("evidence"), "the block names evidence: " + a);
                assertTrue(wentAhead > 1000, "the disk filled only after many records: " + a);
            } else {
                String a = ask(p, in, out, stderr, "run 100000", 180);
                assertEquals("ran: 100000 0", a, "failure=open lets every call go ahead");
                wentAhead = 100000;
            }
            String wardenLines = wardenLines(stderr);
            assertTrue(wardenLines.contains("evidence"), "one line says evidence cannot be written:\n" + read(stderr));

            // while full: more calls neither crash nor hang, and add no stderr lines
            String more = ask(p, in, out, stderr, "run 2000", 120);
            assertEquals(closed ? "ran: 0 2000" : "ran: 2000 0", more);
            assertEquals(wardenLines, wardenLines(stderr), "no further stderr line per call");
            System.out.println("disk full (" + (closed ? "closed" : "open") + "):\n" + read(stderr));

            // space comes back
            raised = System.currentTimeMillis() * 1000;
            Process raise = new ProcessBuilder(prlimit.toString(), "--pid", Long.toString(p.pid()), "--fsize=unlimited:unlimited")
                    .redirectErrorStream(true).start();
            assertTrue(raise.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, raise.exitValue(), new String(raise.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            if (closed) {
                String a = ask(p, in, out, stderr, "until-allowed 2000000", 120);
                assertTrue(a.startsWith("allowed-after: "), "calls go ahead again once space is back: " + a);
                wentAhead++;
            }
            // the writer notices within milliseconds (it retries every drain) and says so once
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!wardenLines(stderr).contains("evidence is written again")) {
                assertTrue(System.nanoTime() < deadline, "no line says evidence is written again:\n" + read(stderr));
                Thread.sleep(20);
            }
            String after = ask(p, in, out, stderr, "run 500", 60);
            assertEquals("ran: 500 0", after, "every call goes ahead once evidence can be written again");
            wentAhead += 500;
            String all = wardenLines(stderr);
            assertEquals(1, all.lines().filter(l -> l.contains("evidence cannot be written")).count(), all);
            assertEquals(1, all.lines().filter(l -> l.contains("evidence is written again")).count(), all);
            assertEquals(3, all.lines().count(), "the start line, the disk-full line and the recovery line, nothing else:\n" + all);
            assertEquals("bye", ask(p, in, out, stderr, "exit", 60));
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the application exits");
            assertEquals(0, p.exitValue(), () -> "exit code; stderr:\n" + read(stderr));
        } finally {
            p.destroyForcibly().waitFor();
        }

        // what `warden evidence tail` reads
        long raisedMicros = raised;
        Evidence ev = Evidence.read(evidence);
        List<EvidenceRecord> decisions = ev.decisions(Evidence.attr("statement", "SELECT ? AS disk_probe"));
        long before = decisions.stream().filter(r -> r.timeMicros < raisedMicros).count();
        long after = decisions.size() - before;
        System.out.println("decisions read back: " + decisions.size() + " (" + before + " before space came back, " + after + " after); calls that went ahead: " + wentAhead);
        assertTrue(decisions.stream().allMatch(r -> "allow".equals(r.decision)), "only decisions of calls that went ahead are recorded");
        assertTrue(before >= 1000, "the records written before the disk filled stay readable: " + before);
        assertTrue(after >= 500, "records are written again after space came back: " + after);
        if (closed) {
            assertEquals(wentAhead, decisions.size(), "failure=closed: every call that went ahead has its decision recorded, none more");
        }
    }

    /** The application's stdout lines, as they come (a daemon thread reads them). */
    static BlockingQueue<String> lines(Process p) {
        BlockingQueue<String> out = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    out.add(l);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "disk-full-it-stdout");
        reader.setDaemon(true);
        reader.start();
        return out;
    }

    static String wardenLines(Path stderr) {
        return String.join("\n", read(stderr).lines().filter(l -> l.startsWith("warden:")).toList());
    }

    static String ask(Process p, Writer in, BlockingQueue<String> out, Path stderr, String command, int seconds) throws Exception {
        in.write(command + "\n");
        in.flush();
        return answer(p, out, stderr, seconds);
    }

    static String answer(Process p, BlockingQueue<String> out, Path stderr, int seconds) throws Exception {
        String a = out.poll(seconds, TimeUnit.SECONDS);
        assertNotNull(a, () -> "no answer within " + seconds + " s (alive: " + p.isAlive() + "); stderr:\n" + read(stderr));
        assertFalse(a.startsWith("unknown"), a);
        return a;
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
