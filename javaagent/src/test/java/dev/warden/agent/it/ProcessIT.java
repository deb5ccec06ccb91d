package dev.warden.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.agent.it.apps.IsolationApp;
import dev.warden.agent.it.apps.ProcessApp;
import dev.warden.rules.evidence.EvidenceRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Process launches under the built agent: denied launches through {@code ProcessBuilder},
 * {@code Runtime.exec}, an absolute path or a pipeline throw Warden's IOException and start
 * nothing; arguments reach the evidence only as a keyed digest. Also: an application with its
 * own Jackson and ASM keeps using them, and sees none of Warden's libraries.
 */
class ProcessIT {
    static final String POLICY = """
            version: 1
            name: process-it
            default: allow
            rules:
              - id: no-touch
                description: agents do not create files through the shell
                match: { kind: process, command: touch }
                action: deny
            """;
    static final String BLOCKED = "dev.warden.agent.bootstrap.BlockedIOException blocked=true";

    @TempDir
    Path tmp;

    @Test
    void deniedLaunchesStartNothing() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), POLICY);
        Path evidence = tmp.resolve("evidence");
        Path markers = Files.createDirectories(tmp.resolve("markers"));
        AgentRun.Result r = new AgentRun()
                .agent("policy=" + policy + ",agent=process-it,evidence=" + evidence)
                .main(ProcessApp.class, markers.toString())
                .run();
        assertEquals(0, r.exit(), r::toString);
        assertProcessResults(r, markers);

        Evidence ev = Evidence.read(evidence);
        List<EvidenceRecord> denied = ev.decisions(d -> "deny".equals(d.decision));
        assertEquals(4, denied.size(), ev.dump());
        for (EvidenceRecord d : denied) {
            assertEquals("touch", d.attributes.get("command"));
            assertTrue(d.argsDigest.startsWith("hmac-sha256:"), d.toString());
            assertFalse(d.toString().contains(markers.toString()), "process arguments reached the evidence in clear");
        }
        EvidenceRecord echo = ev.decisions(Evidence.attr("command", "echo")).get(0);
        assertEquals("allow", echo.decision);
        assertTrue(ev.outcomeOf(echo).outcomeDetail.startsWith("pid "), ev.dump());
        // the pipeline's allowed stage never started: its outcome says so
        EvidenceRecord pipelineEcho = ev.decisions(d -> "echo".equals(d.attributes.get("command")) && d.attributes.containsKey("pipeline_stage")).get(0);
        assertEquals("blocked", ev.outcomeOf(pipelineEcho).outcomeStatus);
        // same key, same arguments, same digest: the digest proves what ran without storing it
        Path key = evidence.resolve(".warden-key");
        assertTrue(Files.isRegularFile(key));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    }

    static void assertProcessResults(AgentRun.Result r, Path markers) {
        assertEquals("0", r.value("echo"));
        for (String label : List.of("touch via ProcessBuilder", "touch via Runtime.exec", "touch by absolute path", "pipeline with a denied stage")) {
            assertEquals(BLOCKED, r.value(label), label + "\n" + r);
        }
        for (String marker : List.of("pb", "rt", "abs", "pipe")) {
            assertFalse(Files.exists(markers.resolve(marker)), marker + " was created: a denied process ran");
        }
    }

    @Test
    void anApplicationKeepsItsOwnJacksonAndAsm() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), POLICY);
        Path markers = Files.createDirectories(tmp.resolve("markers"));
        AgentRun run = new AgentRun()
                .agent("policy=" + policy + ",agent=isolation-it,evidence=" + tmp.resolve("evidence"))
                .main(IsolationApp.class, markers.toString());
        run.classpath = AgentRun.classpathWith("alt");
        AgentRun.Result r = run.run();
        assertEquals(0, r.exit(), r::toString);
        assertEquals("2.17.2", r.value("jackson version"));
        assertEquals("{\"refund\":42}", r.value("jackson json"));
        assertEquals("asm-9.2.jar", r.value("asm jar"));
        assertTrue(Integer.parseInt(r.value("asm methods")) >= 3);
        assertEquals("false", r.value("chronicle visible"));
        assertEquals("false", r.value("warden runtime visible"));
        assertEquals("false", r.value("jsqlparser visible"));
        assertEquals("true", r.value("bridge visible"));
        assertProcessResults(r, markers);
    }
}
