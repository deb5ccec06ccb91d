package dev.warden.bench.tool;

import dev.warden.agent.approval.FixedApprovals;
import dev.warden.agent.bootstrap.Bridge;
import dev.warden.agent.evidence.EvidenceKey;
import dev.warden.agent.evidence.EvidenceLog;
import dev.warden.agent.runtime.Governor;
import dev.warden.agent.runtime.ThreadState;
import dev.warden.agent.tool.ToolGovernor;
import dev.warden.rules.policy.PolicyParser;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The median (and p99) a governed tool call adds over the tool's own cost: each call timed
 * individually into an HdrHistogram, once for the bare tool body and once for the same body
 * between the bridge calls the woven code makes ({@code Bridge.toolCall} at entry: arguments
 * read, action built, policy evaluated, decision appended to a real Chronicle evidence queue;
 * {@code Bridge.toolExit} at exit: context restored, outcome appended). The difference of the
 * medians is the budgeted figure (issue 4: ≤ 2 µs). Shapes: a Spring AI callback (allowed;
 * denied: the refusal text is the result), a LangChain4j-shaped request (allowed), and a custom
 * or annotated tool ({@code Object[]} arguments encoded to JSON; allowed), and the Spring AI allowed
 * call once more without the arguments' HMAC digest (its share of the cost). Also the bytes
 * allocated per call (the thread's allocation counter over the measured calls). Single thread;
 * calls paced about 20 µs apart (a tool call is never back to back with the next in an agent).
 *
 * <p>Run (from the repository root, {@code OPENS} as in {@link ToolBench}'s fork arguments):
 * {@code java $OPENS -cp benchmarks/target/benchmarks.jar dev.warden.bench.tool.ToolCallOverhead [calls]}.
 */
public final class ToolCallOverhead {
    /** What a tool body costs here: a little string work the JIT cannot remove. */
    static volatile int sink;

    static String body(String args) {
        int h = 0;
        for (int i = 0; i < args.length(); i++) {
            h = 31 * h + args.charAt(i);
        }
        sink = h;
        return "refunded";
    }

    /** LangChain4j's {@code ToolExecutionRequest} as the hook reads it. */
    public static final class Request {
        private final String name;
        private final String arguments;

        Request(String name, String arguments) {
            this.name = name;
            this.arguments = arguments;
        }

        public String name() {
            return name;
        }

        public String arguments() {
            return arguments;
        }

        public String id() {
            return "call-1";
        }
    }

    /** LangChain4j's {@code ToolExecutionResult} as the exit reads it. */
    public static final class Result {
        public boolean isError() {
            return false;
        }
    }

    public static void main(String[] a) throws Exception {
        int calls = a.length > 0 ? Integer.parseInt(a[0]) : 200_000;
        Path dir = Files.createTempDirectory("warden-tool-overhead");
        EvidenceLog log = EvidenceLog.open(dir, "bench", UUID.randomUUID().toString());
        try {
            Governor g = new Governor("bench", PolicyParser.parse(ToolBench.POLICY.getBytes(StandardCharsets.UTF_8), "bench.yaml"), log, null,
                    EvidenceKey.loadOrCreate(dir), FixedApprovals.DENY, true, false);
            Bridge.dispatcher = g;
            Bridge.tools = new ToolGovernor(g);
            ThreadState ts = Governor.state();
            ts.session = "conversation-7";
            ts.sessionSource = "spring-ai-conversation-id";

            String args = "{\"orderId\":\"o-1842\",\"amount\":120.5}";
            ToolBench.Callback refund = new ToolBench.Callback("issueRefund");
            ToolBench.Callback delete = new ToolBench.Callback("deleteAccount");
            Request request = new Request("issueRefund", args);
            Result result = new Result();
            Object[] customArgs = {"o-1842", 120.5};
            String customSpec = "issueRefund\0orderId,amount";

            System.out.printf("%-34s %9s %9s %9s %9s %12s%n", "call", "p50 ns", "p99 ns", "p99.9 ns", "+p50 ns", "alloc B/call");
            for (int round = 0; round < 2; round++) {
                boolean report = round == 1;
                long[] bare = measure("bare tool body", calls, report, 0, () -> body(args));
                measure("spring-ai allowed", calls, report, bare[0], () -> {
                    Object token = Bridge.toolCall(Bridge.TOOL_SPRING_AI, refund, args, null);
                    String v = body(args);
                    Bridge.toolExit(v, token);
                });
                measure("spring-ai denied", calls, report, bare[0], () -> Bridge.toolCall(Bridge.TOOL_SPRING_AI, delete, args, null));
                measure("langchain4j allowed", calls, report, bare[0], () -> {
                    Object token = Bridge.toolCall(Bridge.TOOL_LANGCHAIN4J, request, null, null);
                    body(args);
                    Bridge.toolExit(result, token);
                });
                measure("custom/annotated allowed", calls, report, bare[0], () -> {
                    Object token = Bridge.toolCall(Bridge.TOOL_CUSTOM, null, customArgs, customSpec);
                    String v = body(args);
                    Bridge.toolExit(v, token);
                });
            }
            // the same allowed call without the arguments' HMAC (an agent started without an evidence key): the digest's share
            Governor noKey = new Governor("bench", PolicyParser.parse(ToolBench.POLICY.getBytes(StandardCharsets.UTF_8), "bench.yaml"), log, null,
                    null, FixedApprovals.DENY, true, false);
            Bridge.dispatcher = noKey;
            Bridge.tools = new ToolGovernor(noKey);
            long[] bare = measure("bare tool body", calls, false, 0, () -> body(args));
            measure("spring-ai allowed, no args digest", calls, true, bare[0], () -> {
                Object token = Bridge.toolCall(Bridge.TOOL_SPRING_AI, refund, args, null);
                String v = body(args);
                Bridge.toolExit(v, token);
            });
            System.out.println("evidence records written: " + log.nextSeq());
        } finally {
            log.close();
        }
    }

    /** Times {@code calls} runs of {@code call}; returns {p50}. */
    static long[] measure(String label, int calls, boolean report, long bareMedian, Runnable call) {
        Histogram h = new Histogram(10_000_000_000L, 3);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocBefore = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < calls; i++) {
            long t0 = System.nanoTime();
            call.run();
            h.recordValue(System.nanoTime() - t0);
            LockSupport.parkNanos(20_000);
        }
        long alloc = (mx.getCurrentThreadAllocatedBytes() - allocBefore) / calls;
        long p50 = h.getValueAtPercentile(50);
        if (report) {
            System.out.printf("%-34s %9d %9d %9d %9s %12d%n", label, p50, h.getValueAtPercentile(99), h.getValueAtPercentile(99.9),
                    bareMedian == 0 ? "-" : "+" + (p50 - bareMedian), alloc);
        }
        return new long[] {p50};
    }
}
