package dev.warden.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, run as a user runs it (the built CLI jar, forked): the printed
 * decisions follow the policy in the order the example agent acts, and the exported trail verifies.
 */
class DemoIT {
    private static final Path ROOT = Path.of(System.getProperty("warden.project.dir", Path.of(System.getProperty("user.dir")).getParent().toString()));

    @Test
    void demoShowsEveryKindOfDecisionAndTheTrailVerifies(@TempDir Path out) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(javaBin, "-jar", ROOT.resolve("cli/target/warden-cli.jar").toString(), "demo", "--out", out.toString())
                .redirectErrorStream(true).redirectOutput(out.resolve("demo.txt").toFile());
        pb.environment().put("WARDEN_HOME", ROOT.toString());
        Process p = pb.start();
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the demo did not finish in 240 s:\n" + Files.readString(out.resolve("demo.txt")));
        }
        String text = Files.readString(out.resolve("demo.txt"), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);

        // a person saw both escalations with their amounts, approved one and left the other
        assertTrue(text.matches("(?s).*approval requested: tool issueRefund [^\n]*\"amount\":600[^\n]*\n\\s*-> approved by alice.*"), text);
        assertTrue(text.matches("(?s).*approval requested: tool issueRefund [^\n]*\"amount\":750[^\n]*\n\\s*-> nobody answers.*"), text);
        // the decisions, in the order the agent acts (approval lines may come before their decision is shipped)
        List<String> want = List.of(
                "tool lookupCustomer .* allow",
                "tool issueRefund .* allow +$",
                "tool issueRefund .* allow \\(approved by alice\\) +big-refunds-need-approval",
                "tool issueRefund .* deny \\(timeout\\) +big-refunds-need-approval",
                "sql DDL customers +\\[in runSql\\] .* deny +no-ddl",
                "tool sendEmail .* deny +email-rate",
                "http POST https://reports.partner-analytics.example/upload .* deny +egress-allowlist, no-export-after-customer-read",
                "audit verify: OK");
        List<String> lines = new ArrayList<>(List.of(text.split("\n")));
        int at = 0;
        for (String w : want) {
            java.util.regex.Pattern pat = java.util.regex.Pattern.compile(".*" + w + (w.endsWith("$") ? "" : ".*"));
            boolean found = false;
            while (at < lines.size()) {
                if (pat.matcher(lines.get(at++)).matches()) {
                    found = true;
                    break;
                }
            }
            assertTrue(found, "expected, in order: " + w + "\n" + text);
        }
        // three emails went out, then the limit applied twice
        assertEquals(2, text.lines().filter(l -> l.matches(".*tool sendEmail .* deny +email-rate.*")).count(), text);
        // the model's own traffic is never cut off
        assertTrue(text.lines().filter(l -> l.contains("[in model]")).allMatch(l -> l.contains(" allow ")), text);
    }
}
