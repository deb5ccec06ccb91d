package dev.warden.examples.refund.spring;

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
 * The packaged jars, the way the demo runs them: the world in one JVM, the agent in another
 * ({@code java -jar refund-agent-spring.jar --model-url … --payments-url … --mail-url …}).
 */
class SpringRefundAgentJarIT {

    static Path jar(String property) {
        String p = System.getProperty(property);
        assertTrue(p != null && Files.isRegularFile(Path.of(p)), property + " must point at a built jar (run mvn -pl examples/refund-agent-spring -am verify): " + p);
        return Path.of(p);
    }

    @Test
    void theShadedSpringAgentJarRunsTheWholeScriptAgainstTheShadedWorldJar() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process world = new ProcessBuilder(java, "-jar", jar("demo.world.jar").toString(), "--exit-on-eof").start();
        try {
            JsonNode ready = new ObjectMapper().readTree(new BufferedReader(new InputStreamReader(world.getInputStream(), StandardCharsets.UTF_8)).readLine());
            Process agent = new ProcessBuilder(java, "-jar", jar("refund.agent.jar").toString(),
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
    void missingArgumentsAreOneLineOnStderrAndExitCode2() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process agent = new ProcessBuilder(java, "-jar", jar("refund.agent.jar").toString(), "--model-url", "http://127.0.0.1:1/v1").start();
        String err = new String(agent.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(agent.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, agent.exitValue());
        assertTrue(err.startsWith("refund-agent-spring: --payments-url is required"), err);
        assertEquals(1, err.lines().count(), err);
    }
}
