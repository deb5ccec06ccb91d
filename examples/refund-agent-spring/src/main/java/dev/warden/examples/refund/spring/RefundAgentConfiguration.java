package dev.warden.examples.refund.spring;

import dev.warden.examples.support.AgentOptions;
import dev.warden.examples.support.CustomerDatabase;
import dev.warden.examples.support.SupportDesk;
import dev.warden.examples.support.Transcript;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.MessageChatMemoryAdvisor;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;

/**
 * The Spring wiring of the refund agent (plain Spring Framework 7, no Boot): customer database, support
 * desk, tools, the OpenAI chat model pointed at {@code --model-url}, a windowed chat memory, and the
 * {@link ChatClient}. {@link AgentOptions} and {@link Transcript} are registered by
 * {@link SpringRefundAgent} before the context refreshes. Beans are singletons built on the main thread.
 */
@Configuration(proxyBeanMethods = false)
public class RefundAgentConfiguration {

    static final String SYSTEM = "You are the customer-support agent of an online shop. Work on each ticket with the tools: "
            + "look customers up, issue refunds in EUR, email customers, and use the admin tools when asked. "
            + "Answer in one or two sentences saying what you did.";

    @Bean(destroyMethod = "close")
    CustomerDatabase customerDatabase(AgentOptions options) {
        return new CustomerDatabase(options.dbUrl());
    }

    @Bean
    SupportDesk supportDesk(CustomerDatabase db, AgentOptions options) {
        return new SupportDesk(db, options.paymentsUrl(), options.mailUrl());
    }

    @Bean
    RefundTools refundTools(SupportDesk desk) {
        return new RefundTools(desk);
    }

    /** Spring AI's OpenAI model: the OpenAI Java SDK over OkHttp, POST {model-url}/chat/completions, no retries. */
    @Bean
    OpenAiChatModel chatModel(AgentOptions options) {
        return OpenAiChatModel.builder()
                .options(OpenAiChatOptions.builder()
                        .baseUrl(options.modelUrl())
                        .apiKey("demo-key")
                        .model(options.model())
                        .timeout(Duration.ofSeconds(60))
                        .maxRetries(0)
                        .build())
                .build();
    }

    @Bean
    ChatMemory chatMemory() {
        return MessageWindowChatMemory.builder().maxMessages(200).build();
    }

    /**
     * The chat client: memory advisor (outside the tool loop, keyed by the conversation id), and a
     * tool-calling advisor whose manager is Spring AI's default one wrapped to print the transcript.
     */
    @Bean
    ChatClient chatClient(OpenAiChatModel model, ChatMemory memory, RefundTools tools, Transcript transcript) {
        ToolCallingManager manager = new TranscriptToolCallingManager(ToolCallingManager.builder().build(), transcript);
        return ChatClient.builder(model)
                .defaultSystem(SYSTEM)
                .defaultTools(tools)
                .defaultAdvisors(MessageChatMemoryAdvisor.builder(memory).build(),
                        ToolCallingAdvisor.builder().toolCallingManager(manager).build())
                .build();
    }
}
