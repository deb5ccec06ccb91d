package dev.warden.bench.rules;

import dev.warden.rules.Action;
import dev.warden.rules.Decision;
import dev.warden.rules.Evaluator;
import dev.warden.rules.Kind;
import dev.warden.rules.Policy;
import dev.warden.rules.Verdict;
import dev.warden.rules.policy.PolicyParser;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the policy language 1.1 state checks add to one evaluation of the same tool call
 * ({@code issueRefund} with an amount and a customer, in a session): {@code stateless} matches a
 * rule on an argument threshold (the rule does not apply); the budget variants add a cumulative budget
 * on {@code args.amount} that is checked and reserved (never crossed), kept per session
 * ({@code budget}) or per agent ({@code budgetAgent}); {@code predecessor} adds a
 * {@code requires} rule whose predecessor ({@code verifyIdentity} of the same customer, bound
 * with {@code $args.customer}) was seen in the session. Each variant is measured against the same
 * baseline; the difference is the check's cost. Every call carries a new argument text (two
 * equal strings alternate), as every tool call the agent sees does: no variant is answered from
 * what the argument reader learnt about the previous call's text ({@code -p argsText=same} passes
 * one text to every call instead, as the figures before 2026-11-25 06:30 did). Three forks, so that the
 * sampled medians of one run are stable on a shared machine (benchmarks/RESULTS.md, "Language
 * 1.1 checks").
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class Language11Benchmark {
    static final String BASE = """
            version: 1.1
            name: bench
            default: allow
            rules:
              - id: huge-refunds
                match: { kind: tool, tool: issueRefund, args.amount: { gt: 1000000000 } }
                action: deny
            """;
    static final String BUDGET = BASE + """
              - id: refund-budget
                match: { kind: tool, tool: issueRefund }
                budget: { sum: args.amount, max: 1000000000000, per: 24h, scope: session }
                action: escalate
            """;
    static final String BUDGET_AGENT = BUDGET.replace("scope: session", "scope: agent");
    static final String PREDECESSOR = BASE + """
              - id: verify-first
                match: { kind: tool, tool: issueRefund }
                requires: { before: { kind: tool, tool: verifyIdentity, args.customer: $args.customer }, within: 10m }
                action: deny
            """;

    Evaluator stateless;
    Evaluator budget;
    Evaluator budgetAgent;
    Evaluator predecessor;
    final Action refund = new Action();
    final Decision decision = new Decision();
    static final String REFUND_ARGS = "{\"amount\":1,\"customer\":\"c-17\"}";
    /** Two equal argument texts, alternated: each call reads a text the previous call did not. */
    final String[] args = {new String(REFUND_ARGS), new String(REFUND_ARGS)};
    int call;
    /** {@code fresh}: a new argument text per call (the agent's case); {@code same}: one text for every call. */
    @Param({"fresh"})
    String argsText;

    int argsMask;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        argsMask = "same".equals(argsText) ? 0 : 1;
        stateless = new Evaluator(parse(BASE));
        budget = new Evaluator(parse(BUDGET));
        budgetAgent = new Evaluator(parse(BUDGET_AGENT));
        predecessor = new Evaluator(parse(PREDECESSOR));
        Action verify = new Action().reset().kind(Kind.TOOL).tool("verifyIdentity").args("{\"customer\":\"c-17\"}").agent("bench").session("s1");
        predecessor.evaluate(verify, decision);
        refund.reset().kind(Kind.TOOL).tool("issueRefund").args(args[0]).agent("bench").session("s1");
        for (Evaluator e : new Evaluator[] {stateless, budget, budgetAgent, predecessor}) {
            if (e.evaluate(refund, decision).verdict() != Verdict.ALLOW) {
                throw new IllegalStateException("the benchmark's refund must be allowed by every variant: " + decision.reason());
            }
        }
    }

    static Policy parse(String yaml) throws Exception {
        return PolicyParser.parse(yaml.getBytes(StandardCharsets.UTF_8), "bench.yaml");
    }

    @Benchmark
    public Object stateless() {
        return stateless.evaluate(nextCall(), decision).verdict();
    }

    @Benchmark
    public Object budget() {
        return budget.evaluate(nextCall(), decision).verdict();
    }

    @Benchmark
    public Object budgetAgent() {
        return budgetAgent.evaluate(nextCall(), decision).verdict();
    }

    @Benchmark
    public Object predecessor() {
        return predecessor.evaluate(nextCall(), decision).verdict();
    }

    /**
     * The refund with the other argument text than last time, timed as the agent times it: the
     * hook reads the clock once for the evidence record and hands that time to the evaluator
     * (every variant pays that read; a check that needs the time reads no clock of its own).
     */
    private Action nextCall() {
        return refund.args(args[++call & argsMask]).timeMillis(System.currentTimeMillis());
    }
}
