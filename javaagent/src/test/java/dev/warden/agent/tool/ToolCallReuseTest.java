package dev.warden.agent.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.agent.approval.FixedApprovals;
import dev.warden.agent.bootstrap.Bridge;
import dev.warden.agent.evidence.EvidenceKey;
import dev.warden.agent.evidence.EvidenceLog;
import dev.warden.agent.evidence.EvidenceQueueReader;
import dev.warden.agent.runtime.Governor;
import dev.warden.agent.runtime.ThreadState;
import dev.warden.rules.evidence.EvidenceRecord;
import dev.warden.rules.policy.PolicyParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool-call hot path reuses its per-thread objects without mixing calls up: consecutive calls
 * share the thread's token, a call nested in an open call gets its own and each restores the
 * context it found, calls that are not governed (a wrapper, a denial) leave the token free, a call
 * with a budget reservation keeps its own {@code Call}, and every call still gets its own decision
 * and outcome with the arguments digest {@link EvidenceKey#digest} gives.
 */
class ToolCallReuseTest {
    static final String POLICY = """
            version: 1.1
            name: reuse
            default: allow
            rules:
              - id: no-account-deletion
                match: { kind: tool, tool: deleteAccount }
                action: deny
              - id: refund-budget
                match: { kind: tool, tool: budgetedRefund }
                budget: { sum: args.amount, max: 1000, per: 24h, scope: agent }
                action: escalate
                approval: { timeout: 2s, on_timeout: deny }
            """;

    /** What a Spring AI {@code ToolCallback} exposes to the hook. */
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

    @TempDir
    Path tmp;
    EvidenceLog log;
    EvidenceKey key;

    @AfterEach
    void close() {
        ThreadState ts = Governor.state();
        ts.session = null;
        ts.sessionSource = null;
        ts.parent = null;
        if (log != null) {
            log.close();
        }
    }

    ToolGovernor tools() throws Exception {
        log = EvidenceLog.open(tmp, "unit", "instance-" + System.nanoTime());
        key = EvidenceKey.loadOrCreate(tmp);
        Governor g = new Governor("unit", PolicyParser.parse(POLICY.getBytes(StandardCharsets.UTF_8), "unit.yaml"), log, null, key,
                FixedApprovals.ALLOW, true, false);
        return new ToolGovernor(g);
    }

    List<EvidenceRecord> records() throws InterruptedException {
        assertTrue(log.awaitWritten(10_000));
        return EvidenceQueueReader.readAllCopies(tmp);
    }

    @Test
    void consecutiveCallsShareTheTokenAndNestedOnesGetTheirOwn() throws Exception {
        ToolGovernor tools = tools();
        ThreadState ts = Governor.state();
        ts.session = "conversation-1";
        ts.sessionSource = "spring-ai-conversation-id";
        ts.parent = null;

        Object first = tools.toolCall(Bridge.TOOL_SPRING_AI, new Callback("lookupOrder"), "{\"id\":\"o1\"}", null);
        assertInstanceOf(ToolGovernor.Token.class, first);
        assertEquals("lookupOrder", ts.parent);
        // a custom tool called from the Spring AI tool's body: its own token, its own decision
        Object nested = tools.toolCall(Bridge.TOOL_CUSTOM, null, new Object[] {"o1", 120.5}, "issueRefund\0orderId,amount");
        assertInstanceOf(ToolGovernor.Token.class, nested);
        assertNotSame(first, nested);
        assertEquals("issueRefund", ts.parent);
        tools.toolExit(nested, "refunded", null);
        assertEquals("lookupOrder", ts.parent, "the nested call restores the outer tool as parent");
        tools.toolExit(first, "found", null);
        assertNull(ts.parent);
        assertEquals("conversation-1", ts.session);

        // a wrapper delegating to a governed callback and a denied call leave the thread's token free
        Object outer = tools.toolCall(Bridge.TOOL_SPRING_AI, new Callback("lookupOrder"), "{\"id\":\"o2\"}", null);
        assertSame(first, outer, "the thread's token is reused once its call ended");
        assertNull(tools.toolCall(Bridge.TOOL_SPRING_AI, new Callback("lookupOrder"), "{\"id\":\"o2\"}", null), "a wrapper is not governed again");
        tools.toolExit(outer, "found", null);
        Object denied = tools.toolCall(Bridge.TOOL_SPRING_AI, new Callback("deleteAccount"), "{\"id\":\"c1\"}", null);
        assertTrue(String.valueOf(denied).startsWith("Blocked by policy no-account-deletion: "), String.valueOf(denied));
        assertNull(ts.parent);
        Object again = tools.toolCall(Bridge.TOOL_SPRING_AI, new Callback("lookupOrder"), "{\"id\":\"o3\"}", null);
        assertSame(first, again);
        tools.toolExit(again, "found", null);

        List<EvidenceRecord> all = records();
        List<EvidenceRecord> decisions = all.stream().filter(r -> r.type == EvidenceRecord.Type.DECISION).toList();
        assertEquals(List.of("lookupOrder", "issueRefund", "lookupOrder", "deleteAccount", "lookupOrder"), decisions.stream().map(r -> r.target).toList());
        assertEquals(List.of("{\"id\":\"o1\"}", "{\"orderId\":\"o1\",\"amount\":120.5}", "{\"id\":\"o2\"}", "{\"id\":\"c1\"}", "{\"id\":\"o3\"}").stream()
                .map(a -> key.digest(key.newMac(), new String[] {a}, 1)).toList(), decisions.stream().map(r -> r.argsDigest).toList());
        assertEquals("lookupOrder", decisions.get(1).parent, decisions.get(1).toString());
        // one outcome per call that went ahead, each joined to its own decision
        for (EvidenceRecord d : decisions) {
            long outcomes = all.stream().filter(r -> r.type == EvidenceRecord.Type.OUTCOME && r.seq == d.seq).count();
            assertEquals("deny".equals(d.decision) ? 0 : 1, outcomes, d.toString());
        }
    }

    @Test
    void aCallWithABudgetReservationKeepsItsOwnCall() throws Exception {
        ToolGovernor tools = tools();
        ThreadState ts = Governor.state();
        ts.parent = null;
        Object plain = tools.toolCall(Bridge.TOOL_SPRING_AI, new Callback("lookupOrder"), "{}", null);
        Object plainCall = ((ToolGovernor.Token) plain).call;
        tools.toolExit(plain, "found", null);
        Object budgeted = tools.toolCall(Bridge.TOOL_SPRING_AI, new Callback("budgetedRefund"), "{\"amount\":100}", null);
        Object budgetedCall = ((ToolGovernor.Token) budgeted).call;
        assertNotSame(plainCall, budgetedCall, "a reserved call is referenced by its nested calls: not the thread's reusable one");
        tools.toolExit(budgeted, "refunded", null);
        Object next = tools.toolCall(Bridge.TOOL_SPRING_AI, new Callback("lookupOrder"), "{}", null);
        assertSame(plainCall, ((ToolGovernor.Token) next).call, "an unreserved call reuses the thread's Call");
        tools.toolExit(next, "found", null);
        List<EvidenceRecord> outcomes = records().stream().filter(r -> r.type == EvidenceRecord.Type.OUTCOME).toList();
        assertEquals(3, outcomes.size());
        outcomes.forEach(o -> assertEquals("ok", o.outcomeStatus, o.toString()));
    }
}
