package dev.warden.cli.collector;

import dev.warden.cli.Main;
import dev.warden.collector.CollectorKeys;
import dev.warden.collector.Verifier;
import dev.warden.collector.export.ExportFilter;
import dev.warden.collector.export.Exporter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code warden audit export|verify}: the audit trail out of a collector's store. */
@Command(name = "audit", description = "Export and verify the collector's audit trail.",
        subcommands = {AuditCommand.Export.class, AuditCommand.Verify.class})
public final class AuditCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static void requireStore(Path store) {
        if (!Files.isDirectory(store.resolve("queue"))) {
            throw new Main.UserError(store + ": not a Warden collector store (expected " + store.resolve("queue") + ")");
        }
    }

    @Command(name = "export", description = "Write the audit trail as JSON lines, OCSF API Activity events or CSV to stdout.")
    static final class Export implements Callable<Integer> {
        @Option(names = "--store", required = true, paramLabel = "DIR") Path store;
        @Option(names = "--format", defaultValue = "jsonl", description = "jsonl, ocsf or csv (default jsonl)") String format;
        @Option(names = "--from", description = "from this time (date, ISO instant or epoch ms), inclusive") String from;
        @Option(names = "--to", description = "until this time, exclusive") String to;
        @Option(names = "--agent") String agent;
        @Option(names = "--session") String session;
        @Option(names = "--decision", description = "allow, deny or escalate") String decision;
        @Option(names = "--control", description = "a control tag, e.g. EU-AI-Act:Art.14") String control;

        @Override
        public Integer call() throws IOException {
            requireStore(store);
            ExportFilter f = new ExportFilter();
            try {
                if (from != null) {
                    f.fromMicros = ExportFilter.parseTime(from, "--from");
                }
                if (to != null) {
                    f.toMicros = ExportFilter.parseTime(to, "--to");
                }
                Exporter.Format fmt = Exporter.Format.parse(format);
                f.agent = agent;
                f.session = session;
                f.decision = decision;
                f.control = control;
                BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
                Exporter.export(store, fmt, f, out);
                out.flush();
            } catch (IllegalArgumentException e) {
                throw new Main.UserError(e.getMessage());
            }
            return 0;
        }
    }

    @Command(name = "verify", description = "Recompute every hash chain and checkpoint signature; exit 1 naming the first bad record.")
    static final class Verify implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Option(names = "--store", required = true, paramLabel = "DIR") Path store;
        @Option(names = "--public-key", paramLabel = "FILE", description = "the collector's signing key (PEM); default: STORE/signing-public.pem")
        Path publicKey;

        @Override
        public Integer call() throws IOException {
            requireStore(store);
            PublicKey key = null;
            if (publicKey != null) {
                try {
                    key = CollectorKeys.readPublicKey(publicKey);
                } catch (IOException e) {
                    throw new Main.UserError(e.getMessage());
                }
            }
            Verifier.Result r;
            try {
                r = new Verifier().verify(store, key);
            } catch (IOException e) {
                throw new Main.UserError(e.getMessage());
            }
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            for (String w : r.warnings) {
                err.println("warning: " + w);
            }
            double secs = r.nanos / 1e9;
            if (!r.ok) {
                err.println("audit verify: FAILED: " + r.problem);
                err.flush();
                return 1;
            }
            out.printf("audit verify: OK: %d records, %d checkpoints, %d excerpts in %.2f s (%.0f records/s)%n",
                    r.records, r.checkpoints, r.excerpts, secs, r.excerpts / Math.max(secs, 1e-9));
            out.flush();
            err.flush();
            return 0;
        }
    }
}
