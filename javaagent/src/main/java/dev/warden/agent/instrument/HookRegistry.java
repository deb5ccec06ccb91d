package dev.warden.agent.instrument;

import static dev.warden.agent.bootstrap.Bridge.SQL_BATCH;
import static dev.warden.agent.bootstrap.Bridge.SQL_EXECUTE;
import static dev.warden.agent.bootstrap.Bridge.SQL_QUERY;
import static dev.warden.agent.bootstrap.Bridge.SQL_UPDATE;

import dev.warden.agent.bootstrap.Bridge;
import dev.warden.agent.http.Apache4ExecAdvice;
import dev.warden.agent.http.Apache5ConnectExecAdvice;
import dev.warden.agent.http.Apache5MinimalAdvice;
import dev.warden.agent.http.JdkExchangeCreatedAdvice;
import dev.warden.agent.http.JdkExchangeFutureAdvice;
import dev.warden.agent.http.JdkHopRequestAdvice;
import dev.warden.agent.http.JdkHopResponseAdvice;
import dev.warden.agent.http.JdkSendAdvice;
import dev.warden.agent.http.OkHttpEnqueueAdvice;
import dev.warden.agent.http.OkHttpInterceptorAdvice;
import dev.warden.agent.http.UrlConnectionConnectAdvice;
import dev.warden.agent.http.UrlConnectionResponseAdvice;
import dev.warden.agent.jdbc.ConnectionPrepareAdvice;
import dev.warden.agent.jdbc.StatementBatchAdvice;
import dev.warden.agent.jdbc.StatementExecuteAdvice;
import dev.warden.agent.principal.PrincipalAdvice;
import dev.warden.agent.process.ProcessStartAdvice;
import dev.warden.agent.session.ExecuteAdvice;
import dev.warden.agent.session.ThreadAdvice;
import dev.warden.agent.tool.HandlerWrapAdvice;
import dev.warden.agent.tool.ScopeAdvice;
import dev.warden.agent.tool.ToolCallAdvice;
import java.util.List;
import java.util.Set;

/**
 * Every hook Warden installs, in one table: family, library, class (or supertype), method,
 * descriptor, advice. Descriptors were checked against JDK 17 and 25 and the library versions
 * named; a class whose method does not match is simply not instrumented. Adding a library is
 * one advice class in its family's folder and one line here.
 */
public final class HookRegistry {
    private HookRegistry() {
    }

    static final String STATEMENT = "java/sql/Statement";
    private static final String SPRING_CALL = "(Ljava/lang/String;Lorg/springframework/ai/chat/model/ToolContext;)Ljava/lang/String;";
    static final String CONNECTION = "java/sql/Connection";
    private static final String STPE = "java/util/concurrent/ScheduledThreadPoolExecutor";
    /** {@code Thread.start(ThreadContainer)}, JDK 19+ (package-private; absent on JDK 17). */
    private static final String THREAD_CONTAINER = "(Ljdk/internal/vm/ThreadContainer;)V";
    private static final String MX = "jdk/internal/net/http/MultiExchange";
    private static final String URLCONN = "sun/net/www/protocol/http/HttpURLConnection";
    private static final String HC4_EXEC = "(Lorg/apache/http/conn/routing/HttpRoute;Lorg/apache/http/client/methods/HttpRequestWrapper;"
            + "Lorg/apache/http/client/protocol/HttpClientContext;Lorg/apache/http/client/methods/HttpExecutionAware;)"
            + "Lorg/apache/http/client/methods/CloseableHttpResponse;";

    /**
     * Classes that declare JDBC execution methods without implementing {@code java.sql.Statement}
     * themselves (their concrete subclasses do): matched as if they did.
     */
    static final Set<String> STATEMENT_BASES = Set.of(
            "org/sqlite/jdbc3/JDBC3Statement",           // sqlite-jdbc: execute*(String), executeBatch
            "org/sqlite/jdbc3/JDBC3PreparedStatement",   // sqlite-jdbc: execute(), executeQuery(), executeUpdate()
            "org/sqlite/core/CorePreparedStatement");    // sqlite-jdbc: executeBatch() of prepared statements

    public static final List<Hook> HOOKS = List.of(
            // ---- http: JDK java.net.http.HttpClient (send and sendAsync share MultiExchange) ----
            Hook.on("http", "jdk", MX, "<init>", null, JdkExchangeCreatedAdvice::new),
            Hook.on("http", "jdk", MX, "requestFilters", "(Ljdk/internal/net/http/HttpRequestImpl;)V", JdkHopRequestAdvice::new),
            Hook.on("http", "jdk", MX, "responseFilters", "(Ljdk/internal/net/http/Response;)Ljdk/internal/net/http/HttpRequestImpl;", JdkHopResponseAdvice::new),
            Hook.on("http", "jdk", MX, "responseAsync", "(Ljava/util/concurrent/Executor;)Ljava/util/concurrent/CompletableFuture;", JdkExchangeFutureAdvice::new),
            Hook.on("http", "jdk", "jdk/internal/net/http/HttpClientImpl", "send",
                    "(Ljava/net/http/HttpRequest;Ljava/net/http/HttpResponse$BodyHandler;)Ljava/net/http/HttpResponse;", JdkSendAdvice::new),

            // ---- http: java.net.HttpURLConnection (HTTP and HTTPS) ----
            Hook.on("http", "urlconnection", URLCONN, "plainConnect0", "()V", UrlConnectionConnectAdvice::new),
            Hook.on("http", "urlconnection", URLCONN, "getInputStream", "()Ljava/io/InputStream;", UrlConnectionResponseAdvice::atExit),
            Hook.on("http", "urlconnection", URLCONN, "followRedirect", "()Z", UrlConnectionResponseAdvice::atEntry),

            // ---- http: Apache HttpClient 4.5 ----
            Hook.on("http", "apache4", "org/apache/http/impl/execchain/MainClientExec", "execute", HC4_EXEC, Apache4ExecAdvice::new),
            Hook.on("http", "apache4", "org/apache/http/impl/execchain/MinimalClientExec", "execute", HC4_EXEC, Apache4ExecAdvice::new),

            // ---- http: Apache HttpClient 5 classic ----
            Hook.on("http", "apache5", "org/apache/hc/client5/http/impl/classic/ConnectExec", "execute",
                    "(Lorg/apache/hc/core5/http/ClassicHttpRequest;Lorg/apache/hc/client5/http/classic/ExecChain$Scope;"
                            + "Lorg/apache/hc/client5/http/classic/ExecChain;)Lorg/apache/hc/core5/http/ClassicHttpResponse;",
                    Apache5ConnectExecAdvice::new),
            Hook.on("http", "apache5", "org/apache/hc/client5/http/impl/classic/MinimalHttpClient", "doExecute",
                    "(Lorg/apache/hc/core5/http/HttpHost;Lorg/apache/hc/core5/http/ClassicHttpRequest;Lorg/apache/hc/core5/http/protocol/HttpContext;)"
                            + "Lorg/apache/hc/client5/http/impl/classic/CloseableHttpResponse;",
                    Apache5MinimalAdvice::new),

            // ---- http: OkHttp 4 ----
            Hook.on("http", "okhttp", "okhttp3/internal/http/BridgeInterceptor", "intercept",
                    "(Lokhttp3/Interceptor$Chain;)Lokhttp3/Response;", OkHttpInterceptorAdvice::new),
            Hook.on("http", "okhttp", "okhttp3/internal/connection/RealCall", "enqueue", "(Lokhttp3/Callback;)V", OkHttpEnqueueAdvice::new),

            // ---- jdbc: any driver or pool, by interface ----
            Hook.onSubtypes("jdbc", "any", CONNECTION, "prepareStatement", null, ConnectionPrepareAdvice::new),
            Hook.onSubtypes("jdbc", "any", CONNECTION, "prepareCall", null, ConnectionPrepareAdvice::new),
            Hook.onSubtypes("jdbc", "any", STATEMENT, "execute", "(Ljava/lang/String;)Z", StatementExecuteAdvice.of(SQL_EXECUTE)),
            Hook.onSubtypes("jdbc", "any", STATEMENT, "execute", "(Ljava/lang/String;I)Z", StatementExecuteAdvice.of(SQL_EXECUTE)),
            Hook.onSubtypes("jdbc", "any", STATEMENT, "execute", "(Ljava/lang/String;[I)Z", StatementExecuteAdvice.of(SQL_EXECUTE)),
            Hook.onSubtypes("jdbc", "any", STATEMENT, "execute", "(Ljava/lang/String;[Ljava/lang/String;)Z", StatementExecuteAdvice.of(SQL_EXECUTE)),
            Hook.onSubtypes("jdbc", "any", STATEMENT, "execute", "()Z", StatementExecuteAdvice.of(SQL_EXECUTE)),
            Hook.onSubtypes("jdbc", "any", STATEMENT, "executeQuery", "(Ljava/lang/String;)Ljava/sql/ResultSet;", StatementExecuteAdvice.of(SQL_QUERY)),
            Hook.onSubtypes("jdbc", "any", STATEMENT, "executeQuery", "()Ljava/sql/ResultSet;", StatementExecuteAdvice.of(SQL_QUERY)),
            Hook.onSubtypes("jdbc", "any", STATEMENT, "executeUpdate", "(Ljava/lang/String;)I", StatementExecuteAdvice.of(SQL_UPDATE)),
            Hook.onSubtypes("jdbc", "any", STATEMENT, "executeUpdate", "(Ljava/lang/String;I)I", StatementExecuteAdvice.of(SQL_UPDATE)),
            Hook.onSubtypes("jdbc", "any", STATEMENT, "executeUpdate", "(Ljava/lang/String;[I)I", StatementExecuteAdvice.of(SQL_UPDATE)),
            Hook.onSubtypes("jdbc", "any", STATEMENT, "executeUpdate", "(Ljava/lang/String;[Ljava/lang/String;)I", StatementExecuteAdvice.of(SQL_UPDATE)),
            Hook.onSubtypes("jdbc", "any", STATEMENT, "executeUpdate", "()I", StatementExecuteAdvice.of(SQL_UPDATE)),
            Hook.onSubtypes("jdbc", "any", STATEMENT, "executeLargeUpdate", "(Ljava/lang/String;)J", StatementExecuteAdvice.of(SQL_UPDATE)),
            Hook.onSubtypes("jdbc", "any", STATEMENT, "executeLargeUpdate", "(Ljava/lang/String;I)J", StatementExecuteAdvice.of(SQL_UPDATE)),
            Hook.onSubtypes("jdbc", "any", STATEMENT, "executeLargeUpdate", "(Ljava/lang/String;[I)J", StatementExecuteAdvice.of(SQL_UPDATE)),
            Hook.onSubtypes("jdbc", "any", STATEMENT, "executeLargeUpdate", "(Ljava/lang/String;[Ljava/lang/String;)J", StatementExecuteAdvice.of(SQL_UPDATE)),
            Hook.onSubtypes("jdbc", "any", STATEMENT, "executeLargeUpdate", "()J", StatementExecuteAdvice.of(SQL_UPDATE)),
            Hook.onSubtypes("jdbc", "any", STATEMENT, "executeBatch", "()[I", StatementExecuteAdvice.of(SQL_BATCH)),
            Hook.onSubtypes("jdbc", "any", STATEMENT, "executeLargeBatch", "()[J", StatementExecuteAdvice.of(SQL_BATCH)),
            Hook.onSubtypes("jdbc", "any", STATEMENT, "addBatch", "(Ljava/lang/String;)V", StatementBatchAdvice::new),
            Hook.onSubtypes("jdbc", "any", STATEMENT, "clearBatch", "()V", StatementBatchAdvice::new),

            // ---- process: ProcessBuilder (behind Runtime.exec too) ----
            Hook.on("process", "jdk", "java/lang/ProcessBuilder", "start", "([Ljava/lang/ProcessBuilder$Redirect;)Ljava/lang/Process;", ProcessStartAdvice::start),
            Hook.on("process", "jdk", "java/lang/ProcessBuilder", "startPipeline", "(Ljava/util/List;)Ljava/util/List;", ProcessStartAdvice::pipeline),

            // ---- tool: LangChain4j 1.19 (every AI-service tool call: @Tool methods, MCP and lambda executors) ----
            Hook.on("tool", "langchain4j", "dev/langchain4j/service/tool/ToolService", "executeWithErrorHandling",
                    "(Ldev/langchain4j/agent/tool/ToolExecutionRequest;Ldev/langchain4j/service/tool/ToolExecutor;"
                            + "Ldev/langchain4j/invocation/InvocationContext;Ldev/langchain4j/service/tool/ToolArgumentsErrorHandler;"
                            + "Ldev/langchain4j/service/tool/ToolExecutionErrorHandler;)Ldev/langchain4j/service/tool/ToolExecutionResult;",
                    ToolCallAdvice.of(Bridge.TOOL_LANGCHAIN4J, 0, 1, 2)),
            // ---- session: a LangChain4j AI-service invocation (chat memory id) ----
            Hook.on("session", "langchain4j", "dev/langchain4j/service/DefaultAiServices$1", "invoke",
                    "(Ljava/lang/reflect/Method;[Ljava/lang/Object;Ldev/langchain4j/invocation/InvocationContext;)Ljava/lang/Object;",
                    ScopeAdvice.of(Bridge.SCOPE_LANGCHAIN4J_SERVICE, 2)),
            // ---- model traffic (parent: model): LangChain4j OpenAI chat models ----
            Hook.on("model", "langchain4j", "dev/langchain4j/model/openai/OpenAiChatModel", "doChat",
                    "(Ldev/langchain4j/model/chat/request/ChatRequest;)Ldev/langchain4j/model/chat/response/ChatResponse;",
                    ScopeAdvice.of(Bridge.SCOPE_MODEL, -2)),
            Hook.on("model", "langchain4j", "dev/langchain4j/model/openai/OpenAiStreamingChatModel", "doChat",
                    "(Ldev/langchain4j/model/chat/request/ChatRequest;Ldev/langchain4j/model/chat/response/StreamingChatResponseHandler;)V",
                    ScopeAdvice.of(Bridge.SCOPE_MODEL, -2)),

            // ---- tool: Spring AI 2.0 callbacks (the tool-calling manager always calls the 2-argument form) ----
            Hook.on("tool", "spring-ai", "org/springframework/ai/tool/method/MethodToolCallback", "call", SPRING_CALL, ToolCallAdvice.of(Bridge.TOOL_SPRING_AI, -2, 0, 1)),
            Hook.on("tool", "spring-ai", "org/springframework/ai/tool/function/FunctionToolCallback", "call", SPRING_CALL, ToolCallAdvice.of(Bridge.TOOL_SPRING_AI, -2, 0, 1)),
            Hook.on("tool", "spring-ai", "org/springframework/ai/mcp/SyncMcpToolCallback", "call", SPRING_CALL, ToolCallAdvice.of(Bridge.TOOL_SPRING_AI, -2, 0, 1)),
            Hook.on("tool", "spring-ai", "org/springframework/ai/mcp/AsyncMcpToolCallback", "call", SPRING_CALL, ToolCallAdvice.of(Bridge.TOOL_SPRING_AI, -2, 0, 1)),
            // ---- session: a Spring AI ChatClient call (conversation id) ----
            Hook.on("session", "spring-ai", "org/springframework/ai/chat/client/DefaultChatClient$DefaultCallResponseSpec", "doGetObservableChatClientResponse",
                    "(Lorg/springframework/ai/chat/client/ChatClientRequest;Lorg/springframework/ai/chat/client/advisor/api/BaseAdvisorChain;)"
                            + "Lorg/springframework/ai/chat/client/ChatClientResponse;",
                    ScopeAdvice.of(Bridge.SCOPE_SPRING_AI_CALL, 0)),
            // ---- model traffic (parent: model): Spring AI's OpenAI chat model ----
            Hook.on("model", "spring-ai", "org/springframework/ai/openai/OpenAiChatModel", "call",
                    "(Lorg/springframework/ai/chat/prompt/Prompt;)Lorg/springframework/ai/chat/model/ChatResponse;", ScopeAdvice.of(Bridge.SCOPE_MODEL, -2)),

            // ---- tool: MCP Java SDK client (McpSyncClient delegates to it); a denial is Mono.just(error CallToolResult) ----
            Hook.on("tool", "mcp", "io/modelcontextprotocol/client/McpAsyncClient", "callTool",
                    "(Lio/modelcontextprotocol/spec/McpSchema$CallToolRequest;)Lreactor/core/publisher/Mono;", ToolCallAdvice.of(Bridge.TOOL_MCP_CLIENT, -2, 0, -1)),
            // ---- tool: MCP Java SDK server: every tool specification's handler governed (sync ones are converted to async) ----
            Hook.on("tool", "mcp-server", "io/modelcontextprotocol/server/McpServerFeatures$AsyncToolSpecification", "<init>",
                    "(Lio/modelcontextprotocol/spec/McpSchema$Tool;Ljava/util/function/BiFunction;)V", HandlerWrapAdvice::new),

            // ---- tool: methods annotated @Tool (LangChain4j, Spring AI) called outside their framework's executor ----
            Hook.onAnnotated("tool", "annotated", dev.warden.agent.tool.AnnotatedToolAdvice.LANGCHAIN4J_TOOL, dev.warden.agent.tool.AnnotatedToolAdvice.FACTORY),
            Hook.onAnnotated("tool", "annotated", dev.warden.agent.tool.AnnotatedToolAdvice.SPRING_AI_TOOL, dev.warden.agent.tool.AnnotatedToolAdvice.FACTORY),

            // ---- principal: the inbound request's principal header (config principal.header), while the request is served ----
            Hook.on("principal", "servlet", "jakarta/servlet/http/HttpServlet", "service",
                    "(Ljakarta/servlet/ServletRequest;Ljakarta/servlet/ServletResponse;)V", PrincipalAdvice::new),
            Hook.on("principal", "servlet", "javax/servlet/http/HttpServlet", "service",
                    "(Ljavax/servlet/ServletRequest;Ljavax/servlet/ServletResponse;)V", PrincipalAdvice::new),
            Hook.on("principal", "jdk-httpserver", "com/sun/net/httpserver/Filter$Chain", "doFilter",
                    "(Lcom/sun/net/httpserver/HttpExchange;)V", PrincipalAdvice::new),
            // filters run before the servlet: every FilterChain hop (the container's own chain and a filter's) is an entry
            Hook.onSubtypes("principal", "servlet", "jakarta/servlet/FilterChain", "doFilter",
                    "(Ljakarta/servlet/ServletRequest;Ljakarta/servlet/ServletResponse;)V", PrincipalAdvice::new),
            Hook.onSubtypes("principal", "servlet", "javax/servlet/FilterChain", "doFilter",
                    "(Ljavax/servlet/ServletRequest;Ljavax/servlet/ServletResponse;)V", PrincipalAdvice::new),
            // asynchronous requests: the task handed to AsyncContext.start is submitted work like an executor's (principal, session)
            Hook.onSubtypes("principal", "servlet", "jakarta/servlet/AsyncContext", "start", "(Ljava/lang/Runnable;)V", ExecuteAdvice::new),
            Hook.onSubtypes("principal", "servlet", "javax/servlet/AsyncContext", "start", "(Ljava/lang/Runnable;)V", ExecuteAdvice::new),

            // ---- session propagation: executors (and CompletableFuture async stages), threads, virtual threads ----
            Hook.on("session", "jdk", "java/util/concurrent/ThreadPoolExecutor", "execute", "(Ljava/lang/Runnable;)V", ExecuteAdvice::new),
            // a pool's worker started outside execute (prestartCoreThread, setCorePoolSize, a scheduled pool's first task) never takes on its starter's context
            Hook.on("session", "jdk", "java/util/concurrent/ThreadPoolExecutor", "addWorker", "(Ljava/lang/Runnable;Z)Z", ExecuteAdvice::new),
            Hook.on("session", "jdk", "java/util/concurrent/ForkJoinPool", "execute", "(Ljava/lang/Runnable;)V", ExecuteAdvice::new),
            Hook.on("session", "jdk", "java/util/concurrent/ForkJoinPool", "submit", "(Ljava/lang/Runnable;)Ljava/util/concurrent/ForkJoinTask;", ExecuteAdvice::new),
            Hook.on("session", "jdk", "java/util/concurrent/ForkJoinPool", "submit",
                    "(Ljava/lang/Runnable;Ljava/lang/Object;)Ljava/util/concurrent/ForkJoinTask;", ExecuteAdvice::new),
            Hook.on("session", "jdk", "java/util/concurrent/ForkJoinPool", "submit",
                    "(Ljava/util/concurrent/Callable;)Ljava/util/concurrent/ForkJoinTask;", ExecuteAdvice::callable),
            Hook.on("session", "jdk", STPE, "schedule", "(Ljava/lang/Runnable;JLjava/util/concurrent/TimeUnit;)Ljava/util/concurrent/ScheduledFuture;", ExecuteAdvice::new),
            Hook.on("session", "jdk", STPE, "schedule",
                    "(Ljava/util/concurrent/Callable;JLjava/util/concurrent/TimeUnit;)Ljava/util/concurrent/ScheduledFuture;", ExecuteAdvice::callable),
            Hook.on("session", "jdk", STPE, "scheduleAtFixedRate",
                    "(Ljava/lang/Runnable;JJLjava/util/concurrent/TimeUnit;)Ljava/util/concurrent/ScheduledFuture;", ExecuteAdvice::new),
            Hook.on("session", "jdk", STPE, "scheduleWithFixedDelay",
                    "(Ljava/lang/Runnable;JJLjava/util/concurrent/TimeUnit;)Ljava/util/concurrent/ScheduledFuture;", ExecuteAdvice::new),
            Hook.on("session", "jdk", "java/lang/Thread", "start", "()V", ThreadAdvice::start),
            // JDK 19+: threads started into a container (thread-per-task executors, structured concurrency); pool workers' containers skipped
            Hook.on("session", "jdk", "java/lang/Thread", "start", THREAD_CONTAINER, ThreadAdvice::startInContainer),
            // application subclasses of Thread that override run() (their run never reaches Thread.run)
            Hook.onSubtypes("session", "jdk", "java/lang/Thread", "run", "()V", ThreadAdvice::run),
            Hook.on("session", "jdk", "java/lang/Thread", "run", "()V", ThreadAdvice::run),
            // every virtual thread start (start() calls it; Executors.newVirtualThreadPerTaskExecutor() calls only it)
            Hook.on("session", "jdk", "java/lang/VirtualThread", "start", THREAD_CONTAINER, ThreadAdvice::startInContainer),
            Hook.on("session", "jdk", "java/lang/VirtualThread", "run", "(Ljava/lang/Runnable;)V", ThreadAdvice::run));
}
