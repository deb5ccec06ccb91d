package dev.warden.agent.ship;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * An Aeron media driver and client fit to live in someone else's JVM: both run on the thread
 * that owns this object (the shipper's), with no thread of their own. The embedded driver is in
 * INVOKER threading mode and the client uses its conductor invoker, so {@link #doWork()} gives
 * the driver (sending, receiving, housekeeping) and the client conductor one duty cycle each;
 * the owner calls it on every turn of its loop and parks when idle. Term buffers are small and
 * sparse, the driver's directory is private to this process and deleted on close, and
 * directories left by dead processes under the same parent are reaped on start. If
 * {@code existingDir} names the directory of a driver that is already running, only a client is
 * attached to it.
 *
 * <p>Confined to one thread: the one that calls {@link #start}, {@link #doWork} and
 * {@link #close} (Aeron's synchronous client calls make progress by invoking the driver on the
 * calling thread).
 */
public final class AeronRuntime implements AutoCloseable {
    private final MediaDriver driver;
    private final Aeron aeron;
    private final AgentInvoker driverInvoker;
    private final AgentInvoker clientInvoker;
    private final String dir;

    private AeronRuntime(MediaDriver driver, Aeron aeron, String dir) {
        this.driver = driver;
        this.aeron = aeron;
        this.dir = dir;
        this.driverInvoker = driver == null ? null : driver.sharedAgentInvoker();
        this.clientInvoker = aeron.conductorAgentInvoker();
    }

    /** A parking idle strategy: a few spins and yields, then parks of 1 µs up to {@code maxParkMicros}. */
    public static IdleStrategy parking(long maxParkMicros) {
        return new BackoffIdleStrategy(10, 5, 1_000, maxParkMicros * 1_000);
    }

    /**
     * Starts an embedded driver in {@code parent/<name>} (reaping dead siblings first), or attaches
     * to {@code existingDir} when it is not null. {@code mtu} is the largest datagram the driver
     * sends (the publication may ask for less).
     */
    public static AeronRuntime start(Path parent, String name, String existingDir, int termLength, Consumer<Throwable> errors) throws IOException {
        MediaDriver driver = null;
        String dir;
        if (existingDir != null && !existingDir.isEmpty()) {
            dir = existingDir;
        } else {
            Files.createDirectories(parent);
            reapDead(parent);
            dir = parent.resolve(name).toAbsolutePath().toString();
            MediaDriver.Context ctx = new MediaDriver.Context()
                    .aeronDirectoryName(dir)
                    .threadingMode(ThreadingMode.INVOKER)
                    .asyncExecutorEnabled(false) // name resolution runs on the conductor: no extra thread
                    .publicationTermBufferLength(termLength)
                    .ipcTermBufferLength(termLength)
                    .termBufferSparseFile(true)
                    .dirDeleteOnStart(true)
                    .dirDeleteOnShutdown(true)
                    .warnIfDirectoryExists(false)
                    .printConfigurationOnStart(false)
                    .errorHandler(errors::accept);
            driver = MediaDriver.launch(ctx);
        }
        try {
            Aeron.Context actx = new Aeron.Context()
                    .aeronDirectoryName(dir)
                    .useConductorAgentInvoker(true)
                    .driverAgentInvoker(driver == null ? null : driver.sharedAgentInvoker())
                    .idleStrategy(parking(1_000))
                    .awaitingIdleStrategy(parking(1_000))
                    .errorHandler(errors::accept);
            return new AeronRuntime(driver, Aeron.connect(actx), dir);
        } catch (RuntimeException e) {
            if (driver != null) {
                driver.close();
            }
            throw e;
        }
    }

    /** One duty cycle of the driver (when embedded) and of the client conductor; returns the work done. */
    public int doWork() {
        int work = 0;
        if (driverInvoker != null) {
            work += driverInvoker.invoke();
        }
        return work + clientInvoker.invoke();
    }

    /** Deletes driver directories under {@code parent} whose driver is no longer running. */
    public static int reapDead(Path parent) {
        int reaped = 0;
        File[] dirs = parent.toFile().listFiles(File::isDirectory);
        if (dirs == null) {
            return 0;
        }
        for (File d : dirs) {
            if (System.currentTimeMillis() - d.lastModified() < 10_000) {
                continue; // may be a driver that is still starting
            }
            boolean active;
            try {
                active = CommonContext.isDriverActive(d, 2_000, msg -> { });
            } catch (RuntimeException e) {
                active = false;
            }
            if (!active) {
                deleteTree(d.toPath());
                reaped++;
            }
        }
        return reaped;
    }

    static void deleteTree(Path p) {
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // best effort: a directory we cannot delete is retried at the next start
        }
    }

    public Aeron aeron() {
        return aeron;
    }

    public String directory() {
        return dir;
    }

    public boolean embedded() {
        return driver != null;
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
