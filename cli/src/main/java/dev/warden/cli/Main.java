package dev.warden.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code warden} command. Each family of subcommands lives in its own class; this class
 * only lists them. Errors a user can cause print one line on stderr and exit 1 (2 for usage).
 */
@Command(name = "warden", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Runtime governance for AI agents on the JVM.",
        subcommands = {
            PolicyCommand.class,
            EvidenceCommand.class,
            dev.warden.cli.scan.ScanCommand.class,
            dev.warden.cli.collector.CollectorCommand.class,
            dev.warden.cli.collector.AuditCommand.class,
            dev.warden.cli.collector.ApprovalsCommand.class,
            dev.warden.cli.collector.FleetCommand.class,
            dev.warden.cli.collector.KillCommand.class,
            dev.warden.cli.collector.ResumeCommand.class,
            dev.warden.cli.demo.DemoCommand.class,
        })
public final class Main implements Runnable {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (tests call this directly). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof UserError) {
                cmd.getErr().println("warden: " + ex.getMessage());
                return 1;
            }
            cmd.getErr().println("warden: internal error: " + ex);
            ex.printStackTrace(cmd.getErr());
            return 70;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** The version printed by {@code --version} and in the agent's start-up line. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"warden " + (v == null ? "dev" : v)};
        }
    }

    /** An error the user caused (bad file, bad argument): printed as one line, exit 1. */
    public static final class UserError extends RuntimeException {
        public UserError(String message) {
            super(message, null, false, false);
        }
    }
}
