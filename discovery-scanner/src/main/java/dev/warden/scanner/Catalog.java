package dev.warden.scanner;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the scanner knows about the outside world, declared as data in one place: the agent
 * frameworks and which versions Warden governs, the HTTP clients and JDBC drivers, the call sites
 * that reach a system (sinks), the call sites that register tools or build agents, and the
 * packages that belong to third-party libraries rather than to the application.
 *
 * <p>Adding a library costs one line here. Immutable; any thread.
 */
public final class Catalog {
    private Catalog() {
    }

    // ------------------------------------------------------------------ frameworks

    /**
     * An agent framework. {@code governance} says what Warden's javaagent does for it:
     * {@code tools} (tool calls are hooked and governed, and so is the I/O beneath them) or
     * {@code io-only} (the HTTP, SQL and process calls it makes are governed, its tool calls are
     * not seen as tools). {@code governedFrom}/{@code governedBefore} bound the versions the
     * tool hooks support (inclusive / exclusive; null = open).
     */
    public record FrameworkSpec(String id, String name, List<String> artifacts, String packagePrefix,
                                String governance, String governedFrom, String governedBefore) {
    }

    public static final List<FrameworkSpec> FRAMEWORKS = List.of(
            new FrameworkSpec("langchain4j", "LangChain4j", List.of("dev.langchain4j:langchain4j-core", "dev.langchain4j:langchain4j"), "dev/langchain4j/", "tools", "1.0.0", "2"),
            new FrameworkSpec("spring-ai", "Spring AI", List.of("org.springframework.ai:spring-ai-model", "org.springframework.ai:spring-ai-client-chat", "org.springframework.ai:spring-ai-core"), "org/springframework/ai/", "tools", "1.0.0", "3"),
            new FrameworkSpec("mcp", "MCP Java SDK", List.of("io.modelcontextprotocol.sdk:mcp-core", "io.modelcontextprotocol.sdk:mcp"), "io/modelcontextprotocol/", "tools", "0.10.0", "3"),
            new FrameworkSpec("semantic-kernel", "Semantic Kernel", List.of("com.microsoft.semantic-kernel:semantickernel-api"), "com/microsoft/semantickernel/", "io-only", null, null),
            new FrameworkSpec("google-adk", "Google ADK", List.of("com.google.adk:google-adk"), "com/google/adk/", "io-only", null, null),
            new FrameworkSpec("koog", "Koog", List.of("ai.koog:koog-agents", "ai.koog:agents-core-jvm", "ai.koog:koog-agents-jvm"), "ai/koog/", "io-only", null, null),
            new FrameworkSpec("embabel", "Embabel", List.of("com.embabel.agent:embabel-agent-api"), "com/embabel/agent/", "io-only", null, null),
            new FrameworkSpec("openai-java", "OpenAI Java SDK", List.of("com.openai:openai-java", "com.openai:openai-java-core"), "com/openai/", "io-only", null, null),
            new FrameworkSpec("anthropic-java", "Anthropic Java SDK", List.of("com.anthropic:anthropic-java", "com.anthropic:anthropic-java-core"), "com/anthropic/", "io-only", null, null));

    // ------------------------------------------------------------------ libraries

    /** An HTTP client or JDBC driver; {@code label} is the action model's {@code client} / driver name. */
    public record LibrarySpec(String id, String category, String name, List<String> artifacts, String packagePrefix, boolean governed) {
    }

    public static final String HTTP_CLIENT = "http-client";
    public static final String JDBC_DRIVER = "jdbc-driver";

    public static final List<LibrarySpec> LIBRARIES = List.of(
            new LibrarySpec("okhttp", HTTP_CLIENT, "OkHttp", List.of("com.squareup.okhttp3:okhttp", "com.squareup.okhttp3:okhttp-jvm"), "okhttp3/", true),
            new LibrarySpec("apache4", HTTP_CLIENT, "Apache HttpClient 4", List.of("org.apache.httpcomponents:httpclient"), "org/apache/http/impl/client/", true),
            new LibrarySpec("apache5", HTTP_CLIENT, "Apache HttpClient 5", List.of("org.apache.httpcomponents.client5:httpclient5"), "org/apache/hc/client5/", true),
            new LibrarySpec("spring-web", HTTP_CLIENT, "Spring RestClient/RestTemplate", List.of("org.springframework:spring-web"), "org/springframework/web/client/", true),
            new LibrarySpec("spring-webflux", HTTP_CLIENT, "Spring WebClient", List.of("org.springframework:spring-webflux"), "org/springframework/web/reactive/function/client/", false),
            new LibrarySpec("netty-http", HTTP_CLIENT, "Reactor Netty HTTP", List.of("io.projectreactor.netty:reactor-netty-http"), "reactor/netty/http/client/", false),
            new LibrarySpec("langchain4j-http-jdk", HTTP_CLIENT, "LangChain4j JDK HTTP client", List.of("dev.langchain4j:langchain4j-http-client-jdk"), "dev/langchain4j/http/client/jdk/", true),
            new LibrarySpec("h2", JDBC_DRIVER, "H2", List.of("com.h2database:h2"), "org/h2/", true),
            new LibrarySpec("sqlite", JDBC_DRIVER, "SQLite JDBC", List.of("org.xerial:sqlite-jdbc"), "org/sqlite/", true),
            new LibrarySpec("postgresql", JDBC_DRIVER, "PostgreSQL JDBC", List.of("org.postgresql:postgresql"), "org/postgresql/", true),
            new LibrarySpec("mysql", JDBC_DRIVER, "MySQL Connector/J", List.of("com.mysql:mysql-connector-j", "mysql:mysql-connector-java"), "com/mysql/", true),
            new LibrarySpec("mariadb", JDBC_DRIVER, "MariaDB Connector/J", List.of("org.mariadb.jdbc:mariadb-java-client"), "org/mariadb/jdbc/", true),
            new LibrarySpec("oracle", JDBC_DRIVER, "Oracle JDBC", List.of("com.oracle.database.jdbc:ojdbc11", "com.oracle.database.jdbc:ojdbc8"), "oracle/jdbc/", true),
            new LibrarySpec("sqlserver", JDBC_DRIVER, "Microsoft SQL Server JDBC", List.of("com.microsoft.sqlserver:mssql-jdbc"), "com/microsoft/sqlserver/jdbc/", true),
            new LibrarySpec("hsqldb", JDBC_DRIVER, "HSQLDB", List.of("org.hsqldb:hsqldb"), "org/hsqldb/", true),
            new LibrarySpec("derby", JDBC_DRIVER, "Apache Derby", List.of("org.apache.derby:derby"), "org/apache/derby/", true),
            new LibrarySpec("hikari", "jdbc-pool", "HikariCP", List.of("com.zaxxer:HikariCP"), "com/zaxxer/hikari/", true));

    // ------------------------------------------------------------------ sinks

    /** What a sink call site does. */
    public enum SinkKind { HTTP, SQL, JDBC_CONNECT, PROCESS, FILE_WRITE }

    /**
     * A call site that reaches a system. {@code name} {@code *} matches every method of the
     * owner; {@code arg} is the index of the argument holding the URL, SQL, JDBC URL or command
     * (-1: none; the receiver is argument 0 only for constructors' callers, never counted).
     */
    public record Sink(String owner, String name, SinkKind kind, String client, int arg) {
    }

    public static final List<Sink> SINKS = List.of(
            // HTTP
            new Sink("java/net/http/HttpClient", "send", SinkKind.HTTP, "jdk", -1),
            new Sink("java/net/http/HttpClient", "sendAsync", SinkKind.HTTP, "jdk", -1),
            new Sink("java/net/http/HttpRequest", "newBuilder", SinkKind.HTTP, "jdk", 0),
            new Sink("java/net/http/HttpRequest$Builder", "uri", SinkKind.HTTP, "jdk", 0),
            new Sink("java/net/URL", "openConnection", SinkKind.HTTP, "urlconnection", -1),
            new Sink("java/net/URL", "openStream", SinkKind.HTTP, "urlconnection", -1),
            new Sink("okhttp3/OkHttpClient", "newCall", SinkKind.HTTP, "okhttp", -1),
            new Sink("okhttp3/Request$Builder", "url", SinkKind.HTTP, "okhttp", 0),
            new Sink("org/apache/http/client/HttpClient", "execute", SinkKind.HTTP, "apache4", -1),
            new Sink("org/apache/http/impl/client/CloseableHttpClient", "execute", SinkKind.HTTP, "apache4", -1),
            new Sink("org/apache/http/client/methods/HttpGet", "<init>", SinkKind.HTTP, "apache4", 0),
            new Sink("org/apache/http/client/methods/HttpPost", "<init>", SinkKind.HTTP, "apache4", 0),
            new Sink("org/apache/http/client/methods/HttpPut", "<init>", SinkKind.HTTP, "apache4", 0),
            new Sink("org/apache/http/client/methods/HttpDelete", "<init>", SinkKind.HTTP, "apache4", 0),
            new Sink("org/apache/hc/client5/http/classic/HttpClient", "execute", SinkKind.HTTP, "apache5", -1),
            new Sink("org/apache/hc/client5/http/impl/classic/CloseableHttpClient", "execute", SinkKind.HTTP, "apache5", -1),
            new Sink("org/apache/hc/client5/http/classic/methods/HttpGet", "<init>", SinkKind.HTTP, "apache5", 0),
            new Sink("org/apache/hc/client5/http/classic/methods/HttpPost", "<init>", SinkKind.HTTP, "apache5", 0),
            new Sink("org/apache/hc/client5/http/classic/methods/HttpPut", "<init>", SinkKind.HTTP, "apache5", 0),
            new Sink("org/apache/hc/client5/http/classic/methods/HttpDelete", "<init>", SinkKind.HTTP, "apache5", 0),
            new Sink("org/springframework/web/client/RestTemplate", "*", SinkKind.HTTP, "spring-resttemplate", 0),
            new Sink("org/springframework/web/client/RestOperations", "*", SinkKind.HTTP, "spring-resttemplate", 0),
            new Sink("org/springframework/web/client/RestClient$UriSpec", "uri", SinkKind.HTTP, "spring-restclient", 0),
            new Sink("org/springframework/web/client/RestClient$RequestHeadersUriSpec", "uri", SinkKind.HTTP, "spring-restclient", 0),
            new Sink("org/springframework/web/client/RestClient$RequestBodyUriSpec", "uri", SinkKind.HTTP, "spring-restclient", 0),
            new Sink("org/springframework/web/reactive/function/client/WebClient$UriSpec", "uri", SinkKind.HTTP, "spring-webclient", 0),
            new Sink("org/springframework/web/reactive/function/client/WebClient$RequestHeadersUriSpec", "uri", SinkKind.HTTP, "spring-webclient", 0),
            new Sink("org/springframework/web/reactive/function/client/WebClient$RequestBodyUriSpec", "uri", SinkKind.HTTP, "spring-webclient", 0),
            // SQL
            new Sink("java/sql/Statement", "execute", SinkKind.SQL, "jdbc", 0),
            new Sink("java/sql/Statement", "executeQuery", SinkKind.SQL, "jdbc", 0),
            new Sink("java/sql/Statement", "executeUpdate", SinkKind.SQL, "jdbc", 0),
            new Sink("java/sql/Statement", "executeLargeUpdate", SinkKind.SQL, "jdbc", 0),
            new Sink("java/sql/Statement", "addBatch", SinkKind.SQL, "jdbc", 0),
            new Sink("java/sql/Connection", "prepareStatement", SinkKind.SQL, "jdbc", 0),
            new Sink("java/sql/Connection", "prepareCall", SinkKind.SQL, "jdbc", 0),
            new Sink("java/sql/PreparedStatement", "execute", SinkKind.SQL, "jdbc", -1),
            new Sink("java/sql/PreparedStatement", "executeQuery", SinkKind.SQL, "jdbc", -1),
            new Sink("java/sql/PreparedStatement", "executeUpdate", SinkKind.SQL, "jdbc", -1),
            new Sink("org/springframework/jdbc/core/JdbcTemplate", "*", SinkKind.SQL, "spring-jdbc", 0),
            new Sink("org/springframework/jdbc/core/JdbcOperations", "*", SinkKind.SQL, "spring-jdbc", 0),
            new Sink("org/springframework/jdbc/core/namedparam/NamedParameterJdbcTemplate", "*", SinkKind.SQL, "spring-jdbc", 0),
            new Sink("org/springframework/jdbc/core/simple/JdbcClient", "sql", SinkKind.SQL, "spring-jdbc", 0),
            new Sink("jakarta/persistence/EntityManager", "createNativeQuery", SinkKind.SQL, "jpa", 0),
            new Sink("jakarta/persistence/EntityManager", "createQuery", SinkKind.SQL, "jpa", 0),
            new Sink("javax/persistence/EntityManager", "createNativeQuery", SinkKind.SQL, "jpa", 0),
            new Sink("javax/persistence/EntityManager", "createQuery", SinkKind.SQL, "jpa", 0),
            new Sink("java/sql/DriverManager", "getConnection", SinkKind.JDBC_CONNECT, "jdbc", 0),
            // process
            new Sink("java/lang/ProcessBuilder", "<init>", SinkKind.PROCESS, "process", 0),
            new Sink("java/lang/ProcessBuilder", "command", SinkKind.PROCESS, "process", 0),
            new Sink("java/lang/ProcessBuilder", "start", SinkKind.PROCESS, "process", -1),
            new Sink("java/lang/Runtime", "exec", SinkKind.PROCESS, "process", 0),
            // file writes
            new Sink("java/nio/file/Files", "write", SinkKind.FILE_WRITE, "nio", 0),
            new Sink("java/nio/file/Files", "writeString", SinkKind.FILE_WRITE, "nio", 0),
            new Sink("java/nio/file/Files", "newOutputStream", SinkKind.FILE_WRITE, "nio", 0),
            new Sink("java/nio/file/Files", "newBufferedWriter", SinkKind.FILE_WRITE, "nio", 0),
            new Sink("java/nio/file/Files", "delete", SinkKind.FILE_WRITE, "nio", 0),
            new Sink("java/nio/file/Files", "deleteIfExists", SinkKind.FILE_WRITE, "nio", 0),
            new Sink("java/nio/file/Files", "move", SinkKind.FILE_WRITE, "nio", 1),
            new Sink("java/nio/file/Files", "copy", SinkKind.FILE_WRITE, "nio", 1),
            new Sink("java/io/FileOutputStream", "<init>", SinkKind.FILE_WRITE, "io", 0),
            new Sink("java/io/FileWriter", "<init>", SinkKind.FILE_WRITE, "io", 0),
            new Sink("java/io/PrintWriter", "<init>", SinkKind.FILE_WRITE, "io", 0));

    private static final Map<String, List<Sink>> SINKS_BY_OWNER = groupSinks();

    private static Map<String, List<Sink>> groupSinks() {
        Map<String, List<Sink>> m = new java.util.HashMap<>();
        for (Sink s : SINKS) {
            m.computeIfAbsent(s.owner(), k -> new java.util.ArrayList<>()).add(s);
        }
        return Map.copyOf(m);
    }

    /** The sink a call to {@code owner.name} is, or null. */
    public static Sink sink(String owner, String name, String desc) {
        List<Sink> l = SINKS_BY_OWNER.get(owner);
        if (l == null) {
            return null;
        }
        for (Sink s : l) {
            if (s.name().equals(name) || (s.name().equals("*") && !name.startsWith("<"))) {
                if (s.kind() == SinkKind.FILE_WRITE && s.owner().equals("java/io/PrintWriter")
                        && !(desc.startsWith("(Ljava/lang/String;") || desc.startsWith("(Ljava/io/File;"))) {
                    return null; // PrintWriter(Writer) / PrintWriter(OutputStream) write nowhere new
                }
                return s;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ tool annotations and types

    public static final String LC4J_TOOL = "Ldev/langchain4j/agent/tool/Tool;";
    public static final String LC4J_P = "Ldev/langchain4j/agent/tool/P;";
    public static final String SPRING_TOOL = "Lorg/springframework/ai/tool/annotation/Tool;";
    public static final String SPRING_TOOL_PARAM = "Lorg/springframework/ai/tool/annotation/ToolParam;";
    public static final String LC4J_AI_SERVICE_ANNOTATION = "Ldev/langchain4j/service/spring/AiService;";
    public static final String LC4J_SYSTEM_MESSAGE = "Ldev/langchain4j/service/SystemMessage;";
    public static final String LC4J_USER_MESSAGE = "Ldev/langchain4j/service/UserMessage;";
    public static final String SPRING_VALUE = "Lorg/springframework/beans/factory/annotation/Value;";

    /** Tool implementations by interface: the framework that calls them and the method that runs the tool. */
    public record ToolInterface(String type, String framework, String runMethod) {
    }

    public static final List<ToolInterface> TOOL_INTERFACES = List.of(
            new ToolInterface("dev/langchain4j/service/tool/ToolExecutor", "langchain4j", "execute"),
            new ToolInterface("org/springframework/ai/tool/ToolCallback", "spring-ai", "call"));

    // ------------------------------------------------------------------ registrations

    /** Call sites whose arguments name agents, tools or MCP servers (read with the value analysis). */
    public enum RegKind {
        LC4J_AI_SERVICE,        // AiServices.builder(Class) / create(Class, ...): arg 0 is the agent interface
        LC4J_TOOLS,             // AiServices.tools(...): tool objects
        SPRING_CHAT_CLIENT,     // ChatClient.builder(..) / create(..): an agent in the enclosing class
        SPRING_TOOLS,           // defaultTools / tools / toolCallbacks: tool objects
        SPRING_FUNCTION_TOOL,   // FunctionToolCallback.builder(name, fn)
        MCP_SERVER,             // McpServer.sync/async(transport)
        MCP_TOOL,               // a tool specification is built: name + handler
        MCP_SERVER_TOOL,        // McpServer spec .tool(Tool, handler)
        MCP_CLIENT_URL,         // an MCP client transport to a URL
        MCP_CLIENT_COMMAND,     // an MCP client launching a server process
        TOOL_SPEC               // a ToolSpecification / ToolDefinition named by a constant
    }

    public record Registration(String owner, String name, RegKind kind) {
    }

    public static final List<Registration> REGISTRATIONS = List.of(
            new Registration("dev/langchain4j/service/AiServices", "builder", RegKind.LC4J_AI_SERVICE),
            new Registration("dev/langchain4j/service/AiServices", "create", RegKind.LC4J_AI_SERVICE),
            new Registration("dev/langchain4j/service/AiServices", "tools", RegKind.LC4J_TOOLS),
            new Registration("org/springframework/ai/chat/client/ChatClient", "builder", RegKind.SPRING_CHAT_CLIENT),
            new Registration("org/springframework/ai/chat/client/ChatClient", "create", RegKind.SPRING_CHAT_CLIENT),
            new Registration("org/springframework/ai/chat/client/ChatClient$Builder", "defaultTools", RegKind.SPRING_TOOLS),
            new Registration("org/springframework/ai/chat/client/ChatClient$Builder", "defaultToolCallbacks", RegKind.SPRING_TOOLS),
            new Registration("org/springframework/ai/chat/client/ChatClient$ChatClientRequestSpec", "tools", RegKind.SPRING_TOOLS),
            new Registration("org/springframework/ai/chat/client/ChatClient$ChatClientRequestSpec", "toolCallbacks", RegKind.SPRING_TOOLS),
            new Registration("org/springframework/ai/tool/function/FunctionToolCallback", "builder", RegKind.SPRING_FUNCTION_TOOL),
            new Registration("io/modelcontextprotocol/server/McpServer", "sync", RegKind.MCP_SERVER),
            new Registration("io/modelcontextprotocol/server/McpServer", "async", RegKind.MCP_SERVER),
            new Registration("io/modelcontextprotocol/server/McpServerFeatures$SyncToolSpecification", "<init>", RegKind.MCP_TOOL),
            new Registration("io/modelcontextprotocol/server/McpServerFeatures$AsyncToolSpecification", "<init>", RegKind.MCP_TOOL),
            new Registration("io/modelcontextprotocol/server/McpServerFeatures$SyncToolSpecification$Builder", "build", RegKind.MCP_TOOL),
            new Registration("io/modelcontextprotocol/server/McpServerFeatures$AsyncToolSpecification$Builder", "build", RegKind.MCP_TOOL),
            new Registration("io/modelcontextprotocol/server/McpStatelessServerFeatures$SyncToolSpecification", "<init>", RegKind.MCP_TOOL),
            new Registration("io/modelcontextprotocol/server/McpStatelessServerFeatures$SyncToolSpecification$Builder", "build", RegKind.MCP_TOOL),
            new Registration("io/modelcontextprotocol/server/McpServer$SyncSpecification", "toolCall", RegKind.MCP_SERVER_TOOL),
            new Registration("io/modelcontextprotocol/server/McpServer$AsyncSpecification", "toolCall", RegKind.MCP_SERVER_TOOL),
            new Registration("io/modelcontextprotocol/client/transport/HttpClientSseClientTransport", "builder", RegKind.MCP_CLIENT_URL),
            new Registration("io/modelcontextprotocol/client/transport/HttpClientStreamableHttpTransport", "builder", RegKind.MCP_CLIENT_URL),
            new Registration("io/modelcontextprotocol/client/transport/ServerParameters", "builder", RegKind.MCP_CLIENT_COMMAND),
            new Registration("dev/langchain4j/mcp/client/transport/stdio/StdioMcpTransport$Builder", "command", RegKind.MCP_CLIENT_COMMAND),
            new Registration("dev/langchain4j/mcp/client/transport/http/HttpMcpTransport$Builder", "sseUrl", RegKind.MCP_CLIENT_URL),
            new Registration("dev/langchain4j/mcp/client/transport/http/StreamableHttpMcpTransport$Builder", "url", RegKind.MCP_CLIENT_URL),
            new Registration("dev/langchain4j/agent/tool/ToolSpecification$Builder", "build", RegKind.TOOL_SPEC),
            new Registration("org/springframework/ai/tool/definition/ToolDefinition$Builder", "build", RegKind.TOOL_SPEC),
            new Registration("org/springframework/ai/tool/definition/DefaultToolDefinition$Builder", "build", RegKind.TOOL_SPEC));

    private static final Map<String, RegKind> REG_INDEX = indexRegistrations();

    private static Map<String, RegKind> indexRegistrations() {
        Map<String, RegKind> m = new java.util.HashMap<>();
        for (Registration r : REGISTRATIONS) {
            m.put(r.owner() + "." + r.name(), r.kind());
        }
        return Map.copyOf(m);
    }

    public static RegKind registration(String owner, String name) {
        return REG_INDEX.get(owner + "." + name);
    }

    // ------------------------------------------------------------------ scope

    /**
     * Package prefixes of third-party code. A class under one of these is a library class: the
     * scanner reads its tool annotations and its type hierarchy but does not report its constant
     * URLs or SQL (a library is full of example URLs and dialect SQL), and skips its method code.
     * Third-party code in packages not listed here is recognised by where it sits
     * ({@link ApplicationScope}: nested library jars, classes outside the main class's groupId in
     * a shaded jar).
     */
    private static final String[] LIBRARY_PACKAGES = {
        "java/", "javax/", "jakarta/", "jdk/", "sun/", "com/sun/", "kotlin/", "kotlinx/", "scala/", "groovy/",
        "org/springframework/", "org/apache/", "org/eclipse/", "org/jboss/", "org/hibernate/", "org/glassfish/",
        "com/fasterxml/", "com/google/", "com/squareup/", "okhttp3/", "okio/", "io/netty/", "reactor/",
        "io/projectreactor/", "io/micrometer/", "io/opentelemetry/", "io/modelcontextprotocol/", "dev/langchain4j/",
        "com/microsoft/", "com/openai/", "com/anthropic/", "ai/koog/", "com/embabel/", "org/slf4j/", "ch/qos/",
        "org/yaml/", "org/h2/", "org/sqlite/", "org/postgresql/", "com/mysql/", "org/mariadb/", "oracle/",
        "org/hsqldb/", "com/zaxxer/", "org/jetbrains/", "org/intellij/", "org/objectweb/", "net/bytebuddy/",
        "org/aspectj/", "io/swagger/", "org/reactivestreams/", "io/reactivex/", "org/junit/", "org/opentest4j/",
        "org/hamcrest/", "org/mockito/", "org/assertj/", "org/checkerframework/", "com/knuddels/", "net/sf/jsqlparser/",
        "org/json/", "com/jayway/", "net/minidev/", "org/bouncycastle/", "org/codehaus/", "org/antlr/", "org/jooq/",
        "io/grpc/", "com/github/benmanes/", "org/HdrHistogram/", "org/LatencyUtils/", "org/xerial/", "io/undertow/",
        "org/xml/", "org/w3c/", "org/ietf/", "org/omg/", "io/vertx/", "io/smallrye/", "io/quarkus/", "org/joda/",
        "org/openjdk/", "com/ctc/", "org/attoparser/", "org/thymeleaf/", "org/unbescape/", "org/jspecify/",
        "io/github/classgraph/", "nonapi/", "org/bson/", "com/mongodb/", "redis/", "io/lettuce/", "software/amazon/",
        "com/amazonaws/", "com/azure/", "io/jsonwebtoken/", "org/flywaydb/", "liquibase/", "org/infinispan/",
        "net/openhft/", "io/aeron/", "org/agrona/", "org/springdoc/", "org/webjars/", "javassist/", "org/javassist/",
        "io/prometheus/", "org/jsoup/", "org/apiguardian/", "org/immutables/", "lombok/", "org/mapstruct/",
        "dev/warden/agent/", "dev/warden/rules/", "picocli/",
    };

    public static boolean isLibraryClass(String internalName) {
        for (String p : LIBRARY_PACKAGES) {
            if (internalName.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ risk vocabulary

    /** Name fragments that look like money movement (matched on lower-cased names and descriptions). */
    public static final List<String> MONEY_WORDS = List.of("refund", "payment", "pay", "transfer", "charge", "invoice",
            "price", "amount", "balance", "wire", "withdraw", "deposit", "payout", "billing", "credit", "debit", "purchase", "money", "salary");

    /** Name fragments that look like personal data. */
    public static final List<String> PII_WORDS = List.of("email", "phone", "ssn", "social_security", "address", "customer",
            "birth", "dob", "passport", "card", "iban", "account", "patient", "medical", "health", "person",
            "firstname", "lastname", "fullname", "national", "gender", "diagnosis", "users");

    /** Verbs that make a tool look like it changes something, when nothing more precise is known. */
    public static final List<String> WRITE_VERBS = List.of("create", "update", "delete", "remove", "send", "issue", "cancel",
            "write", "insert", "modify", "set", "post", "submit", "approve", "execute", "run", "transfer", "book", "refund", "drop", "publish");

    /** Hosts that are documentation, XML namespaces or schema ids, never a system an application calls. */
    private static final List<String> NON_SYSTEM_HOSTS = List.of("www.w3.org", "w3.org", "java.sun.com", "xmlns.jcp.org",
            "schemas.xmlsoap.org", "www.apache.org", "apache.org", "json-schema.org", "xml.org", "www.springframework.org",
            "purl.org", "docs.oracle.com", "www.oracle.com", "github.com/spring-projects", "tools.ietf.org", "www.ietf.org",
            "example.com", "www.example.com", "localhost.invalid", "schemas.microsoft.com", "ns.adobe.com", "www.opengis.net");

    public static boolean isNonSystemHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return NON_SYSTEM_HOSTS.contains(h) || h.endsWith(".w3.org") || h.equals("{host}") || h.isEmpty();
    }

    /** Process commands that are clearly not a launch of another program (shell built-ins never reached here). */
    public static boolean isShell(String command) {
        String c = command.toLowerCase(Locale.ROOT);
        int slash = c.lastIndexOf('/');
        String base = slash >= 0 ? c.substring(slash + 1) : c;
        return base.equals("sh") || base.equals("bash") || base.equals("zsh") || base.equals("cmd") || base.equals("cmd.exe")
                || base.equals("powershell") || base.equals("pwsh");
    }
}
