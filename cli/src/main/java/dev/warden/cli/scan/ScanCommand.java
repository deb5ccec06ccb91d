package dev.warden.cli.scan;

import dev.warden.cli.Main;
import dev.warden.rules.evidence.EvidenceRecord;
import dev.warden.scanner.Inventory;
import dev.warden.scanner.Progress;
import dev.warden.scanner.StaticScanner;
import dev.warden.scanner.live.JvmLister;
import dev.warden.scanner.live.LiveAttach;
import dev.warden.scanner.report.HtmlReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code warden scan PATH... [--attach PID [--window 30s]] [--out inventory.json] [--html report.html]}
 * and {@code warden scan --jvms}: the capability inventory (see discovery-scanner/INVENTORY.md).
 * Prints a summary on stdout; the progress bar (on a terminal only) goes to stderr.
 */
@Command(name = "scan", description = "Capability inventory: agents, tools, systems and risk, from built applications or running JVMs.")
public final class ScanCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "0..*", description = "jars, fat jars, WARs, class directories, or directories of those")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--out", paramLabel = "FILE", description = "write the inventory JSON here (default: inventory.json when scanning)")
    Path out;

    @Option(names = "--html", paramLabel = "FILE", description = "write a self-contained HTML report here")
    Path html;

    @Option(names = "--jvms", description = "list running JVMs and the agent frameworks loaded in each")
    boolean jvms;

    @Option(names = "--attach", paramLabel = "PID", description = "attach the Warden agent (observe only) to this JVM and record what it does")
    String attach;

    @Option(names = "--window", paramLabel = "DURATION", defaultValue = "30s", description = "how long --attach observes (e.g. 30s, 2m; default 30s)")
    String window;

    @Option(names = "--agent-jar", paramLabel = "FILE", description = "the Warden agent jar for --attach (default: javaagent/target/warden-agent.jar)")
    Path agentJar;

    @Option(names = "--all-code", description = "read third-party libraries as application code too (slower, noisier)")
    boolean allCode;

    @Option(names = "--depth", paramLabel = "N", defaultValue = "12", description = "call-graph depth from a tool to a system (default 12)")
    int depth;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        if (jvms) {
            return listJvms(stdout);
        }
        if (paths.isEmpty() && attach == null) {
            throw new Main.UserError("scan needs a PATH to scan, --attach PID or --jvms (see: warden scan --help)");
        }
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new Main.UserError(p + ": no such file or directory");
            }
        }
        Inventory inv;
        if (!paths.isEmpty()) {
            StaticScanner.Options o = new StaticScanner.Options();
            o.callDepth = depth;
            o.allCode = allCode;
            o.progress = Progress.onStandardError();
            inv = new StaticScanner(o).scan(paths);
        } else {
            inv = new Inventory();
            inv.generator = "warden-scanner";
        }
        if (attach != null) {
            observe(inv, stdout);
        }
        Path target = out != null ? out : Path.of("inventory.json");
        try {
            inv.write(target);
            if (html != null) {
                Files.writeString(html, HtmlReport.render(inv));
            }
        } catch (IOException e) {
            throw new Main.UserError("cannot write " + (html != null && Files.exists(target) ? html : target) + ": " + e.getMessage());
        }
        summary(inv, stdout, target);
        return 0;
    }

    private void observe(Inventory inv, PrintWriter stdout) {
        Duration d = parseWindow(window);
        Path jar = agentJar != null ? agentJar : defaultAgentJar();
        LiveAttach live = new LiveAttach(jar, ScanCommand::readEvidence);
        try {
            live.validate(attach);
            Path work = Files.createTempDirectory("warden-scan-");
            stdout.println("attaching the Warden agent (observe only) to JVM " + attach + " for " + d.toMillis() / 1000.0 + " s; evidence in " + work);
            stdout.println("note: the agent stays loaded in monitor mode, recording into that directory, until that JVM exits");
            stdout.flush();
            live.observe(attach, d, work, inv);
        } catch (IOException e) {
            throw new Main.UserError(e.getMessage());
        }
    }

    /** {@code $WARDEN_HOME/javaagent/target/warden-agent.jar} (set by the {@code ./warden} launcher), else relative to here. */
    private static Path defaultAgentJar() {
        String home = System.getenv("WARDEN_HOME");
        Path rel = Path.of("javaagent", "target", "warden-agent.jar");
        return home == null || home.isBlank() ? rel : Path.of(home).resolve(rel);
    }

    static Duration parseWindow(String w) {
        String s = w.strip().toLowerCase(java.util.Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            }
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            switch (s.charAt(s.length() - 1)) {
                case 's': return Duration.ofSeconds(n);
                case 'm': return Duration.ofMinutes(n);
                case 'h': return Duration.ofHours(n);
                default: break;
            }
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            // fall through to the error
        }
        throw new Main.UserError("--window " + w + ": write a duration like 30s, 2m or 500ms");
    }

    /**
     * Reads every local evidence queue under {@code dir} with the javaagent module's
     * {@code EvidenceQueueReader.readAll(Path, Consumer)}; found by name so the CLI runs (for
     * static scans) without the agent's dependencies.
     */
    static void readEvidence(Path dir, Consumer<EvidenceRecord> sink) {
        try {
            Class<?> reader = Class.forName("dev.warden.agent.evidence.EvidenceQueueReader");
            Method readAll = reader.getMethod("readAll", Path.class, Consumer.class);
            readAll.invoke(null, dir, sink);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            throw new Main.UserError("reading agent evidence needs the warden-javaagent module on the class path (EvidenceQueueReader.readAll not found)");
        } catch (IllegalAccessException e) {
            throw new Main.UserError("cannot call EvidenceQueueReader.readAll: " + e.getMessage());
        } catch (InvocationTargetException e) {
            throw new Main.UserError("cannot read the evidence in " + dir + ": " + e.getCause());
        }
    }

    private int listJvms(PrintWriter stdout) {
        List<JvmLister.Jvm> list = JvmLister.list(20_000);
        if (list.isEmpty()) {
            stdout.println("no other JVM is running as this user");
            return 0;
        }
        stdout.printf("%-8s %-40s %s%n", "PID", "MAIN", "AGENT FRAMEWORKS / HTTP / JDBC LOADED");
        for (JvmLister.Jvm j : list) {
            String name = j.displayName() == null || j.displayName().isBlank() ? "?" : j.displayName().split(" ")[0];
            StringBuilder what = new StringBuilder();
            if (j.problem() != null) {
                what.append("(not inspected: ").append(j.problem()).append(')');
            } else {
                j.frameworks().forEach((k, v) -> what.append(what.length() == 0 ? "" : ", ").append(k).append(v.isEmpty() ? "" : " " + v));
                if (what.length() == 0) {
                    what.append("no agent framework");
                }
                StringBuilder libs = new StringBuilder();
                j.libraries().forEach((k, v) -> libs.append(libs.length() == 0 ? "" : ", ").append(k).append(v.isEmpty() ? "" : " " + v));
                if (libs.length() > 0) {
                    what.append(" | ").append(libs);
                }
            }
            stdout.printf("%-8s %-40s %s%n", j.pid(), name.length() > 40 ? "…" + name.substring(name.length() - 39) : name, what);
        }
        return 0;
    }

    private static void summary(Inventory inv, PrintWriter out, Path target) {
        out.printf("%d agents, %d tools, %d hosts, %d databases, %d tables, %d process commands, %d file targets, %d MCP servers,"
                        + " %d destinations known only at run time%n",
                inv.agents.size(), inv.tools.size(), inv.hosts.size(), inv.databases.size(), inv.tables.size(), inv.processes.size(),
                inv.files.size(), inv.mcpServers.size(), inv.dynamic.size());
        for (Inventory.Framework f : inv.frameworks) {
            out.printf("framework %s %s: %s%n", f.name, f.version == null ? "(version unknown)" : f.version, f.governance);
        }
        for (Inventory.Tool t : inv.tools) {
            out.printf("tool %-28s %-11s risk %3d %-8s reaches %s%n", t.name, t.framework, t.risk == null ? 0 : t.risk.score,
                    t.risk == null ? "" : t.risk.level, t.reaches.isEmpty() ? "-" : String.join(", ", t.reaches));
        }
        for (Inventory.Dynamic d : inv.dynamic) {
            out.printf("run-time %-7s %s: %s%n", d.kind, d.site, d.hints.isEmpty() ? "destination known only at run time" : String.join("; ", d.hints));
        }
        if (inv.stats.records != null) {
            for (Inventory.Host h : inv.hosts) {
                if (h.count != null) {
                    out.printf("observed host  %-30s %s %s, %d calls (%s)%n", h.host + (h.ports.isEmpty() ? "" : ":" + h.ports.get(0)),
                            String.join("/", h.methods), String.join("/", h.clients), h.count, h.source);
                }
            }
            for (Inventory.Table t : inv.tables) {
                if (t.count != null) {
                    out.printf("observed table %-30s %s, %d statements (%s)%n", t.name, String.join("/", t.operations), t.count, t.source);
                }
            }
            for (Inventory.ProcessCommand p : inv.processes) {
                if (p.count != null) {
                    out.printf("observed process %-28s %d launches (%s)%n", p.command, p.count, p.source);
                }
            }
            out.printf("%d decisions observed in %d ms, %d calls blocked%s%n", inv.stats.records, inv.stats.windowMillis,
                    inv.stats.blocked == null ? 0 : inv.stats.blocked, inv.stats.blocked != null && inv.stats.blocked == 0 ? " (observe only)" : "");
        }
        if (!inv.problems.isEmpty()) {
            out.printf("%d inputs skipped (see \"problems\" in %s), e.g. %s: %s%n", inv.problems.size(), target,
                    inv.problems.get(0).location, inv.problems.get(0).problem);
        }
        if (inv.stats.classes > 0 || inv.stats.records == null) {
            out.printf("inventory written to %s (%d classes read in %d ms)%n", target, inv.stats.classes, inv.stats.durationMillis);
        } else {
            out.printf("inventory written to %s%n", target);
        }
        out.flush();
    }
}
