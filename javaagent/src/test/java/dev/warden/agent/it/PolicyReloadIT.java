package dev.warden.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.agent.it.apps.ReloadApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload in a running application: an edited policy applies without a restart, a broken
 * edit is reported once as {@code file:line:col} and the last good policy stays in force, and a
 * fixed file is picked up again.
 */
class PolicyReloadIT {
    static final String ALLOW = "version: 1\nname: open\ndefault: allow\nrules: []\n";
    static final String DENY = """
            version: 1
            name: orders-closed
            default: allow
            rules:
              - id: no-orders
                match: { kind: sql, tables: orders, operation: SELECT }
                action: deny
            """;

    @TempDir
    Path tmp;

    @Test
    void editsApplyWhileTheApplicationRunsAndBrokenEditsAreRefused() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), ALLOW);
        Path out = tmp.resolve("stdout");
        Path err = tmp.resolve("stderr");
        Process p = new AgentRun()
                .agent("policy=" + policy + ",agent=reload-it,evidence=" + tmp.resolve("evidence"))
                .main(ReloadApp.class)
                .start(out, err);
        try {
            awaitLast(out, "ok", p);

            replace(policy, DENY);
            long applied = awaitLast(out, "blocked", p);
            System.out.println("policy edit applied after " + applied + " ms");

            // a broken edit: reported once with file:line:col, the last good policy keeps blocking
            replace(policy, DENY.replace("action: deny", "action: [deny"));
            awaitText(err, policy + ":", p);
            int queriesBefore = lines(out).size();
            while (lines(out).size() < queriesBefore + 40) {
                Thread.sleep(20);
            }
            List<String> recent = lines(out).subList(queriesBefore, queriesBefore + 40);
            assertTrue(recent.stream().allMatch(l -> l.endsWith(": blocked")), "the last good policy must stay active: " + recent);
            List<String> problems = Files.readAllLines(err).stream().filter(l -> l.startsWith("warden: " + policy + ":")).toList();
            assertEquals(1, problems.size(), "reported once: " + problems);
            assertTrue(problems.get(0).matches("warden: .*policy\\.yaml:\\d+:\\d+: .*"), problems.get(0));

            replace(policy, ALLOW);
            awaitLast(out, "ok", p);
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    /** Writes the file the way editors do: a new file moved over the old one. */
    static void replace(Path file, String text) throws Exception {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.writeString(next, text);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static List<String> lines(Path out) throws Exception {
        return Files.readAllLines(out).stream().filter(l -> l.startsWith("query ")).toList();
    }

    /** Waits until the application's latest query answered {@code result}; returns the milliseconds waited. */
    static long awaitLast(Path out, String result, Process p) throws Exception {
        long start = System.nanoTime();
        long deadline = start + 20_000_000_000L;
        while (true) {
            List<String> l = lines(out);
            if (!l.isEmpty() && l.get(l.size() - 1).endsWith(": " + result)) {
                return (System.nanoTime() - start) / 1_000_000;
            }
            assertTrue(p.isAlive(), "the application died");
            assertTrue(System.nanoTime() < deadline, "no query answered '" + result + "': " + (l.isEmpty() ? "" : l.get(l.size() - 1)));
            Thread.sleep(20);
        }
    }

    static void awaitText(Path file, String text, Process p) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!Files.readString(file).contains(text)) {
            assertTrue(p.isAlive(), "the application died");
            assertTrue(System.nanoTime() < deadline, "'" + text + "' never appeared in " + file);
            Thread.sleep(20);
        }
    }
}
