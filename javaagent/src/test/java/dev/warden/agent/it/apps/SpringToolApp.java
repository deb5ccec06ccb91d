package dev.warden.agent.it.apps;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;

/**
 * A Spring AI 2.0.1 agent ({@code ChatClient}, {@code @Tool} methods) talking to a (mock)
 * OpenAI-compatible model over Spring AI's own path (OpenAI Java SDK over OkHttp). Every tool
 * body prints {@code tool ran: <name> <args>}. Arguments: the model's base URL and the
 * conversation id; prints the final answer.
 */
public final class SpringToolApp {
    public static final class Tools {
        @Tool(description = "Issues a refund")
        public String issueRefund(@ToolParam(description = "order") String orderId, @ToolParam(description = "EUR") double amount) {
            System.out.println("tool ran: issueRefund " + orderId + " " + amount);
            return "refunded " + amount;
        }

        @Tool(description = "Deletes an account")
        public String deleteAccount(@ToolParam(description = "account") String id) {
            System.out.println("tool ran: deleteAccount " + id);
            return "deleted";
        }
    }

    public static void main(String[] args) {
        OpenAiChatModel model = OpenAiChatModel.builder()
                .options(OpenAiChatOptions.builder().baseUrl(args[0]).apiKey("test").model("gpt-4o-mini").maxRetries(0).build())
                .build();
        String answer = ChatClient.builder(model).defaultTools(new Tools()).build()
                .prompt().user("Please refund")
                .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, args[1]))
                .call().content();
        System.out.println("answer: " + answer);
    }
}
