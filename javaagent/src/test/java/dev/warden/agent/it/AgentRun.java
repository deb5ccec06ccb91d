package dev.warden.agent.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a test application in a forked JVM, with or without the built agent jar, and captures
 * what it printed. The application classpath is the test classes plus the client libraries and
 * drivers (never Warden's own libraries: the agent must bring its own).
 */
final class AgentRun {
    final List<String> jvmArgs = new ArrayList<>();
    final List<String> args = new ArrayList<>();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String agentArgs;
    String mainClass;
    String classpath = defaultClasspath();
    final Map<String, String> env = new java.util.HashMap<>();
    Path workDir;
    long timeoutSeconds = 90;

    static Path agentJar() {
        String p = System.getProperty("warden.agent.jar");
        if (p == null || !Files.isRegularFile(Path.of(p))) {
            throw new IllegalStateException("warden.agent.jar is not set or missing (" + p + "): run the integration tests with mvn verify");
        }
        return Path.of(p);
    }

    static Path libs() {
        return Path.of(System.getProperty("warden.it.libs"));
    }

    static String defaultClasspath() {
        try {
            return System.getProperty("warden.it.classes") + File.pathSeparator
                    + Files.readString(libs().resolve("classpath.txt"), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalStateException("it-libs/classpath.txt is missing: run the integration tests with mvn verify", e);
        }
    }

    /** Test classes plus only the jars in {@code it-libs/<dir>}. */
    static String classpathWith(String dir) throws IOException {
        StringBuilder sb = new StringBuilder(System.getProperty("warden.it.classes"));
        try (Stream<Path> s = Files.list(libs().resolve(dir))) {
            s.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> sb.append(File.pathSeparator).append(p));
        }
        return sb.toString();
    }

    /** A JDK 25 installed under /usr/lib/jvm (found by its {@code release} file), if any. */
    static Optional<Path> jdk25() {
        Path root = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(d -> {
                try {
                    Path release = d.resolve("release");
                    return Files.isRegularFile(release) && Files.readString(release).contains("JAVA_VERSION=\"25")
                            && Files.isExecutable(d.resolve("bin/java"));
                } catch (IOException e) {
                    return false;
                }
            }).sorted().map(d -> d.resolve("bin/java")).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    AgentRun agent(String agentArguments) {
        this.agentArgs = agentArguments;
        return this;
    }

    AgentRun main(Class<?> type, String... arguments) {
        this.mainClass = type.getName();
        this.args.addAll(List.of(arguments));
        return this;
    }

    AgentRun jvm(String... a) {
        jvmArgs.addAll(List.of(a));
        return this;
    }

    List<String> command() {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.add("-Xshare:auto");
        cmd.addAll(jvmArgs);
        if (agentArgs != null) {
            cmd.add("-javaagent:" + agentJar() + (agentArgs.isEmpty() ? "" : "=" + agentArgs));
        }
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    Process start(Path stdout, Path stderr) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command());
        pb.redirectOutput(stdout.toFile());
        pb.redirectError(stderr.toFile());
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Runs to completion and returns what the JVM printed. */
    Result run() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("warden-run");
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        Process p = start(out, err);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("the application did not finish within " + timeoutSeconds + " s: " + command()
                    + "\nstdout:\n" + Files.readString(out) + "\nstderr:\n" + Files.readString(err));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** What a forked JVM printed. */
    record Result(int exit, String stdout, String stderr) {
        List<String> lines() {
            return stdout.lines().toList();
        }

        /** The value of the {@code key: value} line the application printed. */
        String value(String key) {
            return stdout.lines().filter(l -> l.startsWith(key + ": ")).map(l -> l.substring(key.length() + 2)).findFirst()
                    .orElseThrow(() -> new AssertionError("no line '" + key + ": ...' in stdout:\n" + stdout + "\nstderr:\n" + stderr));
        }

        List<String> wardenLines() {
            return stderr.lines().filter(l -> l.startsWith("warden: ")).toList();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }
}
