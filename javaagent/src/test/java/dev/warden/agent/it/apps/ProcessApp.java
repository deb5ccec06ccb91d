package dev.warden.agent.it.apps;

import java.nio.file.Path;
import java.util.List;

/**
 * A plain application that starts processes every way the JDK offers: {@code ProcessBuilder},
 * {@code Runtime.exec}, a pipeline, and a program given by absolute path. Each denied launch
 * would have created a marker file under the directory given as the only argument. Prints
 * {@code label: exit code} or {@code label: <exception class> blocked=<is WardenBlocked>}.
 */
public final class ProcessApp {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Blocked.report("echo", () -> new ProcessBuilder("echo", "hello").start().waitFor());
        Blocked.report("touch via ProcessBuilder", () -> new ProcessBuilder("touch", dir.resolve("pb").toString()).start().waitFor());
        Blocked.report("touch via Runtime.exec", () -> Runtime.getRuntime().exec(new String[] {"touch", dir.resolve("rt").toString()}).waitFor());
        Blocked.report("touch by absolute path", () -> new ProcessBuilder("/usr/bin/touch", dir.resolve("abs").toString()).start().waitFor());
        Blocked.report("pipeline with a denied stage", () -> {
            List<Process> ps = ProcessBuilder.startPipeline(List.of(new ProcessBuilder("echo", "x"), new ProcessBuilder("touch", dir.resolve("pipe").toString())));
            return ps.get(ps.size() - 1).waitFor();
        });
        System.out.println("done: process");
    }
}
