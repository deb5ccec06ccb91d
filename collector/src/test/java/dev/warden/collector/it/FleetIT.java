package dev.warden.collector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.collector.Collector;
import dev.warden.collector.Verifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eight application JVMs under the built agent ship to one collector at once, each more than
 * 10,000 records (5,300 governed calls: a decision each, an outcome for every allowed one): every
 * record of every instance arrives, once, in order, and the store verifies. (The same with
 * 100,000 records per agent JVM is a benchmark: benchmarks/RESULTS.md.)
 */
class FleetIT {
    static final int AGENTS = 8;
    static final int CALLS = 5_300;

    @TempDir
    Path tmp;

    @Test
    void eightAgentJvmsShipTenThousandRecordsEachAndAllArriveOnce() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), Forked.policy());
        Path store = tmp.resolve("store");
        Collector.Config cfg = new Collector.Config();
        cfg.store = store;
        cfg.listenPort = AgentToCollectorIT.freeUdpPort();
        cfg.httpPort = -1;
        List<Forked> apps = new ArrayList<>();
        Path exit = tmp.resolve("apps.exit");
        try (Collector c = Collector.start(cfg)) {
            for (int i = 0; i < AGENTS; i++) {
                apps.add(Forked.app(tmp, "app-" + i, "policy=" + policy + ",agent=fleet-app,evidence=" + tmp.resolve("evidence-" + i)
                        + ",collector=127.0.0.1:" + cfg.listenPort, CALLS, 0, exit));
            }
            long expectedDecisions = (long) AGENTS * CALLS;
            AgentToCollectorIT.await(() -> StoreView.read(store, "fleet-app").decisionCount() >= expectedDecisions, 240_000, () -> {
                StringBuilder sb = new StringBuilder("decisions stored: " + StoreView.read(store, "fleet-app").decisionCount() + " of "
                        + expectedDecisions + "\n");
                apps.forEach(a -> sb.append(a.describe()));
                sb.append("--- collector metrics\n").append(c.metrics().render());
                return sb.toString();
            });
            Files.createFile(exit);
            for (Forked a : apps) {
                assertEquals(0, a.awaitExit(60_000), a::describe);
            }
            assertEquals(0, c.metrics().dropped(), c.metrics().render());
        } finally {
            for (Forked a : apps) {
                a.close();
            }
        }
        StoreView view = StoreView.read(store, "fleet-app");
        assertEquals(AGENTS, view.byInstance.size(), "one chain per agent JVM");
        long records = 0;
        for (String instance : view.byInstance.keySet()) {
            assertEquals(CALLS, view.assertCompleteAndOnce(instance), instance);
            records += view.byInstance.get(instance).size();
        }
        assertTrue(records >= AGENTS * 10_000L, records + " records");
        Verifier.Result v = new Verifier().verify(store, null);
        assertTrue(v.ok, v.problem);
    }
}
