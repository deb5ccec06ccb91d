package dev.warden.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.agent.it.apps.HttpModifyApp;
import dev.warden.rules.evidence.EvidenceRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Policy language 1.1 HTTP {@code action: modify} under the built agent with real loopback
 * servers: an "outside" server on 127.0.0.1 and a "sandbox" on 127.0.0.2 at the same port.
 * Requests to the outside server lose {@code Authorization} and {@code Cookie} and gain
 * {@code X-Agent-Id}; requests to {@code localhost} are redirected to the sandbox (same scheme,
 * port and path) and never reach the outside server. Clients whose route Warden cannot change in
 * place are blocked rather than sent unchanged. Every hooked client redirects: the JDK clients by
 * rewriting the request's URI, Apache HttpClient 4/5 through the hop's route, OkHttp through its
 * request builder and a new exchange finder.
 */
class HttpModifyIT {
    static final String POLICY = """
            version: 1.1
            name: http-modify-it
            default: allow
            rules:
              - id: tag-agent-traffic
                match: { kind: http, host: 127.0.0.1 }
                action: modify
                modify: { headers: { set: { X-Agent-Id: "${agent}" } } }
              - id: no-credentials-outside
                match: { kind: http, host: 127.0.0.1 }
                action: modify
                modify: { headers: { remove: [Authorization, Cookie] } }
              - id: shadow-payments
                match: { kind: http, host: localhost }
                action: modify
                modify: { redirect: { host: 127.0.0.2 } }
            """;
    static final List<String> CHANGED_IN_PLACE = List.of("jdk-send", "jdk-async", "urlconnection", "apache4", "apache5", "okhttp");

    @TempDir
    Path tmp;

    @Test
    void strippedCredentialsNeverArriveAndRedirectedCallsLandOnTheSandbox() throws Exception {
        scenario(null);
    }

    /** JDK 25: the same request internals are rewritten (a final field set reflectively, opened to Warden only). */
    @Test
    void onJdk25() throws Exception {
        java.util.Optional<Path> jdk25 = AgentRun.jdk25();
        Assumptions.assumeTrue(jdk25.isPresent(), "no JDK 25 under /usr/lib/jvm");
        scenario(jdk25.get());
    }

    private void scenario(Path java) throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), POLICY);
        Path evidence = tmp.resolve("evidence");
        try (HeaderServer outside = new HeaderServer("outside", "127.0.0.1", 0);
             HeaderServer sandbox = new HeaderServer("sandbox", "127.0.0.2", outside.port())) {
            AgentRun run = new AgentRun()
                    .agent("policy=" + policy + ",agent=modify-it,evidence=" + evidence)
                    .main(HttpModifyApp.class, "http://127.0.0.1:" + outside.port(), "http://localhost:" + outside.port());
            if (java != null) {
                run.java = java;
            }
            AgentRun.Result r = run.run();
            assertEquals(0, r.exit(), r::toString);
            for (String client : CHANGED_IN_PLACE) {
                assertEquals("outside", r.value(client + " headers"), client + "\n" + r);
                Map<String, String> h = outside.headers("/headers/" + client);
                assertNotNull(h, client + " " + outside.paths());
                assertNull(h.get("authorization"), client + " " + h);
                assertNull(h.get("cookie"), client + " " + h);
                assertEquals("yes", h.get("x-keep"), client + " " + h);
                assertEquals("modify-it", h.get("x-agent-id"), client + " " + h);
            }
            for (String client : CHANGED_IN_PLACE) {
                // every client's redirected call lands on the sandbox, with its own headers, naming the sandbox as its host
                assertEquals("sandbox", r.value(client + " pay"), client + "\n" + r);
                Map<String, String> h = sandbox.headers("/pay/" + client);
                assertNotNull(h, client + " " + sandbox.paths());
                assertEquals("Bearer s3cret", h.get("authorization"), client + " " + h);
                assertEquals("127.0.0.2:" + outside.port(), h.get("host"), client + " " + h);
            }
            // and the original target receives nothing of them
            assertTrue(outside.paths().stream().noneMatch(p -> p.startsWith("/pay/")), outside.paths().toString());

            Evidence ev = Evidence.read(evidence);
            EvidenceRecord jdk = ev.decisions(d -> String.valueOf(d.target).endsWith("/headers/jdk-send")).get(0);
            assertEquals("modify", jdk.decision, jdk.toString());
            assertEquals(List.of("tag-agent-traffic", "no-credentials-outside"), jdk.rules);
            assertEquals(List.of("header X-Agent-Id: set modify-it", "header Authorization: remove", "header Cookie: remove"), jdk.modified);
            assertTrue(jdk.digestBefore.startsWith("hmac-sha256:"), jdk.toString());
            assertTrue(!jdk.digestBefore.equals(jdk.digestAfter), jdk.toString());
            for (String client : CHANGED_IN_PLACE) {
                EvidenceRecord pay = ev.decisions(d -> String.valueOf(d.target).endsWith("/pay/" + client)).get(0);
                assertEquals(List.of("shadow-payments"), pay.rules, client);
                assertEquals("modify", pay.decision, client);
                assertEquals(List.of("redirect: host 127.0.0.2"), pay.modified, client);
            }
        }
    }
}
