package dev.warden.agent.it.apps;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A LangChain4j 1.19 agent with real {@code @Tool} methods talking to a (mock) OpenAI-compatible
 * model: {@code lookupCustomer} reads the {@code customers} table (H2), {@code sendReport} POSTs
 * to a URL, {@code issueRefund}, {@code sendEmail} and {@code deleteAccount} only print. Every
 * tool body prints {@code tool ran: <name> <args>} so a test sees which bodies ran. Arguments:
 * the model's base URL and the memory id (the agent session); prints the final answer.
 */
public final class ToolApp {
    interface Assistant {
        String chat(@MemoryId String session, @UserMessage String message);
    }

    public static final class Tools {
        private final Connection db;

        Tools(Connection db) {
            this.db = db;
        }

        /** The query runs on a pool thread (a CompletableFuture async stage), not the tool's. */
        @Tool("Looks up a customer")
        public String lookupCustomer(@P(name = "id", value = "customer id") String id) throws Exception {
            System.out.println("tool ran: lookupCustomer " + id);
            String toolThread = Thread.currentThread().getName();
            return CompletableFuture.supplyAsync(() -> {
                System.out.println("sql on another thread: " + !Thread.currentThread().getName().equals(toolThread));
                try (PreparedStatement ps = db.prepareStatement("SELECT name FROM customers WHERE id = ?")) {
                    ps.setString(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? rs.getString(1) : "no such customer";
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, POOL).get();
        }

        /** The upload runs on a thread of its own (a virtual thread on JDK 21+). */
        @Tool("Uploads a report")
        public String sendReport(@P(name = "url", value = "where to") String url) throws Exception {
            System.out.println("tool ran: sendReport " + url);
            String[] out = new String[1];
            Runnable upload = () -> {
                System.out.println("http on a virtual thread: " + isVirtual(Thread.currentThread()));
                try {
                    HttpResponse<String> r = HttpClient.newHttpClient().send(
                            HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString("{\"customer\":\"Ada\"}")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    out[0] = "uploaded: HTTP " + r.statusCode();
                } catch (Exception e) {
                    out[0] = "upload failed: " + e.getMessage();
                }
            };
            Thread t = startThread(upload);
            t.join();
            return out[0];
        }

        @Tool("Issues a refund")
        public String issueRefund(@P(name = "orderId", value = "order") String orderId, @P(name = "amount", value = "EUR") double amount) {
            System.out.println("tool ran: issueRefund " + orderId + " " + amount);
            return "refunded " + amount;
        }

        @Tool("Sends an email")
        public String sendEmail(@P(name = "to", value = "recipient") String to) {
            System.out.println("tool ran: sendEmail " + to);
            return "sent";
        }

        @Tool("Deletes an account")
        public String deleteAccount(@P(name = "id", value = "account") String id) {
            System.out.println("tool ran: deleteAccount " + id);
            return "deleted";
        }
    }

    static final ExecutorService POOL = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "tool-pool");
        t.setDaemon(true);
        return t;
    });

    /** {@code Thread.ofVirtual().start(r)} on JDK 21+ (this class is compiled for 17), else a platform thread. */
    static Thread startThread(Runnable r) throws Exception {
        if (Runtime.version().feature() >= 21) {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            Method start = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
            return (Thread) start.invoke(builder, r);
        }
        Thread t = new Thread(r, "upload");
        t.start();
        return t;
    }

    static boolean isVirtual(Thread t) {
        try {
            return (Boolean) Thread.class.getMethod("isVirtual").invoke(t);
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    public static void main(String[] args) throws Exception {
        Connection db = DriverManager.getConnection("jdbc:h2:mem:tools;DB_CLOSE_DELAY=-1");
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TABLE customers(id VARCHAR(10) PRIMARY KEY, name VARCHAR(50))");
            s.execute("INSERT INTO customers VALUES ('c1', 'Ada')");
        }
        Assistant assistant = AiServices.builder(Assistant.class)
                .chatModel(OpenAiChatModel.builder().baseUrl(args[0]).apiKey("test").modelName("gpt-4o-mini").build())
                .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(100))
                .tools(new Tools(db))
                .build();
        System.out.println("answer: " + assistant.chat(args[1], "Please handle customer c1"));
    }
}
