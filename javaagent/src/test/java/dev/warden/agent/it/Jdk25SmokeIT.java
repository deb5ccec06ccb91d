package dev.warden.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.agent.it.apps.HttpClientsApp;
import dev.warden.agent.it.apps.JdbcApp;
import dev.warden.agent.it.apps.ProcessApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The smoke subset on JDK 25 (one test per hook family), with a JDK 25 found under
 * {@code /usr/lib/jvm}; skipped, with a message saying so, where there is none.
 */
class Jdk25SmokeIT {
    static Optional<Path> java25;

    @TempDir
    Path tmp;

    @BeforeAll
    static void findJdk25() {
        java25 = AgentRun.jdk25();
        if (java25.isEmpty()) {
            System.err.println("Jdk25SmokeIT: SKIPPED — no JDK 25 under /usr/lib/jvm (a directory whose release file says JAVA_VERSION=\"25...\")");
        }
        assumeTrue(java25.isPresent(), "no JDK 25 under /usr/lib/jvm: the JDK 25 smoke tests are skipped");
    }

    AgentRun on25(String agentArgs) {
        AgentRun run = new AgentRun().agent(agentArgs);
        run.java = java25.get();
        return run;
    }

    @Test
    void httpOnJdk25() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), HttpClientsIT.POLICY);
        try (CountingServer server = new CountingServer()) {
            AgentRun.Result r = on25("policy=" + policy + ",agent=jdk25,verify=true,evidence=" + tmp.resolve("evidence"))
                    .main(HttpClientsApp.class, server.base(), "jdk-send", "jdk-async", "urlconnection", "okhttp")
                    .run();
            assertEquals(0, r.exit(), r::toString);
            for (String c : new String[] {"jdk-send", "jdk-async", "urlconnection", "okhttp"}) {
                assertEquals("200", r.value(c + " ok"), r::toString);
                assertEquals(HttpClientsIT.BLOCKED, r.value(c + " denied"), r::toString);
                assertEquals(HttpClientsIT.BLOCKED, r.value(c + " redirect"), r::toString);
            }
            assertEquals(0, server.hitsUnder("/denied/"));
            assertFalse(r.stderr().contains("verify FAILED"), r::toString);
            assertTrue(r.stderr().contains("warden: verify ok jdk.internal.net.http.MultiExchange"), r::toString);
        }
        assertTrue(Evidence.read(tmp.resolve("evidence")).decisions(d -> "deny".equals(d.decision)).size() >= 8);
    }

    @Test
    void jdbcOnJdk25() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), JdbcIT.POLICY);
        AgentRun.Result r = on25("policy=" + policy + ",agent=jdk25,evidence=" + tmp.resolve("evidence"))
                .main(JdbcApp.class, "jdbc:h2:" + tmp.resolve("h2db").toAbsolutePath(), tmp.resolve("sqlite.db").toString())
                .run();
        assertEquals(0, r.exit(), r::toString);
        assertEquals(1, r.wardenLines().size(), r::toString);
        assertFalse(r.stderr().contains("VM warning"), "no JVM warning (CDS: the jar is on the boot path from the start):\n" + r);
        assertEquals(JdbcIT.BLOCKED, r.value("h2 prepared insert secrets"));
        assertEquals(JdbcIT.BLOCKED, r.value("hikari statement insert secrets"));
        assertEquals(JdbcIT.BLOCKED, r.value("sqlite prepared insert secrets"));
        assertEquals("1", r.value("hikari prepared insert notes"));
    }

    @Test
    void processOnJdk25() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), ProcessIT.POLICY);
        Path markers = Files.createDirectories(tmp.resolve("markers"));
        AgentRun.Result r = on25("policy=" + policy + ",agent=jdk25,evidence=" + tmp.resolve("evidence"))
                .main(ProcessApp.class, markers.toString())
                .run();
        assertEquals(0, r.exit(), r::toString);
        ProcessIT.assertProcessResults(r, markers);
    }
}
