package dev.warden.bench.agent;

import java.net.HttpURLConnection;
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
 * JMH view of one intercepted call's hook time (entry advice, evaluation, decision record,
 * exit advice, outcome record), for the mean and, with {@code -prof gc}, the allocation per call
 * ({@link HookOverhead} gives the percentiles). Run:
 * {@code java $CHRONICLE_OPENS -jar benchmarks/target/benchmarks.jar AgentHookBenchmark -prof gc}
 * (the forks get the same {@code --add-opens} through {@code -jvmArgsAppend}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
        "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class AgentHookBenchmark {
    /** The governor and its evidence queue, shared by the benchmark's threads. */
    @State(Scope.Benchmark)
    public static class Agent {
        AgentBenchSetup setup;

        @Setup(Level.Trial)
        public void start() throws Exception {
            setup = new AgentBenchSetup();
        }

        @TearDown(Level.Trial)
        public void stop() {
            setup.close();
        }
    }

    /** Each benchmark thread's connection and prepared statement. */
    @State(Scope.Thread)
    public static class Call {
        HttpURLConnection connection;
        Object statement;

        @Setup(Level.Trial)
        public void prepare(Agent agent) throws Exception {
            connection = AgentBenchSetup.connection();
            statement = AgentBenchSetup.preparedStatement();
        }
    }

    @Benchmark
    public void httpRequest(Agent agent, Call call) {
        AgentBenchSetup.httpCall(call.connection);
    }

    @Benchmark
    public void sqlQuery(Agent agent, Call call) {
        AgentBenchSetup.sqlCall(call.statement);
    }
}
