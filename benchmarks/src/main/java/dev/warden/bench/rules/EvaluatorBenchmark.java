package dev.warden.bench.rules;

import dev.warden.rules.Action;
import dev.warden.rules.Decision;
import dev.warden.rules.Evaluator;
import dev.warden.rules.Policy;
import dev.warden.rules.policy.PolicyParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code Evaluator.evaluate} on generated policies of 10, 1,000 and 10,000 rules (mixed kinds,
 * wildcards, sequences, limits) over 16 actions of every kind; one and two threads. Run with
 * {@code -prof gc} to see {@code gc.alloc.rate.norm} (bytes per evaluation).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EvaluatorBenchmark {
    @Param({"10", "1000", "10000"})
    public int rules;

    Evaluator evaluator;
    List<Action> actionList;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Policy p = PolicyParser.parse(PolicyGenerator.wardenYaml(rules).getBytes(StandardCharsets.UTF_8), "generated.yaml");
        evaluator = new Evaluator(p);
        actionList = PolicyGenerator.actions(rules);
    }

    /** Per-thread reusable holders, as the agent keeps them. */
    @State(Scope.Thread)
    public static class PerThread {
        final Decision decision = new Decision();
        Action[] actions;
        int i;

        @Setup(Level.Trial)
        public void setUp(EvaluatorBenchmark b) {
            actions = new Action[b.actionList.size()];
            for (int k = 0; k < actions.length; k++) {
                actions[k] = new Action().copyFrom(b.actionList.get(k));
            }
        }
    }

    @Benchmark
    public Object evaluate(PerThread t) {
        Action a = t.actions[t.i++ & 15];
        return evaluator.evaluate(a, t.decision).verdict();
    }

    @Benchmark
    @Threads(2)
    public Object evaluateTwoThreads(PerThread t) {
        Action a = t.actions[t.i++ & 15];
        return evaluator.evaluate(a, t.decision).verdict();
    }
}
