package dev.warden.cli.collector;

import dev.warden.collector.Tokens;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code warden policy rollback (--agent ID | --all)}: re-issues the policy pushed to that target
 * before the current one, under a new, higher serial (so agents never mistake it for a replay);
 * again goes one step further back. Needs the admin token. Runs on the command's thread.
 */
@Command(name = "rollback", description = "Re-issue the previous pushed policy of a target under a new serial.")
public final class PolicyRollbackCommand extends OrderCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--agent", paramLabel = "ID", description = "the policy pushed to this agent")
    String agent;
    @Option(names = "--all", description = "the policy pushed to all agents")
    boolean all;

    @Override
    public Integer call() {
        String target = target(agent, all, false, false);
        var err = spec.commandLine().getErr();
        String token = token(Tokens.ADMIN);
        return issued(send("POST", "/api/orders/rollback", JSON.createObjectNode().put("target", target), token, err), token,
                spec.commandLine().getOut(), err);
    }
}
