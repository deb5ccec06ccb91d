package dev.warden.cli.collector;

import dev.warden.cli.Main;
import dev.warden.collector.Tokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code warden policy push FILE (--agent ID | --all)}: the collector validates the policy as
 * {@code policy check} does (refusing it with the same {@code file:line:col} lines), gives it the
 * next serial, signs it and sends it; this command then follows the rollout. Needs the admin token.
 * Runs on the command's thread.
 */
@Command(name = "push", description = "Push a policy to running agents through the collector (signed, numbered; follows the rollout).")
public final class PolicyPushCommand extends OrderCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Parameters(paramLabel = "FILE", description = "the policy (YAML)")
    Path file;
    @Option(names = "--agent", paramLabel = "ID", description = "every instance of this agent")
    String agent;
    @Option(names = "--all", description = "every agent")
    boolean all;

    @Override
    public Integer call() {
        String target = target(agent, all, false, false);
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new Main.UserError(file + ": no such file");
        } catch (IOException e) {
            throw new Main.UserError(file + ": cannot read: " + e.getMessage());
        }
        var body = JSON.createObjectNode().put("target", target).put("file", file.toString()).put("content", content);
        var err = spec.commandLine().getErr();
        String token = token(Tokens.ADMIN);
        return issued(send("POST", "/api/orders/policy", body, token, err), token, spec.commandLine().getOut(), err);
    }
}
