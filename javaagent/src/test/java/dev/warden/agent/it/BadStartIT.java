package dev.warden.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.agent.it.apps.ProcessApp;
import dev.warden.rules.evidence.EvidenceRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the user can get wrong at start: the JVM still starts, one clear line says what is wrong,
 * nothing goes to stdout, and the failure mode applies (closed: every governed call is denied,
 * and recorded when evidence can be written; open: calls go ahead).
 */
class BadStartIT {
    static final String BLOCKED = "dev.warden.agent.bootstrap.BlockedIOException blocked=true";

    @TempDir
    Path tmp;

    AgentRun.Result run(String agentArgs) throws Exception {
        Path markers = Files.createDirectories(tmp.resolve("markers-" + System.nanoTime()));
        AgentRun run = new AgentRun().agent(agentArgs).main(ProcessApp.class, markers.toString());
        run.workDir = tmp;
        AgentRun.Result r = run.run();
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.lines().stream().noneMatch(l -> l.startsWith("warden") || l.contains("warden: ")), "Warden printed to stdout:\n" + r);
        return r;
    }

    @Test
    void brokenPolicyAtStartDeniesEverythingAndSaysWhere() throws Exception {
        Path policy = Files.writeString(tmp.resolve("broken.yaml"), "version: 1\nname: broken\ndefault: allow\nrules:\n  - id: x\n    match: { kind: http, host: [unclosed }\n    action: deny\n");
        Path evidence = tmp.resolve("evidence");
        AgentRun.Result r = run("policy=" + policy + ",agent=broken-it,evidence=" + evidence);
        assertEquals(BLOCKED, r.value("echo"), r::toString);
        List<String> problems = r.wardenLines().stream().filter(l -> l.contains("broken.yaml:")).toList();
        assertEquals(1, problems.size(), r::toString);
        assertTrue(problems.get(0).matches("warden: .*broken\\.yaml:\\d+:\\d+: .*failure=closed denies every governed call.*"), problems.get(0));
        Evidence ev = Evidence.read(evidence);
        EvidenceRecord echo = ev.decisions(Evidence.attr("command", "echo")).get(0);
        assertEquals("deny", echo.decision);
        assertTrue(echo.policyName.startsWith("deny-all"), echo.toString());
        assertTrue(ev.records.stream().anyMatch(x -> "policy-refused".equals(x.event)), ev.dump());
    }

    /** The contrast: a healthy start is the start line and nothing else (no JVM warning either). */
    @Test
    void aHealthyStartIsOneLine() throws Exception {
        Path policy = Files.writeString(tmp.resolve("ok.yaml"), "version: 1\nname: ok\ndefault: allow\nrules: []\n");
        AgentRun.Result r = run("policy=" + policy + ",agent=ok-it,evidence=" + tmp.resolve("evidence"));
        assertEquals("0", r.value("echo"), r::toString);
        assertEquals(1, r.wardenLines().size(), r::toString);
        assertTrue(r.wardenLines().get(0).startsWith("warden: warden ") && r.wardenLines().get(0).contains("governing agent ok-it"), r::toString);
        assertEquals(r.wardenLines(), r.stderr().lines().toList(),
                "nothing else on stderr (HotSpot's CDS warning for a late boot class path append included)");
    }

    @Test
    void missingPolicyWithFailureOpenLetsCallsGoAhead() throws Exception {
        AgentRun.Result r = run("policy=" + tmp.resolve("nope.yaml") + ",agent=open-it,failure=open,evidence=" + tmp.resolve("evidence"));
        assertEquals("0", r.value("echo"));
        assertEquals("0", r.value("touch via ProcessBuilder"));
        assertTrue(r.stderr().contains("nope.yaml: policy file not found; failure=open allows every governed call"), r::toString);
    }

    @Test
    void unwritableEvidenceDirectoryDeniesWhenClosed() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), "version: 1\nname: open\ndefault: allow\nrules: []\n");
        Path notADirectory = Files.writeString(tmp.resolve("a-file"), "x");
        AgentRun.Result r = run("policy=" + policy + ",agent=nowhere,evidence=" + notADirectory.resolve("evidence"));
        assertEquals(BLOCKED, r.value("echo"));
        assertTrue(r.wardenLines().stream().anyMatch(l -> l.contains("evidence directory") && l.contains("cannot be written")
                && l.contains("failure=closed denies every governed call")), r::toString);
    }

    @Test
    void hostileArgumentsAreOneClearLine() throws Exception {
        AgentRun.Result unknown = run("policy=x.yaml,bogus=1");
        assertTrue(unknown.stderr().contains("warden: bad configuration: unknown agent argument 'bogus'"), unknown::toString);
        assertEquals(BLOCKED, unknown.value("echo"));
        assertFalse(unknown.stderr().contains("\tat "), "no stack trace");

        AgentRun.Result traversal = run("agent=../../etc,failure=open,evidence=" + tmp.resolve("ev2"));
        assertTrue(traversal.stderr().contains("agent=../../etc is not a valid agent id"), traversal::toString);
        assertFalse(Files.exists(tmp.resolve("etc")));
        assertEquals("0", traversal.value("echo"));
    }
}
