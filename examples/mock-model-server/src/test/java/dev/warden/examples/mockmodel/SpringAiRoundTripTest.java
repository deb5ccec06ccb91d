package dev.warden.examples.mockmodel;

import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;

import static dev.warden.examples.mockmodel.Script.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Spring AI 2.0.1 ChatClient (OpenAI Java SDK over OkHttp, strict response parsing) plays a
 * tool-call script against the mock.
 */
class SpringAiRoundTripTest {

    public static final class WeatherTools {
        @Tool(description = "Current weather of a city")
        public String getWeather(@ToolParam(description = "the city") String city) {
            return "Sunny, 21 C in " + city;
        }
    }

    @Test
    void toolCallRoundTripRecordsWhatTheModelWasTold() throws Exception {
        Script script = Script.builder()
                .user("weather").toolCalls(call("getWeather", "{\"city\":\"Paris\"}"))
                .text("It is sunny in Paris.")
                .build();
        try (ScriptedModelServer server = ScriptedModelServer.start(script)) {
            OpenAiChatModel model = OpenAiChatModel.builder()
                    .options(OpenAiChatOptions.builder().baseUrl(server.baseUrl()).apiKey("test").model("gpt-4o-mini").maxRetries(0).build())
                    .build();
            ChatResponse response = ChatClient.create(model).prompt()
                    .user("What is the weather in Paris?")
                    .tools(new WeatherTools())
                    .call().chatResponse();

            assertEquals("It is sunny in Paris.", response.getResult().getOutput().getText());
            assertEquals("gpt-4o-mini", response.getMetadata().getModel());
            // Spring AI's default result converter sends a String result as a JSON string
            assertEquals("\"Sunny, 21 C in Paris\"", server.toolResult("call_1").orElseThrow().content());
            assertTrue(server.finished());
            assertEquals(0, server.errors().size());
        }
    }
}
