package dev.warden.cli.collector;

import dev.warden.cli.Main;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code warden kill (--agent ID | --all | --tool NAME) --reason TEXT --as NAME}: a signed kill
 * order: the target denies every governed action (or every call of one tool) until
 * {@code warden resume}, naming the order in each denial's evidence; it survives agent restarts.
 * Runs on the command's thread.
 */
@Command(name = "kill", description = "Stop agents: deny every governed action (or one tool's calls) until `warden resume`.")
public final class KillCommand extends OrderCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--agent", paramLabel = "ID", description = "every instance of this agent")
    String agent;
    @Option(names = "--all", description = "every agent")
    boolean all;
    @Option(names = "--tool", paramLabel = "NAME", description = "only calls of this tool (on every agent unless --agent)")
    String tool;
    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "why (recorded in every denial)")
    String reason;
    @Option(names = "--as", required = true, paramLabel = "NAME", description = "who issues the order (their token; recorded)")
    String as;

    @Override
    public Integer call() {
        String target = target(agent, all, tool != null, true);
        if (reason.isBlank()) {
            throw new Main.UserError("--reason must say why");
        }
        var body = JSON.createObjectNode().put("target", target).put("tool", tool).put("reason", reason).put("issuer", as);
        var err = spec.commandLine().getErr();
        return issued(send("POST", "/api/orders/kill", body, token(as), err), token(as), spec.commandLine().getOut(), err);
    }
}
