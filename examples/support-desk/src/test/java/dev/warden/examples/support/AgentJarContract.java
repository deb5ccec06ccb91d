package dev.warden.examples.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A refund agent variant's packaged jar, the way the demo runs it: the world in one JVM, the agent
 * in another ({@code java -jar <name>.jar --model-url … --payments-url … --mail-url …}). A variant's
 * integration test extends this and names itself; its build passes the jar's path in the system
 * property {@code refund.agent.jar} and the world's in {@code demo.world.jar}.
 */
public abstract class AgentJarContract {
    /** The agent's name (its jar is {@code <name>.jar}, its usage errors start with {@code <name>:}). */
    protected abstract String name();

    static Path jar(String property, String module) {
        String p = System.getProperty(property);
        assertTrue(p != null && Files.isRegularFile(Path.of(p)), property + " must point at a built jar (run mvn -pl examples/" + module + " -am verify): " + p);
        return Path.of(p);
    }

    @Test
    public void theShadedAgentJarRunsTheWholeScriptAgainstTheShadedWorldJar() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process world = new ProcessBuilder(java, "-jar", jar("demo.world.jar", name()).toString(), "--exit-on-eof").start();
        try {
            JsonNode ready = new ObjectMapper().readTree(new BufferedReader(new InputStreamReader(world.getInputStream(), StandardCharsets.UTF_8)).readLine());
            Process agent = new ProcessBuilder(java, "-jar", jar("refund.agent.jar", name()).toString(),
                    "--model-url", ready.get("model_url").asText(),
                    "--payments-url", ready.get("payments_url").asText(),
                    "--mail-url", ready.get("mail_url").asText())
                    .redirectErrorStream(true).start();
            String out = new String(agent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(agent.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, agent.exitValue(), out);
            assertTrue(out.endsWith("done: 7 tickets handled in session support-session-1" + System.lineSeparator()), out);
            assertEquals(39, out.lines().count(), out);

            HttpClient http = HttpClient.newHttpClient();
            String state = http.send(HttpRequest.newBuilder(URI.create(ready.get("model_state_url").asText())).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(state.contains("\"finished\":true"), state);
            String refunds = http.send(HttpRequest.newBuilder(URI.create(ready.get("refunds_url").asText())).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertEquals(3, new ObjectMapper().readTree(refunds).get("refunds").size(), refunds);
        } finally {
            world.getOutputStream().close();
            if (!world.waitFor(10, TimeUnit.SECONDS)) {
                world.destroyForcibly();
            }
        }
    }

    @Test
    public void missingArgumentsAreOneLineOnStderrAndExitCode2() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process agent = new ProcessBuilder(java, "-jar", jar("refund.agent.jar", name()).toString(), "--model-url", "http://127.0.0.1:1/v1").start();
        String err = new String(agent.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(agent.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, agent.exitValue());
        assertTrue(err.startsWith(name() + ": --payments-url is required"), err);
        assertEquals(1, err.lines().count(), err);
    }
}
