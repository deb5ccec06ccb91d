package dev.warden.collector.it;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Forked JVMs for the end-to-end tests: the collector as its own process ({@link CollectorMain},
 * on the test classpath with Chronicle's opens), and the application ({@link DecisionsApp}) under
 * the built agent jar, with nothing of Warden on its classpath. Output goes to files in the
 * test's directory; {@link #kill()} is {@code kill -9}.
 */
final class Forked implements AutoCloseable {
    final Process process;
    final Path stdout;
    final Path stderr;
    final String name;

    private Forked(String name, Process process, Path stdout, Path stderr) {
        this.name = name;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    private static Path agentCopy;

    /**
     * The built agent jar, copied once per test run: a JVM reads its agent jar lazily, so a
     * rebuild of the original while a test runs must not reach the applications under test.
     */
    static synchronized Path agentJar() throws IOException {
        if (agentCopy == null) {
            String p = System.getProperty("warden.agent.jar");
            if (p == null || !Files.isRegularFile(Path.of(p))) {
                throw new IllegalStateException("warden.agent.jar is not set or missing (" + p + "): run these tests with mvn verify after the javaagent is packaged");
            }
            Path dir = Files.createTempDirectory("warden-agent-under-test");
            dir.toFile().deleteOnExit();
            agentCopy = Files.copy(Path.of(p), dir.resolve("warden-agent.jar"));
            agentCopy.toFile().deleteOnExit();
        }
        return agentCopy;
    }

    /** The directory holding the test classes (the application's whole classpath). */
    static String testClasses() {
        try {
            return Path.of(DecisionsApp.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> opens() {
        String o = System.getProperty("warden.test.opens", "");
        return o.isBlank() ? List.of() : List.of(o.trim().split("\\s+"));
    }

    /** The collector on {@code 127.0.0.1:port} storing in {@code store}; returns once it listens. */
    static Forked collector(Path dir, String name, Path store, int port) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java().toString());
        cmd.addAll(opens());
        cmd.addAll(List.of("-Xmx512m", "-Dchronicle.analytics.disable=true", "-cp", System.getProperty("java.class.path"),
                CollectorMain.class.getName(), store.toString(), Integer.toString(port)));
        Forked f = start(dir, name, cmd);
        f.awaitLine("collector: listening", 60_000);
        return f;
    }

    /** {@link DecisionsApp} under the agent jar: {@code calls} governed calls, {@code pauseMicros} apart. */
    static Forked app(Path dir, String name, String agentArgs, int calls, long pauseMicros, Path exitFile, String... pathPrefix) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(java().toString(), "-Xmx256m", "-javaagent:" + agentJar() + "=" + agentArgs, "-cp", testClasses(),
                DecisionsApp.class.getName(), Integer.toString(calls), Long.toString(pauseMicros), exitFile == null ? "-" : exitFile.toString()));
        cmd.addAll(List.of(pathPrefix));
        return start(dir, name, cmd);
    }

    /** {@link GovernedLoopApp} under the agent jar: governed calls {@code pauseMillis} apart until {@code exitFile} exists. */
    static Forked loop(Path dir, String name, String agentArgs, Path exitFile, long pauseMillis) throws IOException {
        return start(dir, name, List.of(java().toString(), "-Xmx256m", "-javaagent:" + agentJar() + "=" + agentArgs, "-cp", testClasses(),
                GovernedLoopApp.class.getName(), exitFile.toString(), Long.toString(pauseMillis)));
    }

    private static Forked start(Path dir, String name, List<String> cmd) throws IOException {
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new Forked(name, p, out, err);
    }

    String output() {
        try {
            return Files.readString(stdout);
        } catch (IOException e) {
            return "";
        }
    }

    /** The last {@code call N: ...} the application printed (0 before the first). */
    long lastCall() {
        long last = 0;
        for (String l : output().lines().toList()) {
            if (l.startsWith("call ")) {
                int colon = l.indexOf(':');
                if (colon > 5) {
                    last = Long.parseLong(l.substring(5, colon));
                }
            }
        }
        return last;
    }

    void awaitLine(String prefix, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (output().lines().noneMatch(l -> l.startsWith(prefix))) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before printing '" + prefix + "'\n" + describe());
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(name + " did not print '" + prefix + "' within " + timeoutMillis + " ms\n" + describe());
            }
            Thread.sleep(20);
        }
    }

    int awaitExit(long timeoutMillis) throws InterruptedException {
        if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not exit within " + timeoutMillis + " ms\n" + describe());
        }
        return process.exitValue();
    }

    /** {@code kill -9}: no shutdown hook runs, nothing is flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    String describe() {
        String err;
        try {
            err = Files.readString(stderr);
        } catch (IOException e) {
            err = "";
        }
        String out = output();
        return "--- " + name + " stdout (tail)\n" + tail(out) + "--- " + name + " stderr (tail)\n" + tail(err);
    }

    private static String tail(String s) {
        List<String> lines = s.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())) + "\n";
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    static String policy() {
        return """
                version: 1
                name: pipeline-it
                default: allow
                rules:
                  - id: no-deny-paths
                    description: the tests deny every call to /deny/
                    match: { kind: http, path: "/deny/*" }
                    action: deny
                """;
    }
}
