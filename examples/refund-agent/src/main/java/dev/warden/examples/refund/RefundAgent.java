package dev.warden.examples.refund;

import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import dev.warden.examples.support.AgentOptions;
import dev.warden.examples.support.CustomerDatabase;
import dev.warden.examples.support.SupportDesk;
import dev.warden.examples.support.Ticket;
import dev.warden.examples.support.TicketRunner;
import dev.warden.examples.support.Transcript;

import java.io.PrintStream;
import java.time.Duration;

/**
 * The example refund agent on LangChain4j 1.19.0: a customer-support agent that works through
 * {@link Ticket#REFUND_DEMO} with the tools of {@link RefundTools}, talking to an OpenAI-compatible
 * model (in the demo, the scripted model of {@code examples/demo-world}).
 *
 * <pre>
 * java [-javaagent:javaagent/target/warden-agent.jar=policy=examples/policies/refund-agent.yaml,agent=refund-bot,…]
 *      -jar examples/refund-agent/target/refund-agent.jar
 *      --model-url http://127.0.0.1:P/v1 --payments-url http://127.0.0.1:Q --mail-url http://127.0.0.1:R
 *      [--session ID] [--db-url JDBC] [--model NAME] [--repeat N]
 * </pre>
 * (each option may instead be a system property, see {@link AgentOptions}).
 *
 * <p>Contract (relied on by {@code ./warden demo} and the forked tests; keep it stable):
 * <ul>
 *   <li>Tools are named lookupCustomer, issueRefund, sendEmail, runSql, exportReport.</li>
 *   <li>All tickets run in one conversation whose {@code @MemoryId} is the session id (default
 *       {@code support-session-1}); tools run on the caller thread, and each tool's SQL (embedded H2,
 *       private in-memory database) and HTTP (JDK HttpClient) happen inside the tool on that thread.</li>
 *   <li>The model's own traffic goes through {@code langchain4j-open-ai}'s normal path:
 *       {@code OpenAiChatModel} → {@code langchain4j-http-client-jdk} → {@code java.net.http.HttpClient},
 *       POST {@code <model-url>/chat/completions}; no retries.</li>
 *   <li>stdout: one line per ticket, tool call, tool result/error and model reply
 *       ({@code [ticket N] …}), then {@code done: 7 tickets handled in session ID}. Exit 0 when every
 *       ticket was answered (whatever the tools' outcomes), 1 when the model or framework failed
 *       (one {@code [ticket N] failed: …} line), 2 on bad arguments (one line on stderr).</li>
 * </ul>
 *
 * <p>Single-threaded: {@link #run} is called from one thread.
 */
public final class RefundAgent {

    private RefundAgent() {
    }

    public static void main(String[] args) {
        AgentOptions options;
        try {
            options = AgentOptions.parse(args);
        } catch (AgentOptions.UsageException e) {
            System.err.println("refund-agent: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(options, System.out));
    }

    /** Works through the demo tickets; returns the process exit code (0 or 1). */
    public static int run(AgentOptions options, PrintStream out) {
        Transcript transcript = new Transcript(out);
        try (CustomerDatabase db = new CustomerDatabase(options.dbUrl())) {
            SupportDesk desk = new SupportDesk(db, options.paymentsUrl(), options.mailUrl());
            OpenAiChatModel model = OpenAiChatModel.builder()
                    .baseUrl(options.modelUrl())
                    .apiKey("demo-key")
                    .modelName(options.model())
                    .timeout(Duration.ofSeconds(60))
                    .maxRetries(0)
                    .build();
            SupportAgent agent = AiServices.builder(SupportAgent.class)
                    .chatModel(model)
                    .tools(new RefundTools(desk))
                    .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(200))
                    .beforeToolExecution(b -> transcript.toolCall(b.request().name(), b.request().arguments()))
                    .afterToolExecution(e -> transcript.toolResult(e.request().name(), e.result(), e.hasFailed()))
                    .build();
            return TicketRunner.run(Ticket.REFUND_DEMO, options.session(), options.repeat(), agent::handle, transcript);
        }
    }
}
