package dev.warden.cli.scan;

import dev.warden.cli.Main;
import dev.warden.scanner.Inventory;
import dev.warden.scanner.live.LiveEvidence;
import dev.warden.scanner.policy.PolicySuggester;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code warden policy suggest INVENTORY [--evidence DIR] [--out FILE]}: a least-privilege starter policy. */
@Command(name = "suggest", description = "A least-privilege starter policy from an inventory (and observed evidence), commented for review.")
public final class PolicySuggestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "INVENTORY", description = "an inventory.json written by `warden scan`")
    Path inventory;

    @Option(names = "--evidence", paramLabel = "DIR", description = "also allow what agents were observed doing (local evidence under DIR)")
    Path evidence;

    @Option(names = "--out", paramLabel = "FILE", description = "write the policy here instead of stdout")
    Path out;

    @Override
    public Integer call() throws IOException {
        Inventory inv = PolicyCoverageCommand.readInventory(inventory);
        if (evidence != null) {
            if (!Files.isDirectory(evidence)) {
                throw new Main.UserError(evidence + ": not a directory of evidence");
            }
            LiveEvidence live = new LiveEvidence(inv);
            ScanCommand.readEvidence(evidence, live::accept);
            spec.commandLine().getErr().println("read " + live.records() + " decision records from " + evidence);
        }
        String yaml = PolicySuggester.suggest(inv, inventory.getFileName().toString());
        if (out != null) {
            Files.writeString(out, yaml);
            spec.commandLine().getErr().println("starter policy written to " + out + " (check it with: warden policy check " + out + ")");
        } else {
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.print(yaml);
            stdout.flush();
        }
        return 0;
    }
}
