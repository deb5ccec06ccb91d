package dev.warden.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.desk.DirectToolApp;
import dev.warden.rules.evidence.EvidenceRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tools outside their framework, under the built agent: {@code @Tool} methods (LangChain4j and
 * Spring AI) called as plain methods are governed ({@code framework: annotated}, arguments by
 * parameter name, a denial is Warden's block exception and the body never runs), and the tool's
 * work handed to other threads (a {@code Thread} subclass overriding {@code run()},
 * {@code ScheduledThreadPoolExecutor} one-shot, {@code Callable} and periodic tasks,
 * {@code ForkJoinPool.submit}, {@code CompletableFuture}) carries the tool as its parent and the
 * tool's session. The framework paths (one evaluation per call, no double count) are covered by
 * {@link ToolCallsIT}'s exact decision counts.
 */
class ToolsOutsideFrameworksIT {
    static final List<String> HANDED_OFF = List.of("thread-subclass", "scheduled-runnable", "scheduled-callable", "scheduled-periodic",
            "forkjoin-runnable", "forkjoin-callable", "completable-future");

    @TempDir
    Path tmp;

    private Evidence run(AgentRun.Result[] out) throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), ToolCallsIT.POLICY);
        Path evidence = tmp.resolve("evidence");
        AgentRun run = new AgentRun()
                .agent("policy=" + policy + ",agent=direct-it,evidence=" + evidence + ",approvals=deny")
                .main(DirectToolApp.class, "jdbc:h2:mem:direct");
        run.classpath = ToolCallsIT.toolsClasspath();
        AgentRun.Result r = run.run();
        assertEquals(0, r.exit(), r::toString);
        out[0] = r;
        return Evidence.read(evidence);
    }

    @Test
    void annotatedToolsCalledAsPlainMethodsAreGoverned() throws Exception {
        AgentRun.Result[] out = new AgentRun.Result[1];
        Evidence ev = run(out);
        AgentRun.Result r = out[0];
        assertTrue(r.value("result big refund").startsWith("blocked=true Blocked by policy big-refunds-need-approval: "), r::toString);
        assertEquals("refunded 100.0", r.value("result small refund"), r::toString);
        assertTrue(r.value("result delete").startsWith("blocked=true Blocked by policy no-account-deletion: "), r::toString);
        assertFalse(r.stdout().contains("tool ran: issueRefund o1"), r::toString);
        assertFalse(r.stdout().contains("tool ran: deleteAccount"), r::toString);

        List<EvidenceRecord> tools = ev.decisions(d -> "tool".equals(d.kind));
        assertEquals(3, tools.size(), ev.dump());
        tools.forEach(d -> assertEquals("annotated", d.attributes.get("framework"), d.toString()));
        assertEquals(List.of("issueRefund", "issueRefund", "deleteAccount"), tools.stream().map(d -> d.target).toList(), ev.dump());
        assertEquals("deny", tools.get(0).decision, ev.dump());
        assertEquals("denied", tools.get(0).approvalDecision, ev.dump());
        assertEquals("allow", tools.get(1).decision, ev.dump());
        assertEquals("ok", ev.outcomeOf(tools.get(1)).outcomeStatus, ev.dump());
        assertEquals("deny", tools.get(2).decision, ev.dump());
        assertTrue(tools.get(2).rules.contains("no-account-deletion"), ev.dump());
    }

    @Test
    void aToolsWorkOnOtherThreadsCarriesItsSessionAndParent() throws Exception {
        Evidence ev = run(new AgentRun.Result[1]);
        EvidenceRecord tool = ev.decisions(d -> "tool".equals(d.kind) && "allow".equals(d.decision)).get(0);
        for (String where : HANDED_OFF) {
            List<EvidenceRecord> sql = ev.decisions(d -> "sql".equals(d.kind) && String.valueOf(d.attributes.get("statement")).contains(where.replace('-', '_')));
            assertFalse(sql.isEmpty(), "no SQL decision from " + where + ":\n" + ev.dump());
            for (EvidenceRecord d : sql) {
                assertEquals("issueRefund", d.parent, where + ": " + d);
                assertEquals(tool.session, d.session, where + ": " + d);
            }
        }
        EvidenceRecord outside = ev.decisions(d -> "sql".equals(d.kind) && String.valueOf(d.attributes.get("statement")).contains("outside_any_tool")).get(0);
        assertEquals(null, outside.parent, outside.toString());
        assertNotEquals(null, outside.session, outside.toString());
    }
}
