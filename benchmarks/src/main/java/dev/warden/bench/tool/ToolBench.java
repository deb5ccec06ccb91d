package dev.warden.bench.tool;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.agent.approval.FixedApprovals;
import dev.warden.agent.bootstrap.Bridge;
import dev.warden.agent.evidence.EvidenceKey;
import dev.warden.agent.evidence.EvidenceLog;
import dev.warden.agent.principal.PrincipalSource;
import dev.warden.agent.runtime.Governor;
import dev.warden.agent.runtime.ThreadState;
import dev.warden.agent.tool.ToolGovernor;
import dev.warden.rules.policy.PolicyParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Tool-call hook cost and session propagation cost, in-process, through the same bridge calls the
 * woven code makes: {@code toolCall} = entry ({@code Bridge.toolCall}: arguments read, action
 * built, policy evaluated, decision appended to the Chronicle evidence queue) + exit
 * ({@code Bridge.toolExit}: context restored, outcome appended), for an allowed and a denied
 * Spring AI-shaped callback (the cheapest reflective reads; LangChain4j reads one more accessor);
 * {@code submitInSession}/{@code submitOutside} = {@code Bridge.wrapTask} as
 * {@code ThreadPoolExecutor.execute} calls it, inside an agent session (allocates the wrapper
 * and the captured context) and outside one (neither session nor principal: the task itself,
 * nothing allocated), and {@code submitWithPrincipal} outside a session on a thread serving a
 * request whose principal header is {@code alice} (wrapped to carry the principal); a principal
 * source ({@code principal: { header: X-User-Id }}) is configured for all three;
 * {@code runWrapped} = running a wrapped task (context applied and restored around it). Single
 * thread, average time.
 *
 * <p>Run: {@code java $CHRONICLE_OPENS -cp benchmarks/target/benchmarks.jar org.openjdk.jmh.Main ToolBench}.
 * Budgets (issue 4): tool call median ≤ 2 µs over the tool's own cost; propagation ≤ 100 ns per submission.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class ToolBench {
    static final String POLICY = """
            version: 1
            name: tool-bench
            default: allow
            rules:
              - id: big-refunds-need-approval
                match: { kind: tool, tool: issueRefund, args.amount: { gt: 500 } }
                action: escalate
                approval: { timeout: 2m, on_timeout: deny }
              - id: no-account-deletion
                match: { kind: tool, tool: deleteAccount }
                action: deny
              - id: egress-allowlist
                match: { kind: http, parent: { not: model }, host: { not: ["*.corp.example"] } }
                action: deny
            """;

    /** What Spring AI's ToolCallback exposes to the hook: {@code getToolDefinition().name()}. */
    public static final class Definition {
        private final String name;

        Definition(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }
    }

    public static final class Callback {
        private final Definition definition;

        Callback(String name) {
            this.definition = new Definition(name);
        }

        public Definition getToolDefinition() {
            return definition;
        }
    }

    Path dir;
    EvidenceLog log;
    final Callback refund = new Callback("issueRefund");
    final Callback delete = new Callback("deleteAccount");
    final String args = "{\"orderId\":\"o-1842\",\"amount\":120.5}";
    final Runnable task = () -> { };
    Runnable wrapped;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("warden-tool-bench");
        log = EvidenceLog.open(dir, "bench", UUID.randomUUID().toString());
        Governor g = new Governor("bench", PolicyParser.parse(POLICY.getBytes(StandardCharsets.UTF_8), "bench.yaml"), log, null,
                EvidenceKey.loadOrCreate(dir), FixedApprovals.DENY, true, false);
        g.principals = PrincipalSource.fromConfig(Map.of("principal", new ObjectMapper().readTree("{\"header\": \"X-User-Id\"}")));
        Bridge.dispatcher = g;
        Bridge.tools = new ToolGovernor(g);
        ThreadState ts = Governor.state();
        ts.session = "conversation-7";
        ts.sessionSource = "spring-ai-conversation-id";
        wrapped = Bridge.wrapTask(task);
        Bridge.submitted();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        log.close();
    }

    @Benchmark
    public Object toolCallAllowed() {
        Object token = Bridge.toolCall(Bridge.TOOL_SPRING_AI, refund, args, null);
        Bridge.toolExit("refunded", token);
        return token;
    }

    @Benchmark
    public Object toolCallDenied() {
        return Bridge.toolCall(Bridge.TOOL_SPRING_AI, delete, args, null);
    }

    @Benchmark
    public Runnable submitInSession() {
        Runnable r = Bridge.wrapTask(task);
        Bridge.submitted();
        return r;
    }

    @Benchmark
    public Runnable submitOutside() {
        ThreadState ts = Governor.state();
        String s = ts.session;
        ts.session = null;
        Runnable r = Bridge.wrapTask(task);
        Bridge.submitted();
        ts.session = s;
        return r;
    }

    /** The benchmark thread serving a request as alice, outside any agent session (after {@link ToolBench#setUp}). */
    @State(Scope.Thread)
    public static class Serving {
        @Setup(Level.Trial)
        public void enter(ToolBench bench) {
            ThreadState ts = Governor.state();
            ts.session = null;
            ts.sessionSource = null;
            PrincipalSource.carry("alice"); // what the woven HttpServlet.service entry leaves on the thread
        }

        @TearDown(Level.Trial)
        public void exit() {
            PrincipalSource.carry(null);
        }
    }

    @Benchmark
    public Runnable submitWithPrincipal(Serving serving) {
        Runnable r = Bridge.wrapTask(task);
        Bridge.submitted();
        return r;
    }

    @Benchmark
    public void runWrapped() {
        wrapped.run();
    }
}
