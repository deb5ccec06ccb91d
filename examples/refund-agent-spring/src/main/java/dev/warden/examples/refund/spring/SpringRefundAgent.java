package dev.warden.examples.refund.spring;

import dev.warden.examples.support.AgentOptions;
import dev.warden.examples.support.Ticket;
import dev.warden.examples.support.TicketRunner;
import dev.warden.examples.support.Transcript;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import java.io.PrintStream;

/**
 * The example refund agent on Spring AI 2.0.1 (plain Spring Framework 7, no Boot): the same tickets
 * ({@link Ticket#REFUND_DEMO}), tools and command line as the LangChain4j variant
 * ({@code examples/refund-agent}), with a {@link ChatClient} and {@code @Tool} methods.
 *
 * <pre>
 * java [-javaagent:javaagent/target/warden-agent.jar=policy=examples/policies/refund-agent.yaml,agent=refund-bot,…]
 *      -jar examples/refund-agent-spring/target/refund-agent-spring.jar
 *      --model-url http://127.0.0.1:P/v1 --payments-url http://127.0.0.1:Q --mail-url http://127.0.0.1:R
 *      [--session ID] [--db-url JDBC] [--model NAME] [--repeat N]
 * </pre>
 *
 * <p>Contract (keep it stable; the demo and forked tests rely on it):
 * <ul>
 *   <li>Tools are named lookupCustomer, issueRefund, sendEmail, runSql, exportReport; they run one
 *       after another on the thread that called {@code ChatClient…call()}, and their SQL and HTTP run
 *       inside them on that thread.</li>
 *   <li>Every ticket is sent with the advisor parameter {@link ChatMemory#CONVERSATION_ID} = the
 *       session id (default {@code support-session-1}); that is the conversation id Warden reads.</li>
 *   <li>The model's traffic goes through Spring AI's normal path: {@code OpenAiChatModel} → OpenAI Java
 *       SDK → {@code SpringAiOpenAiHttpClient} → OkHttp, POST {@code <model-url>/chat/completions}.</li>
 *   <li>stdout, exit codes: as the LangChain4j variant ({@code [ticket N] …} lines, then
 *       {@code done: 7 tickets handled in session ID}; exit 0, 1 on a model/framework failure, 2 on bad
 *       arguments). The tool calls of one model turn are printed together, before their results.</li>
 * </ul>
 *
 * <p>Single-threaded: {@link #run} is called from one thread.
 */
public final class SpringRefundAgent {

    private SpringRefundAgent() {
    }

    public static void main(String[] args) {
        AgentOptions options;
        try {
            options = AgentOptions.parse(args);
        } catch (AgentOptions.UsageException e) {
            System.err.println("refund-agent-spring: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(options, System.out));
    }

    /** Works through the demo tickets; returns the process exit code (0 or 1). */
    public static int run(AgentOptions options, PrintStream out) {
        Transcript transcript = new Transcript(out);
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
            context.registerBean(AgentOptions.class, () -> options);
            context.registerBean(Transcript.class, () -> transcript);
            context.register(RefundAgentConfiguration.class);
            context.refresh();
            ChatClient chat = context.getBean(ChatClient.class);
            return TicketRunner.run(Ticket.REFUND_DEMO, options.session(), options.repeat(), (session, message) -> chat.prompt()
                    .user(message)
                    .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, session))
                    .call()
                    .content(), transcript);
        }
    }
}
