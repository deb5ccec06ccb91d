package dev.warden.cli.scan;

import dev.warden.cli.PolicyCommand;

import dev.warden.cli.Main;
import dev.warden.rules.Policy;
import dev.warden.scanner.Inventory;
import dev.warden.scanner.policy.Coverage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code warden policy coverage POLICY INVENTORY}: which rule governs each discovered tool, host,
 * table and process; exit 1 when something consequential is governed by nothing but
 * {@code default: allow} (semantics in discovery-scanner/INVENTORY.md).
 */
@Command(name = "coverage", description = "Which rule governs each discovered tool, host, table and process; exit 1 when something consequential is ungoverned.")
public final class PolicyCoverageCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "POLICY")
    Path policyFile;

    @Parameters(index = "1", paramLabel = "INVENTORY")
    Path inventory;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Policy policy = PolicyCommand.load(policyFile, err);
        if (policy == null) {
            return 1;
        }
        Inventory inv = readInventory(inventory);
        List<Coverage.Row> rows = new Coverage(policy).check(inv);
        out.printf("%-11s %-13s %-44s %-9s %s%n", "STATUS", "KIND", "ITEM", "DECISION", "RULES / WHY IT MATTERS");
        int ungoverned = 0;
        for (Coverage.Row r : rows) {
            boolean bad = r.status() == Coverage.Status.UNGOVERNED && r.consequential() != null && !r.kind().equals("file");
            if (bad) {
                ungoverned++;
            }
            String status = r.kind().equals("file") ? "n/a" : r.status().name().toLowerCase(java.util.Locale.ROOT);
            String rules = r.rules().isEmpty() ? (r.kind().equals("file") ? "(no file kind in the policy language)" : "only default: allow") : String.join(", ", r.rules());
            out.printf("%-11s %-13s %-44s %-9s %s%s%n", status, r.kind(), clip(r.item()), r.verdict(), rules,
                    r.consequential() == null ? "" : "  [" + r.consequential() + "]");
        }
        out.printf("%d items, %d consequential ungoverned%n", rows.size(), ungoverned);
        out.flush();
        return Coverage.failing(rows) ? 1 : 0;
    }

    private static String clip(String s) {
        return s.length() <= 44 ? s : s.substring(0, 43) + "…";
    }

    static Inventory readInventory(Path file) {
        try {
            return Inventory.read(file);
        } catch (IOException e) {
            throw new Main.UserError(e.getMessage());
        }
    }
}
