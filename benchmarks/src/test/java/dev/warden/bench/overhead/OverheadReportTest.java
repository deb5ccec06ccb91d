package dev.warden.bench.overhead;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness's results-file update and its command line, without running anything. */
class OverheadReportTest {

    @Test
    void aSecondRunReplacesTheGeneratedBlockAndKeepsTheHandWrittenText(@TempDir Path dir) throws Exception {
        Path results = dir.resolve("RESULTS.md");
        Files.writeString(results, "# R\n\n" + OverheadReport.HEADING + "\n\n_pending_\n\nHand-written notes.\n\n## Next\n\nx\n");
        OverheadReport.update(results, "### Run A\n", false);
        OverheadReport.update(results, "### Run B\n", false);
        String text = Files.readString(results);
        assertFalse(text.contains("Run A"), text);
        assertEquals(1, text.split(Pattern.quote(OverheadReport.BEGIN), -1).length - 1, text);
        assertTrue(text.contains("### Run B\n" + OverheadReport.END + "\n\nHand-written notes.\n\n## Next\n\nx\n"), text);
        OverheadReport.update(results, "### Run C\n", true);
        text = Files.readString(results);
        assertTrue(text.contains("### Run B\n\n### Run C\n" + OverheadReport.END), text);
    }

    @Test
    void badOptionsGetOneClearLine() {
        OverheadHarness.UsageError e = org.junit.jupiter.api.Assertions.assertThrows(OverheadHarness.UsageError.class,
                () -> OverheadHarness.Options.parse(new String[] {"--variants", "warden,cedar"}));
        assertTrue(e.getMessage().contains("must include none"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(OverheadHarness.UsageError.class,
                () -> OverheadHarness.Options.parse(new String[] {"--rounds", "three"}));
        assertEquals("--rounds: not a number: three", e.getMessage());
    }
}
