package dev.warden.examples.mockmodel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static dev.warden.examples.mockmodel.Script.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wire protocol, spoken by hand: every field of a real response, the refusals, the state endpoint. */
class ProtocolTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> send(String method, String url, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static final String TOOLS = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookupCustomer\",\"parameters\":{}}}]";

    @Test
    void toolCallAndFinalResponsesCarryEveryFieldOfARealCompletion() throws Exception {
        Script script = Script.builder().model("scripted-model")
                .toolCalls(call("lookupCustomer", "{\"id\":\"C-17\"}")).text("Found her.").build();
        try (ScriptedModelServer server = ScriptedModelServer.start(script)) {
            HttpResponse<String> first = send("POST", server.baseUrl() + "/chat/completions",
                    "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"who is C-17?\"}]," + TOOLS + "}");
            assertEquals(200, first.statusCode());
            assertEquals("application/json", first.headers().firstValue("Content-Type").orElse(""));
            JsonNode r = JSON.readTree(first.body());
            assertTrue(r.get("id").asText().startsWith("chatcmpl-"));
            assertEquals("chat.completion", r.get("object").asText());
            assertTrue(r.get("created").isIntegralNumber());
            assertEquals("gpt-4o-mini", r.get("model").asText());
            JsonNode choice = r.get("choices").get(0);
            assertEquals(1, r.get("choices").size());
            assertEquals(0, choice.get("index").asInt());
            assertEquals("tool_calls", choice.get("finish_reason").asText());
            JsonNode msg = choice.get("message");
            assertEquals("assistant", msg.get("role").asText());
            assertTrue(msg.get("content").isNull());
            JsonNode tc = msg.get("tool_calls").get(0);
            assertEquals("call_1", tc.get("id").asText());
            assertEquals("function", tc.get("type").asText());
            assertEquals("lookupCustomer", tc.get("function").get("name").asText());
            assertTrue(tc.get("function").get("arguments").isTextual(), "arguments must be a JSON string");
            assertEquals("{\"id\":\"C-17\"}", tc.get("function").get("arguments").asText());
            JsonNode usage = r.get("usage");
            assertEquals(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt(), usage.get("total_tokens").asInt());

            HttpResponse<String> second = send("POST", server.rootUrl() + "/chat/completions",
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"who is C-17?\"},"
                            + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"lookupCustomer\",\"arguments\":\"{}\"}}]},"
                            + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":[{\"type\":\"text\",\"text\":\"Ada \"},{\"type\":\"text\",\"text\":\"Lovelace\"}]}]}");
            assertEquals(200, second.statusCode());
            JsonNode f = JSON.readTree(second.body());
            assertEquals("scripted-model", f.get("model").asText(), "a request without a model gets the script's model");
            assertEquals("stop", f.get("choices").get(0).get("finish_reason").asText());
            assertEquals("Found her.", f.get("choices").get(0).get("message").get("content").asText());
            assertFalse(f.get("choices").get(0).get("message").has("tool_calls"));

            JsonNode state = JSON.readTree(send("GET", server.rootUrl() + "/script/state", null).body());
            assertTrue(state.get("finished").asBoolean());
            assertEquals("Ada Lovelace", state.get("tool_results").get(0).get("content").asText());
            assertEquals("call_1", state.get("tool_results").get(0).get("id").asText());
            assertEquals("lookupCustomer", state.get("tool_results").get(0).get("name").asText());
            assertEquals(2, state.get("requests").asInt());
        }
    }

    @Test
    void missingToolResultsAndAFinishedScriptAreRefusedWithAnOpenAiErrorBody() throws Exception {
        Script script = Script.builder().toolCalls(call("lookupCustomer", "{}")).text("done").build();
        try (ScriptedModelServer server = ScriptedModelServer.start(script)) {
            String user = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            assertEquals(200, send("POST", server.baseUrl() + "/chat/completions", user).statusCode());

            HttpResponse<String> refused = send("POST", server.baseUrl() + "/chat/completions", user);
            assertEquals(400, refused.statusCode());
            JsonNode err = JSON.readTree(refused.body()).get("error");
            assertEquals("script_mismatch", err.get("code").asText());
            assertTrue(err.get("message").asText().contains("call_1 (lookupCustomer)"), err.get("message").asText());

            String answered = "{\"messages\":[{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"ok\"}]}";
            assertEquals(200, send("POST", server.baseUrl() + "/chat/completions", answered).statusCode());
            HttpResponse<String> after = send("POST", server.baseUrl() + "/chat/completions", user);
            assertEquals(400, after.statusCode());
            assertEquals("script_finished", JSON.readTree(after.body()).get("error").get("code").asText());
            assertEquals(2, server.errors().size());

            assertEquals(400, send("POST", server.baseUrl() + "/chat/completions", "not json").statusCode());
            assertEquals(400, send("POST", server.baseUrl() + "/chat/completions", "{\"stream\":true,\"messages\":[]}").statusCode());
            assertEquals(404, send("GET", server.rootUrl() + "/nope", null).statusCode());
        }
    }

    @Test
    void aToolTheRequestDoesNotOfferIsRefusedAndResetAndReplaceStartOver() throws Exception {
        Script script = Script.builder().toolCalls(call("dropEverything", "{}")).text("done").build();
        try (ScriptedModelServer server = ScriptedModelServer.start(script)) {
            HttpResponse<String> r = send("POST", server.baseUrl() + "/chat/completions",
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + TOOLS + "}");
            assertEquals(400, r.statusCode());
            assertTrue(r.body().contains("calls tool dropEverything but the request offers only [lookupCustomer]"), r.body());

            HttpResponse<String> put = send("PUT", server.rootUrl() + "/script", "{\"turns\":[{\"text\":\"replaced\"}]}");
            assertEquals(200, put.statusCode());
            HttpResponse<String> ok = send("POST", server.baseUrl() + "/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertTrue(ok.body().contains("\"replaced\""), ok.body());
            assertTrue(server.finished());
            assertEquals(200, send("POST", server.rootUrl() + "/script/reset", null).statusCode());
            assertEquals(0, server.position());
            assertEquals(400, send("PUT", server.rootUrl() + "/script", "{\"turns\":[]}").statusCode());
        }
    }

    @Test
    void aLoopingServerStartsTheScriptOverAfterTheLastTurn() throws Exception {
        try (ScriptedModelServer server = ScriptedModelServer.start(Script.builder().text("one").text("two").build(), 0, true)) {
            String user = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            StringBuilder seen = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                seen.append(JSON.readTree(send("POST", server.baseUrl() + "/chat/completions", user).body())
                        .get("choices").get(0).get("message").get("content").asText()).append(' ');
            }
            assertEquals("one two one two one ", seen.toString());
        }
    }
}
