package dev.warden.collector;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * The collector's embedded Aeron media driver and client, run by the ingest thread itself: the
 * driver is in INVOKER threading mode and the client uses its conductor invoker, so one thread
 * receives datagrams, rebuilds the agents' streams, authenticates, hashes and stores, with no
 * hand-off between threads (on a small machine shared with the agents, every extra runnable
 * thread costs). Sized for many agents at once: a 4 MiB socket receive buffer and a 256 KiB
 * receiver window per agent, so a burst from every agent fits while the thread is busy storing.
 * With {@code existingDir} it attaches to a media driver that is already running instead.
 *
 * <p>Created on any thread, then confined to the thread that calls {@link #doWork} (the ingest
 * thread); closed after that thread has stopped.
 */
final class IngestDriver implements AutoCloseable {
    static final int SOCKET_RCVBUF = 4 << 20;
    static final int RECEIVER_WINDOW = 256 << 10;

    private final MediaDriver driver;
    private final Aeron aeron;
    private final AgentInvoker driverInvoker;
    private final AgentInvoker clientInvoker;

    private IngestDriver(MediaDriver driver, Aeron aeron) {
        this.driver = driver;
        this.aeron = aeron;
        this.driverInvoker = driver == null ? null : driver.sharedAgentInvoker();
        this.clientInvoker = aeron.conductorAgentInvoker();
    }

    /** A parking idle strategy: a few spins and yields, then parks of 1 µs up to {@code maxParkMicros}. */
    static IdleStrategy parking(long maxParkMicros) {
        return new BackoffIdleStrategy(10, 5, 1_000, maxParkMicros * 1_000);
    }

    /** Starts an embedded driver in {@code dir} (or attaches to {@code existingDir}) and connects a client. */
    static IngestDriver start(Path dir, String existingDir, Consumer<Throwable> errors) throws IOException {
        MediaDriver driver = null;
        String aeronDir;
        if (existingDir != null && !existingDir.isEmpty()) {
            aeronDir = existingDir;
        } else {
            Files.createDirectories(dir.getParent());
            reapDead(dir.getParent());
            aeronDir = dir.toAbsolutePath().toString();
            driver = MediaDriver.launch(new MediaDriver.Context()
                    .aeronDirectoryName(aeronDir)
                    .threadingMode(ThreadingMode.INVOKER)
                    .asyncExecutorEnabled(false)
                    .socketRcvbufLength(SOCKET_RCVBUF)
                    .initialWindowLength(RECEIVER_WINDOW)
                    .publicationTermBufferLength(1 << 20)
                    .termBufferSparseFile(true)
                    .dirDeleteOnStart(true)
                    .dirDeleteOnShutdown(true)
                    .warnIfDirectoryExists(false)
                    .printConfigurationOnStart(false)
                    .errorHandler(errors::accept));
        }
        try {
            Aeron aeron = Aeron.connect(new Aeron.Context()
                    .aeronDirectoryName(aeronDir)
                    .useConductorAgentInvoker(true)
                    .driverAgentInvoker(driver == null ? null : driver.sharedAgentInvoker())
                    .awaitingIdleStrategy(parking(1_000))
                    .errorHandler(errors::accept));
            return new IngestDriver(driver, aeron);
        } catch (RuntimeException e) {
            if (driver != null) {
                driver.close();
            }
            throw e;
        }
    }

    /** Deletes the directories of collectors' drivers that are no longer running (a collector killed with -9). */
    static void reapDead(Path parent) {
        java.io.File[] dirs = parent.toFile().listFiles(java.io.File::isDirectory);
        if (dirs == null) {
            return;
        }
        for (java.io.File d : dirs) {
            boolean active;
            try {
                active = io.aeron.CommonContext.isDriverActive(d, 2_000, msg -> { });
            } catch (RuntimeException e) {
                active = false;
            }
            if (!active) {
                try (java.util.stream.Stream<Path> s = Files.walk(d.toPath())) {
                    s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
                } catch (IOException | RuntimeException ignored) {
                    // retried at the next start
                }
            }
        }
    }

    Aeron aeron() {
        return aeron;
    }

    /** One duty cycle of the driver and the client conductor; returns the work done. */
    int doWork() {
        int work = driverInvoker == null ? 0 : driverInvoker.invoke();
        return work + clientInvoker.invoke();
    }

    @Override
    public void close() {
        try {
            aeron.close();
        } finally {
            if (driver != null) {
                driver.close();
            }
        }
    }
}
