package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The `warden policy` commands, run in-process as the launcher runs them. */
class PolicyCommandTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void shippedExamplePoliciesPassTheirOwnTests() {
        for (String name : new String[] {"refund-agent", "controls-1.1"}) {
            Run r = run("policy", "test", ROOT.resolve("examples/policies/" + name + ".yaml").toString(),
                    ROOT.resolve("examples/policies/" + name + ".tests.yaml").toString());
            assertEquals(0, r.exit(), r.out() + r.err());
            assertTrue(r.out().contains(" passed, 0 failed"), r.out());
        }
    }

    @Test
    void checkRejectsABrokenPolicyWithOneLinePerProblemAndNoStackTrace(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("policy.yaml");
        Files.writeString(p, "version: 1\nname: x\nrules:\n  - id: a\n    match: { kind: sql }\n    acton: deny\n");
        Run r = run("policy", "check", p.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains(p + ":6:5: unknown key 'acton' in rule (did you mean 'action'?)"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void checkOfAMissingFileIsOneClearLine(@TempDir Path dir) {
        Run r = run("policy", "check", dir.resolve("nope.yaml").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().trim().endsWith("cannot read the policy: no such file"), r.err());
    }

    @Test
    void failingPolicyTestExitsOne(@TempDir Path dir) throws Exception {
        Path tests = dir.resolve("t.yaml");
        Files.writeString(tests, "- name: wrong on purpose\n  action: { kind: sql, operation: DDL, tables: [x] }\n  expect: allow\n");
        Run r = run("policy", "test", ROOT.resolve("examples/policies/refund-agent.yaml").toString(), tests.toString());
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("FAIL wrong on purpose: expected allow, got deny by no-ddl"), r.out());
        assertTrue(r.out().contains("0 passed, 1 failed"), r.out());
    }

    @Test
    void explainNamesTheRuleAndWhyOthersDidNotApply() {
        Run r = run("policy", "explain", ROOT.resolve("examples/policies/refund-agent.yaml").toString(),
                "--action", "{\"kind\":\"tool\",\"tool\":\"issueRefund\",\"args\":{\"amount\":600}}");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("decision: escalate"), r.out());
        assertTrue(r.out().contains("rules:    big-refunds-need-approval"), r.out());
        assertTrue(r.out().contains("approval: timeout 5s, on timeout deny"), r.out());
        assertTrue(r.out().contains("huge-refunds-never") && r.out().contains("no: args.amount: {gte: 5000}"), r.out());
    }

    @Test
    void explainRejectsABadActionClearly() {
        Run r = run("policy", "explain", ROOT.resolve("examples/policies/refund-agent.yaml").toString(), "--action", "{\"kind\":\"ftp\"}");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("--action: the action needs \"kind\""), r.err());
    }
}
