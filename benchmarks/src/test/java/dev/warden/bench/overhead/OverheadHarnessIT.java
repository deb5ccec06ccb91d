package dev.warden.bench.overhead;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The overhead harness's smoke mode, end to end, so the harness cannot rot: the real workload jar in
 * forked JVMs, the built agent jar with the refund-agent policy and a real collector process, Cedar
 * through cedar-java, the Jetty egress proxy — one round with tiny counts — and the section it writes
 * into a results file. Asserts that every variant ran and reported every figure, that each control
 * was live, and that evidence reached the collector; never a timing.
 */
class OverheadHarnessIT {

    @Test
    void smokeRunMeasuresEveryVariantAndWritesTheIssue8Section(@TempDir Path dir) throws Exception {
        Path project = Path.of(System.getProperty("warden.project.dir"));
        Path results = dir.resolve("RESULTS.md");
        Files.writeString(results, "# Benchmark results\n\n" + OverheadReport.HEADING + "\n\n_pending_\n\n## Control plane (kill switch latency)\n\n_pending_\n");
        OverheadHarness.Options o = OverheadHarness.Options.parse(new String[] {"--smoke", "--results", results.toString(),
                "--agent", System.getProperty("warden.agent.jar"), "--workload", System.getProperty("overhead.workload.jar"),
                "--policy", project.resolve("examples/policies/refund-agent.yaml").toString(), "--command", "benchmarks/overhead --smoke"});

        String section = OverheadHarness.run(o);

        String text = Files.readString(results);
        assertTrue(text.contains(OverheadReport.BEGIN + "\n### Run of "), text);
        assertTrue(text.contains(section.strip()), "the section is in the file");
        assertTrue(text.endsWith("## Control plane (kill switch latency)\n\n_pending_\n"), "the next section is left alone:\n" + text);
        assertTrue(section.contains("Every variant ran in every round"), section);
        assertTrue(section.contains("Command: `benchmarks/overhead --smoke`"), section);
        for (String kind : new String[] {"tool \\(agent step\\)", "HTTP POST", "SQL SELECT"}) {
            for (String variant : OverheadHarness.VARIANTS) {
                // latency row: three measured percentiles, and for the alternatives three added figures
                String added = variant.equals("none") ? " \\|  \\| \\| " : " \\| [+−][0-9.,]+ \\| [+−][0-9.,]+ \\| [+−][0-9.,]+ ";
                assertTrue(Pattern.compile("\\| " + kind + " \\| " + variant + " \\| [0-9.,]+ \\| [0-9.,]+ \\| [0-9.,]+" + added).matcher(section).find(),
                        kind + " / " + variant + " latency row:\n" + section);
                assertTrue(Pattern.compile("\\| " + kind + " \\| " + variant + " \\| [0-9.,]+( \\([+−][0-9]+%\\))? \\| [0-9.,]+").matcher(section).find(),
                        kind + " / " + variant + " throughput row:\n" + section);
            }
        }
        for (String variant : OverheadHarness.VARIANTS) {
            assertTrue(Pattern.compile("\\| " + variant + " \\| [0-9.,]+ ms \\| [0-9.,]+ ms \\| [0-9]+ MB").matcher(section).find(), variant + " start-up row:\n" + section);
        }
        assertTrue(section.contains("`warden` denied: "), "Warden refused the DDL probe:\n" + section);
        assertTrue(section.contains("`cedar` denied: "), "Cedar refused the DDL probe:\n" + section);
        assertTrue(section.contains("`proxy` denied: "), "the proxy refused the outside host:\n" + section);
        Matcher stored = Pattern.compile("stored ([0-9,]+) evidence records").matcher(section);
        assertTrue(stored.find(), section);
        assertTrue(Long.parseLong(stored.group(1).replace(",", "")) > 0, "evidence reached the collector");
        assertFalse(section.contains("could not run"), section);
    }
}
