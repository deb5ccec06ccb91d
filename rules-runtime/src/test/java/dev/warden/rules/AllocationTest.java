package dev.warden.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The evaluator's hot path allocates nothing: measured with the thread's allocation counter
 * (deterministic, not a timing). JMH's gc profiler reports the same in benchmarks/RESULTS.md.
 */
class AllocationTest {

    @Test
    void evaluationAllocatesNothingOnceWarm() throws Exception {
        Policy p = dev.warden.rules.policy.PolicyParser.parse(
                java.nio.file.Path.of(System.getProperty("user.dir")).getParent().resolve("examples/policies/refund-agent.yaml"));
        Evaluator ev = new Evaluator(p);
        Decision d = new Decision();
        Action[] actions = {
            new Action().reset().kind(Kind.HTTP).method("POST").scheme("https").host("files.partner.example").port(443).path("/u").session("s1"),
            new Action().reset().kind(Kind.HTTP).method("GET").scheme("https").host("a.b.corp.example").port(443).path("/").session("s1").parent("model"),
            new Action().reset().kind(Kind.TOOL).tool("issueRefund").args("{\"amount\": 600, \"customer\": \"C-1\"}").session("s1"),
            new Action().reset().kind(Kind.TOOL).tool("lookupCustomer").args("{\"id\": 7, \"country\": \"DE\"}").session("s1"),
            new Action().reset().kind(Kind.SQL).operation(SqlOperation.SELECT).tables("customers", "orders").session("s1"),
            new Action().reset().kind(Kind.PROCESS).command("/bin/bash").processArgs("-c", "ls").session("s1"),
            new Action().reset().kind(Kind.TOOL).tool("sendEmail").args("{}").session("s1").timeMillis(1),
        };
        for (int i = 0; i < 50_000; i++) {
            ev.evaluate(actions[i % actions.length], d);
        }
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) {
            ev.evaluate(actions[i % actions.length], d);
        }
        long after = mx.getThreadAllocatedBytes(tid);
        // the measurement itself may allocate a few bytes; 100k evaluations allocating would show megabytes
        assertEquals(0, (after - before) / 100_000, "bytes per evaluation (total " + (after - before) + ")");
    }
}
