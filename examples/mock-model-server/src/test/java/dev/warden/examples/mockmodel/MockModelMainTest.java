package dev.warden.examples.mockmodel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The standalone server in a forked JVM: the ready line, the state endpoint, and one-line errors. */
class MockModelMainTest {

    private static Process fork(String... args) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new java.util.ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"), MockModelMain.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).start();
    }

    @Test
    void printsTheReadyLineAndServesTheScript(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("s.yaml");
        Files.writeString(script, "turns:\n  - text: hello from the script\n");
        Process p = fork("--script", script.toString(), "--port", "0");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertTrue(line != null && line.matches("listening on http://127\\.0\\.0\\.1:\\d+"), "ready line: " + line);
            String root = line.substring("listening on ".length());
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(root + "/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(r.body().contains("hello from the script"), r.body());
            String state = http.send(HttpRequest.newBuilder(URI.create(root + "/script/state")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(state.contains("\"finished\":true"), state);
        } finally {
            p.destroy();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aBadScriptIsOneLineOnStderrAndExitCode2(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("bad.json");
        Files.writeString(script, "{\"turns\":[{\"txt\":1}]}");
        Process p = fork("--script", script.toString());
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(2, p.exitValue());
        assertEquals("mock-model-server: " + script + ": turn 1: unknown key \"txt\" (expected one of text, tool_calls, user)", err);
    }
}
