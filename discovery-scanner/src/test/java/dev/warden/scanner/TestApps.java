package dev.warden.scanner;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Test fixtures built during the test: small agent applications written as Java sources,
 * compiled with {@code javax.tools} against real framework jars from Maven Central (copied to
 * {@code target/scan-fixtures/} by the build), and packaged as a classes directory, a Spring
 * Boot fat jar or a WAR. Nothing here is committed as a binary.
 */
final class TestApps {
    private TestApps() {
    }

    static Path fixtures(String set) {
        String dir = System.getProperty("warden.scan.fixtures", "target/scan-fixtures");
        Path p = Path.of(dir, set);
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException(p + " is missing: run the tests through Maven (generate-test-resources copies the jars)");
        }
        return p;
    }

    static List<Path> jars(String set) throws IOException {
        try (Stream<Path> s = Files.list(fixtures(set))) {
            return s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
    }

    /** Compiles {@code sources} (path → text) into {@code out} against {@code classpath}; fails with javac's messages. */
    static Path compile(Path work, Map<String, String> sources, List<Path> classpath) throws IOException {
        Path src = work.resolve("src");
        Path out = work.resolve("classes");
        Files.createDirectories(out);
        List<String> args = new ArrayList<>(List.of("-d", out.toString(), "-g", "-parameters", "--release", "17", "-proc:none", "-nowarn",
                "-cp", String.join(java.io.File.pathSeparator, classpath.stream().map(Path::toString).toList())));
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path f = src.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
            args.add(f.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int rc = javac.run(null, err, err, args.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalStateException("test app does not compile:\n" + err);
        }
        return out;
    }

    /** A Spring Boot executable jar: classes under BOOT-INF/classes, libraries stored uncompressed under BOOT-INF/lib. */
    static Path fatJar(Path target, Path classes, List<Path> libs, Map<String, String> resources) throws IOException {
        return packaged(target, classes, libs, resources, "BOOT-INF/classes/", "BOOT-INF/lib/", true);
    }

    static Path war(Path target, Path classes, List<Path> libs, Map<String, String> resources) throws IOException {
        return packaged(target, classes, libs, resources, "WEB-INF/classes/", "WEB-INF/lib/", false);
    }

    private static Path packaged(Path target, Path classes, List<Path> libs, Map<String, String> resources,
                                 String classesPrefix, String libPrefix, boolean boot) throws IOException {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (boot) {
            mf.getMainAttributes().putValue("Main-Class", "org.springframework.boot.loader.launch.JarLauncher");
            mf.getMainAttributes().putValue("Spring-Boot-Classes", classesPrefix);
            mf.getMainAttributes().putValue("Spring-Boot-Lib", libPrefix);
        }
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(target), mf)) {
            try (Stream<Path> s = Files.walk(classes)) {
                for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                    jar.putNextEntry(new ZipEntry(classesPrefix + classes.relativize(f).toString().replace('\\', '/')));
                    jar.write(Files.readAllBytes(f));
                    jar.closeEntry();
                }
            }
            for (Map.Entry<String, String> r : resources.entrySet()) {
                jar.putNextEntry(new ZipEntry(classesPrefix + r.getKey()));
                jar.write(r.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                jar.closeEntry();
            }
            for (Path lib : libs) {
                byte[] bytes = Files.readAllBytes(lib);
                ZipEntry e = new ZipEntry(libPrefix + lib.getFileName());
                e.setMethod(ZipEntry.STORED);
                e.setSize(bytes.length);
                e.setCompressedSize(bytes.length);
                CRC32 crc = new CRC32();
                crc.update(bytes);
                e.setCrc(crc.getValue());
                jar.putNextEntry(e);
                jar.write(bytes);
                jar.closeEntry();
            }
        }
        return target;
    }

    /** A plain jar of the given entries (name → bytes). */
    static Path jar(Path target, Map<String, byte[]> entries) throws IOException {
        try (OutputStream os = Files.newOutputStream(target); JarOutputStream jar = new JarOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                jar.putNextEntry(new ZipEntry(e.getKey()));
                jar.write(e.getValue());
                jar.closeEntry();
            }
        }
        return target;
    }

    // ------------------------------------------------------------------ the LangChain4j support agent

    static final Map<String, String> SUPPORT_APP = Map.of(
            "com/acme/support/RefundTools.java", """
                    package com.acme.support;

                    import dev.langchain4j.agent.tool.P;
                    import dev.langchain4j.agent.tool.Tool;

                    public class RefundTools {
                        private final OrderRepository orders = new OrderRepository();
                        private final PaymentsClient payments = new PaymentsClient();

                        @Tool("Issue a refund for an order")
                        public String issueRefund(@P("the order id") String orderId, @P("amount in EUR") double amount) throws Exception {
                            orders.markRefunded(orderId);
                            return payments.refund(orderId, amount);
                        }

                        @Tool(name = "lookupCustomer", value = "Find a customer by e-mail address")
                        public String findCustomer(String email) throws Exception {
                            return orders.customerByEmail(email);
                        }

                        @Tool("Archive old orders to a CSV file")
                        public void archiveOrders() throws Exception {
                            new ReportWriter().write();
                        }

                        @Tool("Run the nightly reconciliation")
                        public String reconcile() throws Exception {
                            return Shell.run();
                        }
                    }
                    """,
            "com/acme/support/OrderRepository.java", """
                    package com.acme.support;

                    import java.sql.Connection;
                    import java.sql.DriverManager;
                    import java.sql.PreparedStatement;
                    import java.sql.ResultSet;
                    import java.sql.SQLException;

                    class OrderRepository {
                        static final String URL = "jdbc:h2:mem:shop;DB_CLOSE_DELAY=-1";

                        private Connection connect() throws SQLException {
                            return DriverManager.getConnection(URL, "sa", "secret");
                        }

                        void markRefunded(String id) throws SQLException {
                            try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("UPDATE orders SET status = 'REFUNDED' WHERE id = ?")) {
                                ps.setString(1, id);
                                ps.executeUpdate();
                            }
                        }

                        String customerByEmail(String email) throws SQLException {
                            String sql = "SELECT c.name, c.email FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.email = ?";
                            try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
                                ps.setString(1, email);
                                try (ResultSet rs = ps.executeQuery()) {
                                    return rs.next() ? rs.getString(1) : null;
                                }
                            }
                        }
                    }
                    """,
            "com/acme/support/PaymentsClient.java", """
                    package com.acme.support;

                    import java.net.URI;
                    import java.net.http.HttpClient;
                    import java.net.http.HttpRequest;
                    import java.net.http.HttpResponse;

                    class PaymentsClient {
                        private final HttpClient http = HttpClient.newHttpClient();

                        String refund(String orderId, double amount) throws Exception {
                            HttpRequest request = HttpRequest.newBuilder(URI.create("https://api.stripe.com/v1/refunds"))
                                    .POST(HttpRequest.BodyPublishers.ofString("order=" + orderId + "&amount=" + amount))
                                    .build();
                            return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
                        }
                    }
                    """,
            "com/acme/support/Shell.java", """
                    package com.acme.support;

                    final class Shell {
                        static String run() throws Exception {
                            Process p = new ProcessBuilder("/usr/local/bin/reconcile", "--since", "yesterday").start();
                            return new String(p.getInputStream().readAllBytes());
                        }
                    }
                    """,
            "com/acme/support/ReportWriter.java", """
                    package com.acme.support;

                    import java.nio.file.Files;
                    import java.nio.file.Path;

                    class ReportWriter {
                        void write() throws Exception {
                            Files.writeString(Path.of("/var/reports/orders.csv"), "id,status\\n");
                        }
                    }
                    """,
            "com/acme/support/WeatherExecutor.java", """
                    package com.acme.support;

                    import dev.langchain4j.agent.tool.ToolExecutionRequest;
                    import dev.langchain4j.service.tool.ToolExecutor;
                    import java.io.InputStream;
                    import java.net.URL;

                    class WeatherExecutor implements ToolExecutor {
                        @Override
                        public String execute(ToolExecutionRequest request, Object memoryId) {
                            try (InputStream in = new URL("https://api.weather.example.org/v1/forecast?city=Berlin").openStream()) {
                                return new String(in.readAllBytes());
                            } catch (Exception e) {
                                return e.toString();
                            }
                        }
                    }
                    """,
            "com/acme/support/SupportAgent.java", """
                    package com.acme.support;

                    import dev.langchain4j.service.SystemMessage;

                    public interface SupportAgent {
                        @SystemMessage("You are the support agent of ACME")
                        String chat(String message);
                    }
                    """,
            "com/acme/support/App.java", """
                    package com.acme.support;

                    import dev.langchain4j.agent.tool.ToolSpecification;
                    import dev.langchain4j.model.openai.OpenAiChatModel;
                    import dev.langchain4j.service.AiServices;
                    import java.util.Map;

                    public class App {
                        public static void main(String[] args) {
                            OpenAiChatModel model = OpenAiChatModel.builder()
                                    .baseUrl("https://llm.internal.example/v1")
                                    .apiKey("demo")
                                    .modelName("gpt-4o-mini")
                                    .build();
                            ToolSpecification weather = ToolSpecification.builder()
                                    .name("getWeather")
                                    .description("Weather forecast for a city")
                                    .build();
                            SupportAgent agent = AiServices.builder(SupportAgent.class)
                                    .chatModel(model)
                                    .tools(new RefundTools())
                                    .tools(Map.of(weather, new WeatherExecutor()))
                                    .build();
                            System.out.println(agent.chat(args.length > 0 ? args[0] : "hello"));
                        }
                    }
                    """);

    // ------------------------------------------------------------------ the Spring AI + MCP ops agent

    static final Map<String, String> OPS_APP = Map.of(
            "com/acme/ops/OpsTools.java", """
                    package com.acme.ops;

                    import java.net.URI;
                    import java.net.http.HttpClient;
                    import java.net.http.HttpRequest;
                    import java.net.http.HttpResponse;
                    import java.sql.Connection;
                    import java.sql.DriverManager;
                    import java.sql.Statement;
                    import org.springframework.ai.tool.annotation.Tool;
                    import org.springframework.ai.tool.annotation.ToolParam;

                    public class OpsTools {
                        @Tool(description = "Delete a customer account and its data")
                        public String deleteAccount(@ToolParam(description = "the account id") String accountId) throws Exception {
                            try (Connection c = DriverManager.getConnection("jdbc:sqlite:/data/ops.db"); Statement st = c.createStatement()) {
                                st.executeUpdate("DELETE FROM accounts WHERE id = '" + accountId + "'");
                                st.executeUpdate("DROP TABLE IF EXISTS account_cache");
                            }
                            return "deleted";
                        }

                        @Tool(name = "createTicket", description = "Open a support ticket")
                        public String openTicket(String title) throws Exception {
                            HttpRequest r = HttpRequest.newBuilder(URI.create("http://tickets.corp.example:8080/api/tickets"))
                                    .POST(HttpRequest.BodyPublishers.ofString(title)).build();
                            return HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofString()).body();
                        }

                        @Tool(description = "Current server time")
                        public String now() {
                            return java.time.Instant.now().toString();
                        }
                    }
                    """,
            "com/acme/ops/OpsAssistant.java", """
                    package com.acme.ops;

                    import org.springframework.ai.chat.client.ChatClient;

                    public class OpsAssistant {
                        private final ChatClient client;

                        public OpsAssistant(ChatClient.Builder builder) {
                            this.client = builder.defaultTools(new OpsTools()).build();
                        }

                        public String ask(String question) {
                            return client.prompt(question).call().content();
                        }
                    }
                    """,
            "com/acme/ops/OpsMcpServer.java", """
                    package com.acme.ops;

                    import io.modelcontextprotocol.server.McpServer;
                    import io.modelcontextprotocol.server.McpServerFeatures;
                    import io.modelcontextprotocol.server.McpSyncServerExchange;
                    import io.modelcontextprotocol.spec.McpSchema;
                    import io.modelcontextprotocol.spec.McpServerTransportProvider;
                    import java.util.List;

                    public class OpsMcpServer {
                        public void start(McpServerTransportProvider transport) {
                            McpSchema.Tool restart = McpSchema.Tool.builder()
                                    .name("restartService")
                                    .description("Restart a service on the host")
                                    .build();
                            McpServerFeatures.SyncToolSpecification spec =
                                    new McpServerFeatures.SyncToolSpecification(restart, (exchange, request) -> restart(exchange));
                            McpServer.sync(transport).tools(spec).build();
                        }

                        private static McpSchema.CallToolResult restart(McpSyncServerExchange exchange) {
                            try {
                                new ProcessBuilder(List.of("systemctl", "restart", "shop")).start().waitFor();
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                            return null;
                        }
                    }
                    """);

    static final Map<String, String> OPS_RESOURCES = Map.of(
            "application.yml", """
                    spring:
                      datasource:
                        url: jdbc:postgresql://db.corp.example:5432/ops?user=ops&password=hunter2
                      ai:
                        mcp:
                          client:
                            stdio:
                              connections:
                                filesystem:
                                  command: npx
                                  args:
                                    - "-y"
                                    - "@modelcontextprotocol/server-filesystem"
                                    - "/srv/shared"
                    ops:
                      status-page: https://status.example.net/api/v2/summary.json
                    """,
            "mcp.json", """
                    {"mcpServers": {"github": {"url": "https://api.githubcopilot.com/mcp/"}}}
                    """);
}
