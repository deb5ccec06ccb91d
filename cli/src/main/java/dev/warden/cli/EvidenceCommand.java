package dev.warden.cli;

import dev.warden.agent.evidence.EvidenceQueueReader;
import dev.warden.rules.evidence.EvidenceJson;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code warden evidence ...}: read the local evidence an agent wrote. */
@Command(name = "evidence", description = "Read local evidence written by the javaagent.",
        subcommands = {EvidenceCommand.Tail.class})
public final class EvidenceCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code warden evidence tail DIR [--follow]}: every record of every local evidence queue
     * under DIR ({@code DIR/<agent>/<instance>/}) as JSON lines on stdout; with {@code --follow},
     * keeps printing records as they are appended (new instances included) until interrupted.
     */
    @Command(name = "tail", description = "Print every local evidence queue under DIR as JSON lines.")
    static final class Tail implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "DIR", description = "the evidence directory (the agent's evidence=DIR)")
        Path dir;
        @Option(names = {"-f", "--follow"}, description = "keep printing records as they are appended")
        boolean follow;

        @Override
        public Integer call() throws InterruptedException {
            if (!Files.isDirectory(dir)) {
                throw new Main.UserError(dir + ": no such directory");
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!follow && EvidenceQueueReader.queues(dir).isEmpty()) {
                err.println("warden: no evidence queues under " + dir);
                err.flush();
                return 0;
            }
            try (EvidenceQueueReader.Tail tail = new EvidenceQueueReader.Tail(dir, problem -> {
                err.println("warden: " + problem);
                err.flush();
            })) {
                do {
                    int n = tail.poll(r -> out.println(EvidenceJson.toJson(r)));
                    out.flush();
                    if (follow && n == 0) {
                        Thread.sleep(200);
                    }
                } while (follow);
            }
            return 0;
        }
    }
}
