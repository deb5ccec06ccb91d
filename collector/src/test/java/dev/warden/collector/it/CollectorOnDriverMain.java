package dev.warden.collector.it;

import dev.warden.collector.Collector;
import java.nio.file.Path;

/**
 * The collector as its own process, attached to an Aeron media driver that runs in another
 * process ({@code AERON_DIR}): the collector process then writes only its store, so a file-size
 * limit on it hits the store and nothing else ({@link StoreDiskFullIT}). Otherwise as
 * {@link CollectorMain}: prints {@code collector: listening} once ready and runs until killed.
 * Main thread only.
 *
 * <p>Arguments: {@code STORE PORT AERON_DIR}.
 */
public final class CollectorOnDriverMain {
    private CollectorOnDriverMain() {
    }

    public static void main(String[] args) throws Exception {
        Collector.Config cfg = new Collector.Config();
        cfg.store = Path.of(args[0]);
        cfg.listenPort = Integer.parseInt(args[1]);
        cfg.aeronDir = args[2];
        cfg.httpPort = -1;
        cfg.storeOptions.checkpointEveryMillis = 200;
        Collector c = Collector.start(cfg);
        System.out.println("collector: listening");
        System.out.flush();
        c.awaitStop();
        System.out.println("collector: stopped " + c.failure());
    }
}
