package dev.warden.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.agent.it.apps.PrincipalApp;
import dev.warden.rules.evidence.EvidenceRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The principal under the built agent: named in {@code config=FILE} as the application's static
 * {@code ThreadLocal}, read on the calling thread, matched by a policy rule and recorded in the
 * evidence; a bad {@code principal} setting is one clear start-up line.
 */
class PrincipalIT {
    static final String POLICY = """
            version: 1.1
            name: principal-it
            default: allow
            rules:
              - id: interns-read-only
                match: { kind: sql, principal: "intern-*", operation: { not: [SELECT] } }
                action: deny
              - id: say-who
                match: { kind: http }
                action: modify
                modify: { headers: { set: { X-Principal: "${principal}" } } }
            """;

    @TempDir
    Path tmp;

    @Test
    void principalFromAThreadLocalIsMatchedAndRecorded() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), POLICY);
        Path config = Files.writeString(tmp.resolve("warden.yaml"), "principal:\n  thread-local: " + PrincipalApp.class.getName() + ".USER\n");
        Path evidence = tmp.resolve("evidence");
        AgentRun.Result r;
        try (HeaderServer server = new HeaderServer("server", "127.0.0.1", 0)) {
            r = new AgentRun()
                    .agent("policy=" + policy + ",agent=principal-it,evidence=" + evidence + ",config=" + config)
                    .main(PrincipalApp.class, "jdbc:h2:" + tmp.resolve("h2db").toAbsolutePath(), "http://127.0.0.1:" + server.port() + "/who")
                    .run();
            assertEquals(0, r.exit(), r::toString);
            // captured on the caller's thread when the call was created, used on the client's thread
            assertEquals("200", r.value("bob async http"), r::toString);
            assertEquals("bob", server.headers("/who").get("x-principal"), server.headers("/who")::toString);
        }
        assertEquals("dev.warden.agent.jdbc.BlockedSQLException state=42501 blocked=true", r.value("intern insert"), r::toString);
        assertEquals("0", r.value("intern select"), r::toString);
        assertEquals("1", r.value("alice insert"), r::toString);
        assertEquals("1", r.value("nobody insert"), r::toString);

        Evidence ev = Evidence.read(evidence);
        List<EvidenceRecord> denied = ev.decisions(d -> "deny".equals(d.decision));
        assertEquals(1, denied.size(), ev.dump());
        assertEquals("intern-7", denied.get(0).principal);
        assertEquals(List.of("interns-read-only"), denied.get(0).rules);
        EvidenceRecord alice = ev.decisions(d -> String.valueOf(d.attributes.get("statement")).startsWith("INSERT") && "allow".equals(d.decision)).get(0);
        assertEquals("alice", alice.principal);
        EvidenceRecord nobody = ev.decisions(d -> String.valueOf(d.attributes.get("statement")).startsWith("INSERT")).get(2);
        assertNull(nobody.principal, nobody.toString());
        EvidenceRecord http = ev.decisions(d -> "http".equals(d.kind)).get(0);
        assertEquals("bob", http.principal, http.toString());
        assertEquals(List.of("header X-Principal: set bob"), http.modified);
    }

    @Test
    void aBadPrincipalSettingIsOneLine() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), POLICY);
        Path config = Files.writeString(tmp.resolve("warden.yaml"), "principal:\n  cookie: sid\n");
        AgentRun.Result r = new AgentRun()
                .agent("policy=" + policy + ",agent=principal-it,evidence=" + tmp.resolve("evidence") + ",config=" + config)
                .main(PrincipalApp.class, "jdbc:h2:" + tmp.resolve("h2db").toAbsolutePath())
                .run();
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.stderr().contains("principal.cookie is not a setting (header, mdc, thread-local)"), r::toString);
        assertTrue(r.stderr().lines().noneMatch(l -> l.startsWith("\tat ")), r::toString);
    }
}
