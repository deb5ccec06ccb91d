package dev.warden.agent.it;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A forked server application under the built agent (a servlet container test application), and
 * this test's client of it: starts it, waits for its {@code ports: <a> <b>...} line, sends GET
 * requests as a user (the {@code X-User-Id} header, or none), sends it commands on its standard
 * input, and stops it by closing that. The application's class path is the test classes, the common libraries
 * ({@code classpath.txt}) and the servlet containers ({@code classpath-servlet.txt}). Requests may
 * be sent from several threads at once; start and stop from one.
 */
final class ServedApp implements AutoCloseable {
    private final AgentRun run;
    private final Process process;
    private final Path out;
    private final Path err;
    final int[] ports;

    ServedApp(Path dir, String agentArgs, Class<?> main, String... args) throws Exception {
        this(dir, null, java.util.List.of(), agentArgs, main, args);
    }

    /** The application on the JVM {@code java} (null: this test's own) with the JVM options {@code jvmArgs}. */
    ServedApp(Path dir, Path java, java.util.List<String> jvmArgs, String agentArgs, Class<?> main, String... args) throws Exception {
        run = new AgentRun().agent(agentArgs).main(main, args);
        run.jvmArgs.addAll(jvmArgs);
        if (java != null) {
            run.java = java;
        }
        run.classpath = AgentRun.defaultClasspath() + File.pathSeparator
                + Files.readString(AgentRun.libs().resolve("classpath-servlet.txt"), StandardCharsets.UTF_8).trim();
        out = dir.resolve(main.getSimpleName() + ".stdout");
        err = dir.resolve(main.getSimpleName() + ".stderr");
        process = run.start(out, err);
        ports = awaitPorts();
    }

    private int[] awaitPorts() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String line = Files.readString(out).lines().filter(l -> l.startsWith("ports: ")).findFirst().orElse(null);
            if (line != null) {
                return Arrays.stream(line.substring(7).trim().split(" ")).mapToInt(Integer::parseInt).toArray();
            }
            if (!process.isAlive()) {
                throw new AssertionError("the application ended before serving: " + describe());
            }
            Thread.sleep(50);
        }
        process.destroyForcibly().waitFor();
        throw new AssertionError("the application did not serve within 60 s: " + describe());
    }

    /** GET {@code path} on {@code port} as {@code user} (null: no header); the body, or the status and body of an error. */
    String get(int port, String path, String user) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
        c.setConnectTimeout(10_000);
        c.setReadTimeout(30_000);
        if (user != null) {
            c.setRequestProperty("X-User-Id", user);
        }
        int status = c.getResponseCode();
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return status == 200 ? body : "HTTP " + status + " " + body;
        }
    }

    /**
     * Sends {@code command} (a {@code com.acme.served.Routes} standard-input command such as
     * {@code pool <label>}) and waits for the application's {@code done <label> <answer>} line: the answer.
     */
    String command(String command) throws Exception {
        String label = command.substring(command.indexOf(' ') + 1);
        process.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String line = Files.readString(out).lines().filter(l -> l.startsWith("done " + label + " ")).findFirst().orElse(null);
            if (line != null) {
                return line.substring(("done " + label + " ").length());
            }
            if (!process.isAlive()) {
                throw new AssertionError("the application ended before answering " + command + ": " + describe());
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no answer to " + command + " within 60 s: " + describe());
    }

    /** Closes the application's standard input and waits for it to exit: what it printed. */
    AgentRun.Result stop() throws Exception {
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("the application did not stop within 60 s: " + describe());
        }
        return new AgentRun.Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    String describe() throws IOException {
        return run.command() + "\nstdout:\n" + Files.readString(out) + "\nstderr:\n" + Files.readString(err);
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
    }
}
