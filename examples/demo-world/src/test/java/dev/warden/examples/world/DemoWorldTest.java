package dev.warden.examples.world;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.examples.mockmodel.Script;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoWorldTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> post(String url, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void theBuiltInScriptCoversTheSevenTicketsInOrder() {
        Script s = DemoWorld.refundAgentScript();
        List<String> calls = s.turns().stream().flatMap(t -> t.toolCalls().stream()).map(Script.ToolCall::name).toList();
        assertEquals(List.of("lookupCustomer", "issueRefund", "issueRefund", "issueRefund", "runSql",
                "sendEmail", "sendEmail", "sendEmail", "sendEmail", "sendEmail", "lookupCustomer", "exportReport"), calls);
        assertEquals(7, s.turns().stream().filter(t -> t.expectUser() != null).count());
    }

    @Test
    void paymentsAndMailRecordWhatTheyAcceptAndRefuseBadInput() throws Exception {
        try (DemoWorld world = DemoWorld.start(Script.builder().text("hi").build())) {
            JsonNode ready = JSON.readTree(world.describe());
            assertEquals(world.model().baseUrl(), ready.get("model_url").asText());

            HttpResponse<String> refund = post(ready.get("payments_url").asText() + "/refunds", "{\"customer\":\"C-17\",\"amount\":120.00,\"currency\":\"EUR\"}");
            assertEquals(201, refund.statusCode());
            assertEquals("{\"id\":\"R-1001\",\"customer\":\"C-17\",\"amount\":120.00,\"currency\":\"EUR\",\"status\":\"issued\"}", refund.body());
            assertEquals(422, post(ready.get("refunds_url").asText(), "{\"customer\":\"C-17\",\"amount\":-1}").statusCode());
            assertEquals(400, post(ready.get("refunds_url").asText(), "nope").statusCode());

            HttpResponse<String> mail = post(ready.get("messages_url").asText(), "{\"to\":\"a@mail.example\",\"subject\":\"s\",\"body\":\"b\"}");
            assertEquals(202, mail.statusCode());
            assertEquals(422, post(ready.get("messages_url").asText(), "{\"to\":\"nobody\"}").statusCode());

            assertEquals("{\"refunds\":[" + refund.body() + "]}", get(ready.get("refunds_url").asText()));
            assertEquals(1, world.mail().entries().size());
            assertEquals("a@mail.example", world.mail().entries().get(0).get("to").asText());
            assertTrue(get(ready.get("model_state_url").asText()).contains("\"position\":0"));
        }
    }

    @Test
    void theStandaloneWorldPrintsOneJsonLineAndExitsWhenItsStdinCloses() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                DemoWorld.class.getName(), "--exit-on-eof").start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            JsonNode ready = JSON.readTree(out.readLine());
            assertTrue(ready.get("model_url").asText().matches("http://127\\.0\\.0\\.1:\\d+/v1"), ready.toString());
            assertTrue(get(ready.get("model_state_url").asText()).contains("\"turns\":15"));
            assertEquals("{\"messages\":[]}", get(ready.get("messages_url").asText()));
            p.getOutputStream().close();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the world must exit when its stdin closes");
            assertEquals(0, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }
}
