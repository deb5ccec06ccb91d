package dev.warden.collector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.collector.Verifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector's store fills up while an agent ships to it. The collector runs as its own
 * process under a file-size limit ({@code prlimit --fsize}, soft limit only; HotSpot ignores
 * SIGXFSZ, so Chronicle's store file fails to grow with EFBIG as it would with ENOSPC), with a
 * small store block size so the limit is reached after a few thousand records. The collector
 * must stay up, say so once, acknowledge nothing it did not store (so the agent keeps those
 * records and sends them again), resume once the limit is lifted ({@code prlimit --pid}: space
 * comes back), and end with every decision stored once, in order, in a store that verifies.
 */
class StoreDiskFullIT {
    /** Chronicle's block for the store file under test: its first mapping fits under {@link #LIMIT}, the second does not. */
    static final long BLOCK = 4L << 20;
    static final long LIMIT = 8L << 20;

    @TempDir
    Path tmp;

    @Test
    void aFullStoreAcknowledgesNothingItDidNotStoreSaysSoOnceAndCatchesUpWhenSpaceReturns() throws Exception {
        Path prlimit = Path.of("/usr/bin/prlimit");
        Assumptions.assumeTrue(Files.isExecutable(prlimit), "prlimit (util-linux) is not installed: the disk-full condition cannot be provoked");
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), Forked.policy());
        Path store = tmp.resolve("store");
        Path evidence = tmp.resolve("evidence");
        Path exit = tmp.resolve("exit");
        Path out = tmp.resolve("collector.out");
        Path err = tmp.resolve("collector.err");
        int port = AgentToCollectorIT.freeUdpPort();
        int calls = 12_000;

        // Aeron's files (CnC, term buffers) are much larger than the limit: the media driver runs in a
        // process of its own, without a limit, and the limited collector process attaches to it
        Path aeronDir = tmp.resolve("aeron");
        List<String> driverCmd = new ArrayList<>(List.of(Forked.java().toString()));
        driverCmd.addAll(Forked.opens());
        driverCmd.addAll(List.of("-Xmx128m", "-Daeron.dir=" + aeronDir, "-Daeron.threading.mode=SHARED",
                "-Daeron.dir.delete.on.start=true", "-Daeron.dir.delete.on.shutdown=true", "-Daeron.print.configuration=false",
                "-cp", System.getProperty("java.class.path"), "io.aeron.driver.MediaDriver"));
        Process driver = new ProcessBuilder(driverCmd)
                .redirectOutput(tmp.resolve("driver.out").toFile()).redirectError(tmp.resolve("driver.err").toFile()).start();
        Process collector = null;
        try (Forked app = Forked.app(tmp, "app", "policy=" + policy + ",agent=disk-app,evidence=" + evidence + ",collector=127.0.0.1:" + port,
                calls, 0, exit)) {
            await(() -> Files.exists(aeronDir.resolve("cnc.dat")), 60_000, () -> "the media driver did not start\n" + read(tmp.resolve("driver.err")));
            List<String> cmd = new ArrayList<>(List.of(prlimit.toString(), "--fsize=" + LIMIT + ":unlimited", "--", Forked.java().toString()));
            cmd.addAll(Forked.opens());
            cmd.addAll(List.of("-Xmx512m", "-Dchronicle.analytics.disable=true", "-Dwarden.test.store-block-size=" + BLOCK,
                    "-cp", System.getProperty("java.class.path"), CollectorOnDriverMain.class.getName(), store.toString(), Integer.toString(port),
                    aeronDir.toString()));
            collector = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            Process c = collector;
            await(() -> read(out).contains("collector: listening"), 60_000, () -> "collector did not start\n" + read(out) + read(err));

            // the store file reaches the limit while the agent ships
            await(() -> read(err).contains("cannot be written"), 180_000,
                    () -> "the store never filled; stored " + StoreView.read(store, "disk-app").decisionCount() + "\n" + read(err) + app.describe());
            assertTrue(c.isAlive(), () -> "the collector died when its store filled:\n" + read(out) + read(err));
            app.awaitLine("done: " + calls, 180_000);
            long storedWhileFull = StoreView.read(store, "disk-app").decisionCount();
            assertTrue(storedWhileFull < calls, "the store filled before every decision was stored: " + storedWhileFull);
            // the agent re-sends what was not acknowledged (its shipper rewinds after 3 s without progress):
            // give it two rounds; the collector keeps refusing with no further line
            long until = System.currentTimeMillis() + 7_000;
            while (System.currentTimeMillis() < until) {
                assertTrue(c.isAlive(), () -> "the collector died:\n" + read(err));
                Thread.sleep(50);
            }
            assertEquals(storedWhileFull, StoreView.read(store, "disk-app").decisionCount(), "nothing more is stored while the store is full");
            assertEquals(1, read(err).lines().filter(l -> l.contains("cannot be written")).count(), "one line, not one per batch:\n" + read(err));
            System.out.println("store full after " + storedWhileFull + " of " + calls + " decisions:\n" + read(err));

            // space comes back
            Process raise = new ProcessBuilder(prlimit.toString(), "--pid", Long.toString(c.pid()), "--fsize=unlimited:unlimited")
                    .redirectErrorStream(true).start();
            assertTrue(raise.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, raise.exitValue(), new String(raise.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            await(() -> StoreView.read(store, "disk-app").decisionCount() >= calls, 120_000,
                    () -> "stored after space came back: " + StoreView.read(store, "disk-app").decisionCount() + "\n" + read(err) + app.describe());
            assertTrue(read(err).contains("is written again"), read(err));
            Files.createFile(exit);
            assertEquals(0, app.awaitExit(60_000), app::describe);
        } finally {
            if (collector != null) {
                collector.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            driver.destroy();
            driver.waitFor(30, TimeUnit.SECONDS);
        }
        StoreView view = StoreView.read(store, "disk-app");
        assertEquals(1, view.byInstance.size(), "one agent instance");
        String instance = view.byInstance.keySet().iterator().next();
        assertEquals(calls, view.assertCompleteAndOnce(instance), "every decision stored once, in order");
        Verifier.Result v = new Verifier().verify(store, null);
        assertTrue(v.ok, v.problem);
    }

    static void await(java.util.function.BooleanSupplier cond, long timeoutMillis, java.util.function.Supplier<String> what) throws InterruptedException {
        AgentToCollectorIT.await(cond, timeoutMillis, what);
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
