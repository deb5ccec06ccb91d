package dev.warden.collector.it;

import dev.warden.collector.Collector;
import java.nio.file.Path;

/**
 * The collector as its own process for the forked tests (which kill it with -9): stores in
 * {@code STORE}, listens on {@code 127.0.0.1:PORT}, no HTTP API, checkpoints every 200 ms; prints
 * {@code collector: listening} once ready and runs until killed.
 *
 * <p>Arguments: {@code STORE PORT}.
 */
public final class CollectorMain {
    private CollectorMain() {
    }

    public static void main(String[] args) throws Exception {
        Collector.Config cfg = new Collector.Config();
        cfg.store = Path.of(args[0]);
        cfg.listenPort = Integer.parseInt(args[1]);
        cfg.httpPort = -1;
        cfg.storeOptions.checkpointEveryMillis = 200;
        Collector c = Collector.start(cfg);
        System.out.println("collector: listening");
        System.out.flush();
        c.awaitStop();
        System.out.println("collector: stopped " + c.failure());
    }
}
