package dev.warden.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.warden.agent.it.apps.PrincipalServerApp;
import dev.warden.rules.evidence.EvidenceRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The principal from an inbound request header ({@code principal: { header: X-User-Id }} in
 * {@code config=FILE}) under the built agent: a JDK {@code HttpServer} application's handler calls
 * a downstream service on the server thread; that call carries the principal of the request being
 * served (matched by a policy rule, expanded into a header, recorded in the evidence), and the
 * next request on the same server thread does not inherit it.
 */
class PrincipalHeaderIT {
    static final String POLICY = """
            version: 1.1
            name: principal-header-it
            default: allow
            rules:
              - id: no-mallory
                match: { kind: http, principal: mallory }
                action: deny
              - id: say-who
                match: { kind: http, host: 127.0.0.2 }
                action: modify
                modify: { headers: { set: { X-Principal: "${principal}" } } }
            """;

    @TempDir
    Path tmp;

    @Test
    void theRequestHeaderIsThePrincipalWhileTheRequestIsServed() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), POLICY);
        Path config = Files.writeString(tmp.resolve("warden.yaml"), "principal:\n  header: X-User-Id\n");
        Path evidence = tmp.resolve("evidence");
        try (HeaderServer downstream = new HeaderServer("service", "127.0.0.2", 0)) {
            AgentRun.Result r = new AgentRun()
                    .agent("policy=" + policy + ",agent=principal-header-it,evidence=" + evidence + ",config=" + config)
                    .main(PrincipalServerApp.class, "http://127.0.0.2:" + downstream.port())
                    .run();
            assertEquals(0, r.exit(), r::toString);
            assertEquals("downstream service", r.value("alice"), r::toString);
            assertEquals("dev.warden.agent.bootstrap.BlockedIOException blocked=true", r.value("mallory"), r::toString);
            assertEquals("downstream service", r.value("nobody"), r::toString);
            assertEquals("downstream service", r.value("alice-again"), r::toString);
            assertEquals("alice", downstream.headers("/alice").get("x-principal"), downstream.headers("/alice")::toString);
            assertEquals("", downstream.headers("/nobody").getOrDefault("x-principal", ""), "no principal after the request that had one");
            assertEquals(List.of("/alice", "/alice-again", "/nobody"), downstream.paths().stream().sorted().toList(), "mallory's call never left");
        }
        Evidence ev = Evidence.read(evidence);
        List<EvidenceRecord> out = ev.decisions(d -> "http".equals(d.kind) && "127.0.0.2".equals(d.attributes.get("host")));
        assertEquals(4, out.size(), ev.dump());
        assertEquals("alice", out.get(0).principal, out.get(0).toString());
        assertEquals("mallory", out.get(1).principal, out.get(1).toString());
        assertEquals(List.of("no-mallory"), out.get(1).rules);
        assertNull(out.get(2).principal, out.get(2).toString());
        assertEquals("alice", out.get(3).principal, out.get(3).toString());
        // the application's own client calls (main thread) serve no request: no principal
        ev.decisions(d -> "http".equals(d.kind) && "127.0.0.1".equals(d.attributes.get("host")))
                .forEach(d -> assertNull(d.principal, d.toString()));
    }
}
