package dev.warden.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.agent.it.apps.HttpClientsApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenTelemetry Java agent attached together with Warden, both instrumenting the same HTTP
 * clients: Warden still blocks (and records) denied requests, and OpenTelemetry's own hooks still
 * run (the server receives the {@code traceparent} header its client instrumentation injects).
 */
class OpenTelemetryIT {
    static final List<String> CLIENTS = List.of("jdk-send", "urlconnection", "apache4", "okhttp");

    @TempDir
    Path tmp;

    @Test
    void bothAgentsHooksWork() throws Exception {
        Path otel = AgentRun.libs().resolve("otel/opentelemetry-javaagent.jar");
        assertTrue(Files.isRegularFile(otel), "the OpenTelemetry agent was not downloaded to " + otel);
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), HttpClientsIT.POLICY);
        Path evidence = tmp.resolve("evidence");
        try (CountingServer server = new CountingServer()) {
            List<String> args = new java.util.ArrayList<>(List.of(server.base()));
            args.addAll(CLIENTS);
            AgentRun run = new AgentRun()
                    .jvm("-javaagent:" + otel, "-Dotel.traces.exporter=none", "-Dotel.metrics.exporter=none", "-Dotel.logs.exporter=none",
                            "-Dotel.javaagent.logging=none")
                    .agent("policy=" + policy + ",agent=otel-it,evidence=" + evidence)
                    .main(HttpClientsApp.class, args.toArray(new String[0]));
            AgentRun.Result r = run.run();
            assertEquals(0, r.exit(), r::toString);
            for (String c : CLIENTS) {
                assertEquals("200", r.value(c + " ok"), c + "\n" + r);
                assertEquals(HttpClientsIT.BLOCKED, r.value(c + " denied"), c + "\n" + r);
                assertEquals(HttpClientsIT.BLOCKED, r.value(c + " redirect"), c + "\n" + r);
                assertEquals(1, server.traced("/ok/" + c), c + ": OpenTelemetry did not propagate its trace context\n" + r);
            }
            assertEquals(0, server.hitsUnder("/denied/"), "a denied request reached the server");
        }
        Evidence ev = Evidence.read(evidence);
        assertEquals(CLIENTS.size() * 2, ev.decisions(d -> "deny".equals(d.decision)).size(), ev.dump());
    }
}
