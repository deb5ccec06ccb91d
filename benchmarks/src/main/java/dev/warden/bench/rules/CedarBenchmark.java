package dev.warden.bench.rules;

import com.cedarpolicy.model.AuthorizationRequest;
import dev.warden.rules.Action;
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
import org.openjdk.jmh.annotations.Warmup;

/** Cedar deciding the same 16 actions against the equivalent policy (see {@link PolicyGenerator#cedar}). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class CedarBenchmark {
    @Param({"10", "1000", "10000"})
    public int rules;

    CedarEquivalent cedar;
    AuthorizationRequest[] requests;
    int i;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        cedar = new CedarEquivalent(rules);
        List<Action> actions = PolicyGenerator.actions(rules);
        requests = new AuthorizationRequest[actions.size()];
        for (int k = 0; k < requests.length; k++) {
            requests[k] = CedarEquivalent.request(actions.get(k));
        }
    }

    @Benchmark
    public boolean isAuthorized() throws Exception {
        return cedar.isAllowed(requests[i++ & 15]);
    }
}
