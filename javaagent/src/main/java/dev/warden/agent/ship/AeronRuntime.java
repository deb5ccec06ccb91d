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
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * An Aeron media driver and client fit to live in someone else's JVM: the driver runs in
 * SHARED threading mode on one daemon thread named {@code warden-aeron-driver}, every idle
 * strategy parks (no core spins while idle), term buffers are small and sparse, the driver's
 * directory is private to this process and deleted on close. Directories left by dead
 * processes under the same parent are reaped on start. If {@code existingDir} names the
 * directory of a driver that is already running, only a client is attached to it.
 *
 * <p>The collector uses the same class with larger buffers. Opened and closed by one thread;
 * {@link #aeron()} is thread-safe as Aeron's client is.
 */
public final class AeronRuntime implements AutoCloseable {
    private final MediaDriver driver;
    private final Aeron aeron;
    private final String dir;

    private AeronRuntime(MediaDriver driver, Aeron aeron, String dir) {
        this.driver = driver;
        this.aeron = aeron;
        this.dir = dir;
    }

    /** A parking idle strategy: a few spins and yields, then parks of 1 µs up to {@code maxParkMicros}. */
    public static IdleStrategy parking(long maxParkMicros) {
        return new BackoffIdleStrategy(10, 5, 1_000, maxParkMicros * 1_000);
    }

    /** Daemon threads named {@code prefix-N}. */
    public static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, n.getAndIncrement() == 0 ? prefix : prefix + "-" + n.get());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Starts an embedded driver in {@code parent/<name>} (reaping dead siblings first), or attaches
     * to {@code existingDir} when it is not null.
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
                    .threadingMode(ThreadingMode.SHARED)
                    .sharedIdleStrategy(parking(1_000))
                    .sharedThreadFactory(daemonThreads(name.startsWith("collector") ? "warden-collector-aeron" : "warden-aeron-driver"))
                    .conductorThreadFactory(daemonThreads("warden-aeron-conductor"))
                    .senderThreadFactory(daemonThreads("warden-aeron-sender"))
                    .receiverThreadFactory(daemonThreads("warden-aeron-receiver"))
                    .sharedNetworkThreadFactory(daemonThreads("warden-aeron-network"))
                    .asyncExecutorThreadFactory(daemonThreads("warden-aeron-async"))
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
                    .threadFactory(daemonThreads("warden-aeron-client"))
                    .idleStrategy(parking(1_000))
                    .errorHandler(errors::accept);
            return new AeronRuntime(driver, Aeron.connect(actx), dir);
        } catch (RuntimeException e) {
            if (driver != null) {
                driver.close();
            }
            throw e;
        }
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
