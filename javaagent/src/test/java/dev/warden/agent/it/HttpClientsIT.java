package dev.warden.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.agent.it.apps.HttpClientsApp;
import dev.warden.rules.evidence.EvidenceRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every supported HTTP client, unmodified, in a forked JVM under the built agent (in verify
 * mode, so every woven class is also checked by ASM's analyser): allowed calls work, denied calls
 * throw Warden's IOException and send nothing, a redirect to a denied host is blocked at the hop,
 * and evidence records every decision and outcome.
 */
class HttpClientsIT {
    static final String POLICY = """
            version: 1
            name: http-it
            default: allow
            rules:
              - id: no-denied-paths
                description: denied paths are off limits
                match: { kind: http, path: "/denied/*" }
                action: deny
            """;
    static final List<String> CLIENTS = List.of("jdk-send", "jdk-async", "urlconnection", "apache4", "apache5", "okhttp", "okhttp-async");
    static final String BLOCKED = "dev.warden.agent.bootstrap.BlockedIOException blocked=true";

    @TempDir
    Path tmp;

    @Test
    void everyClientIsGovernedAndADeniedRequestNeverLeavesTheProcess() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), POLICY);
        Path evidence = tmp.resolve("evidence");
        try (CountingServer server = new CountingServer()) {
            AgentRun.Result r = new AgentRun()
                    .agent("policy=" + policy + ",agent=http-it,evidence=" + evidence + ",verify=true")
                    .main(HttpClientsApp.class, server.base())
                    .run();
            assertEquals(0, r.exit(), r::toString);
            for (String c : CLIENTS) {
                assertEquals("200", r.value(c + " ok"), c + "\n" + r);
                assertEquals(BLOCKED, r.value(c + " denied"), c + "\n" + r);
                assertEquals(BLOCKED, r.value(c + " redirect"), c + "\n" + r);
                assertEquals(1, server.hits("/ok/" + c), c);
                assertEquals(1, server.hits("/redirect/" + c), c);
            }
            assertEquals(0, server.hitsUnder("/denied/"), "a denied request reached the server");

            // nothing on stdout but the application's own lines; verify mode found every woven class sound
            assertTrue(r.lines().stream().allMatch(l -> l.contains(": ")), r::toString);
            assertFalse(r.stderr().contains("verify FAILED"), r::toString);
            for (String cls : List.of("jdk.internal.net.http.MultiExchange", "jdk.internal.net.http.HttpClientImpl",
                    "sun.net.www.protocol.http.HttpURLConnection", "org.apache.http.impl.execchain.MainClientExec",
                    "org.apache.hc.client5.http.impl.classic.ConnectExec", "okhttp3.internal.http.BridgeInterceptor",
                    "okhttp3.internal.connection.RealCall")) {
                assertTrue(r.stderr().contains("warden: verify ok " + cls + "\n"), cls + " was not woven and verified\n" + r);
            }
        }

        Evidence ev = Evidence.read(evidence);
        for (String c : CLIENTS) {
            String client = c.startsWith("jdk") ? "jdk" : c.startsWith("okhttp") ? "okhttp" : c;
            EvidenceRecord ok = one(ev.decisions(Evidence.attr("path", "/ok/" + c)), c, ev);
            assertEquals("allow", ok.decision);
            assertEquals(client, ok.attributes.get("client"));
            assertEquals("GET", ok.attributes.get("method"));
            EvidenceRecord okOutcome = ev.outcomeOf(ok);
            assertNotNull(okOutcome, c + " has no outcome\n" + ev.dump());
            assertEquals("ok", okOutcome.outcomeStatus);
            assertEquals("HTTP 200", okOutcome.outcomeDetail, c);

            EvidenceRecord denied = one(ev.decisions(Evidence.attr("path", "/denied/" + c)), c, ev);
            assertEquals("deny", denied.decision);
            assertEquals(List.of("no-denied-paths"), denied.rules);
            assertEquals("POST", denied.attributes.get("method"));
            assertTrue(denied.target.startsWith("POST http://127.0.0.1:") && denied.target.endsWith("/denied/" + c + "?token=&user="), denied.target);
            assertFalse(denied.toString().contains("s3cret"), "a query value reached the evidence");
            assertEquals(null, ev.outcomeOf(denied), "a blocked call has no outcome");

            EvidenceRecord redirect = one(ev.decisions(Evidence.attr("path", "/redirect/" + c)), c, ev);
            assertEquals("allow", redirect.decision);
            assertEquals("HTTP 302", ev.outcomeOf(redirect).outcomeDetail, c);
            EvidenceRecord hop = one(ev.decisions(Evidence.attr("path", "/denied/" + c + "-hop")), c, ev);
            assertEquals("deny", hop.decision);
            assertTrue(hop.seq > redirect.seq);
        }
        // hops that ran on the client's worker threads are recorded in the caller's session
        for (String c : List.of("jdk-async", "okhttp-async")) {
            EvidenceRecord ok = one(ev.decisions(Evidence.attr("path", "/ok/" + c)), c, ev);
            assertTrue(ok.session.startsWith("thread:main#"), c + " session " + ok.session);
        }
    }

    static EvidenceRecord one(List<EvidenceRecord> rs, String what, Evidence ev) {
        assertEquals(1, rs.size(), what + ": expected one record\n" + ev.dump());
        return rs.get(0);
    }
}
