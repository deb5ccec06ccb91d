package dev.warden.examples.mockmodel;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.UserMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.warden.examples.mockmodel.Script.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A real LangChain4j AI service (langchain4j-open-ai over the JDK HTTP client) plays scripts against the mock. */
class LangChain4jRoundTripTest {

    interface Assistant {
        Result<String> chat(@MemoryId String session, @UserMessage String message);
    }

    static final class WeatherTools {
        @Tool("Current weather of a city")
        String getWeather(@P("city") String city) {
            return "Sunny, 21 C in " + city;
        }

        @Tool("Opens the roof of the stadium")
        String openRoof(@P("stadium") String stadium) {
            throw new IllegalStateException("roof of " + stadium + " is jammed");
        }
    }

    private static Assistant assistant(ScriptedModelServer server) {
        OpenAiChatModel model = OpenAiChatModel.builder()
                .baseUrl(server.baseUrl()).apiKey("test").modelName("gpt-4o-mini")
                .timeout(Duration.ofSeconds(20)).maxRetries(0).build();
        return AiServices.builder(Assistant.class).chatModel(model).tools(new WeatherTools())
                .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(50)).build();
    }

    @Test
    void toolCallRoundTripRecordsWhatTheModelWasTold() throws Exception {
        Script script = Script.builder()
                .user("weather").toolCalls(call("getWeather", "{\"city\":\"Paris\"}"))
                .text("It is sunny in Paris.")
                .build();
        try (ScriptedModelServer server = ScriptedModelServer.start(script)) {
            Result<String> result = assistant(server).chat("s-1", "What is the weather in Paris?");

            assertEquals("It is sunny in Paris.", result.content());
            assertEquals(1, result.toolExecutions().size());
            assertEquals("getWeather", result.toolExecutions().get(0).request().name());
            assertEquals("call_1", result.toolExecutions().get(0).request().id());
            RecordedToolResult seen = server.toolResult("call_1").orElseThrow();
            assertEquals("Sunny, 21 C in Paris", seen.content());
            assertEquals("getWeather", seen.toolName());
            assertEquals(1, seen.turn());
            assertTrue(server.finished());
            assertEquals(List.of(), server.errors());
        }
    }

    @Test
    void parallelCallsAndToolErrorsReachTheModelAcrossSeveralUserMessages() throws Exception {
        Script script = Script.builder()
                .user("two cities").toolCalls(call("getWeather", "{\"city\":\"Oslo\"}"), call("getWeather", "{\"city\":\"Rome\"}"))
                .text("Weather: {{results}}")
                .user("roof").toolCalls(call("openRoof", "{\"stadium\":\"Wembley\"}"))
                .text("The roof is stuck.")
                .build();
        try (ScriptedModelServer server = ScriptedModelServer.start(script)) {
            Assistant assistant = assistant(server);
            assertEquals("Weather: Sunny, 21 C in Oslo | Sunny, 21 C in Rome", assistant.chat("s-2", "Weather in two cities?").content());
            assertEquals("The roof is stuck.", assistant.chat("s-2", "Open the roof please").content());

            List<RecordedToolResult> results = server.toolResults();
            assertEquals(3, results.size());
            assertEquals("Sunny, 21 C in Oslo", results.get(0).content());
            assertEquals("Sunny, 21 C in Rome", results.get(1).content());
            assertEquals(3, results.get(2).turn());
            assertEquals("roof of Wembley is jammed", results.get(2).content());
            assertTrue(server.finished());
        }
    }

    @Test
    void aClientThatLeavesTheScriptGetsAClearError() throws Exception {
        Script script = Script.builder().user("weather").toolCalls(call("getWeather", "{\"city\":\"Paris\"}")).text("ok").build();
        try (ScriptedModelServer server = ScriptedModelServer.start(script)) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> assistant(server).chat("s-3", "Tell me a joke"));
            assertTrue(e.getMessage().contains("turn 1 expects the latest user message to contain"), e.getMessage());
            assertTrue(server.errors().get(0).endsWith("to contain \"weather\" but it was \"Tell me a joke\""), server.errors().get(0));
            assertEquals(1, server.errors().size());
            assertEquals(0, server.position());
        }
    }
}
