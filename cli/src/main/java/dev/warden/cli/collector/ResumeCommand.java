package dev.warden.cli.collector;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code warden resume (--agent ID | --all | --tool NAME) --as NAME}: lifts kill orders, signed
 * like them: without {@code --tool} every kill of the target, with it that tool's kill only.
 * Runs on the command's thread.
 */
@Command(name = "resume", description = "Lift kill orders (all of the target's, or one tool's).")
public final class ResumeCommand extends OrderCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--agent", paramLabel = "ID", description = "every instance of this agent")
    String agent;
    @Option(names = "--all", description = "every agent")
    boolean all;
    @Option(names = "--tool", paramLabel = "NAME", description = "lift only this tool's kill order")
    String tool;
    @Option(names = "--reason", paramLabel = "TEXT", description = "why (recorded)")
    String reason;
    @Option(names = "--as", required = true, paramLabel = "NAME", description = "who issues the order (their token; recorded)")
    String as;

    @Override
    public Integer call() {
        String target = target(agent, all, tool != null, true);
        var body = JSON.createObjectNode().put("target", target).put("tool", tool).put("reason", reason).put("issuer", as);
        var err = spec.commandLine().getErr();
        return issued(send("POST", "/api/orders/resume", body, token(as), err), token(as), spec.commandLine().getOut(), err);
    }
}
