package dev.warden.examples.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.examples.mockmodel.RecordedToolResult;
import dev.warden.examples.world.DemoWorld;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every variant of the refund agent (LangChain4j, Spring AI) must do, in process and without
 * Warden, against the demo world: every tool does what it says, so all refunds and emails go
 * through, the schema change succeeds, and the export fails only because the outside host does not
 * exist; repeated passes get sessions of their own; a model that leaves the script stops the run
 * with one line. A variant's test extends this and says how to run the agent.
 */
public abstract class RefundAgentContract {
    /** Runs the variant's agent as its {@code main} does, printing its transcript to {@code out}; returns the exit code. */
    protected abstract int run(AgentOptions options, PrintStream out);

    @Test
    public void theAgentWorksThroughEveryTicketAndTheWorldSeesEveryAction() throws Exception {
        try (DemoWorld world = DemoWorld.start(DemoWorld.refundAgentScript())) {
            String dbUrl = CustomerDatabase.privateInMemoryUrl();
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            AgentOptions options = AgentOptions.parse(new String[] {
                    "--model-url", world.model().baseUrl(), "--payments-url", world.payments().url(),
                    "--mail-url", world.mail().url(), "--db-url", dbUrl, "--session", "test-session"}, k -> null);

            int exit = run(options, new PrintStream(stdout, true, StandardCharsets.UTF_8));
            String transcript = stdout.toString(StandardCharsets.UTF_8);

            assertEquals(0, exit, transcript);
            assertEquals(List.of(), world.model().errors());
            assertTrue(world.model().finished(), "the model played all its turns");

            // payments service: the three refunds, in order
            assertEquals(List.of("C-17 120.00", "C-17 600.00", "C-42 750.00"), world.payments().entries().stream()
                    .map(r -> r.get("customer").asText() + " " + r.get("amount").decimalValue().toPlainString()).toList());
            // mail API: all five apology emails (no rate limit without Warden)
            assertEquals(List.of("alan.turing@mail.example", "katherine.johnson@mail.example", "margaret.hamilton@mail.example",
                    "hedy.lamarr@mail.example", "edsger.dijkstra@mail.example"), world.mail().entries().stream().map(m -> m.get("to").asText()).toList());

            // what the model was told, per tool
            Map<String, List<String>> seen = new java.util.LinkedHashMap<>();
            for (RecordedToolResult r : world.model().toolResults()) {
                seen.computeIfAbsent(r.toolName(), k -> new java.util.ArrayList<>()).add(r.content());
            }
            assertTrue(seen.get("lookupCustomer").get(0).contains("\"name\":\"Ada Lovelace\""), seen.toString());
            assertTrue(seen.get("lookupCustomer").get(1).contains("\"name\":\"Grace Hopper\""), seen.toString());
            assertEquals(List.of("Refund R-1001 of 120.00 EUR to C-17: issued", "Refund R-1002 of 600.00 EUR to C-17: issued",
                    "Refund R-1003 of 750.00 EUR to C-42: issued"), seen.get("issueRefund"));
            assertEquals(List.of("OK"), seen.get("runSql"));
            assertEquals(5, seen.get("sendEmail").size());
            assertTrue(seen.get("exportReport").get(0).startsWith("exportReport failed: POST https://reports.partner-analytics.example/upload: "),
                    seen.get("exportReport").toString());

            // the database: the schema change really happened
            try (Connection c = DriverManager.getConnection(dbUrl, "support", "");
                 ResultSet rs = c.getMetaData().getColumns(null, null, "CUSTOMERS", "NOTES")) {
                assertTrue(rs.next(), "runSql added customers.notes");
            }

            // the transcript: one line per ticket, call, result and reply
            assertTrue(transcript.contains("[ticket 3] tool call: issueRefund {\"customer\":\"C-17\",\"amount\":600}"), transcript);
            assertTrue(transcript.contains("[ticket 3] tool result: issueRefund -> Refund R-1002 of 600.00 EUR to C-17: issued"), transcript);
            assertTrue(transcript.contains("[ticket 7] tool error: exportReport -> exportReport failed: POST https://reports.partner-analytics.example/upload"), transcript);
            assertTrue(transcript.contains("[ticket 2] model: Refund of 120 EUR to C-17: Refund R-1001 of 120.00 EUR to C-17: issued"), transcript);
            assertTrue(transcript.endsWith("done: 7 tickets handled in session test-session" + System.lineSeparator()), transcript);
            JsonNode state = new com.fasterxml.jackson.databind.ObjectMapper().readTree(world.model().stateJson());
            assertEquals(12, state.get("tool_results").size());
        }
    }

    @Test
    public void repeatedPassesRunInSessionsOfTheirOwnAgainstALoopingModel() throws Exception {
        try (DemoWorld world = DemoWorld.start(DemoWorld.refundAgentScript(), 0, 0, 0, true)) {
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            AgentOptions options = AgentOptions.parse(new String[] {
                    "--model-url", world.model().baseUrl(), "--payments-url", world.payments().url(),
                    "--mail-url", world.mail().url(), "--repeat", "2"}, k -> null);
            int exit = run(options, new PrintStream(stdout, true, StandardCharsets.UTF_8));
            String transcript = stdout.toString(StandardCharsets.UTF_8);
            assertEquals(0, exit, transcript);
            assertTrue(transcript.contains("done: 7 tickets handled in session support-session-1" + System.lineSeparator()), transcript);
            assertTrue(transcript.endsWith("done: 7 tickets handled in session support-session-1-2" + System.lineSeparator()), transcript);
            assertEquals(6, world.payments().entries().size());
            assertEquals(10, world.mail().entries().size());
            // the second pass's schema change fails: the first one already added the column
            assertTrue(world.model().toolResults().stream().filter(r -> r.toolName().equals("runSql")).map(RecordedToolResult::content)
                    .anyMatch(c -> c.startsWith("runSql failed: Duplicate column name")), world.model().toolResults().toString());
        }
    }

    @Test
    public void aModelThatLeavesTheScriptStopsTheRunWithOneLineAndExitCode1() throws Exception {
        try (DemoWorld world = DemoWorld.start(dev.warden.examples.mockmodel.Script.builder().user("something else").text("?").build())) {
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            AgentOptions options = AgentOptions.parse(new String[] {
                    "--model-url", world.model().baseUrl(), "--payments-url", world.payments().url(), "--mail-url", world.mail().url()}, k -> null);
            int exit = run(options, new PrintStream(stdout, true, StandardCharsets.UTF_8));
            String transcript = stdout.toString(StandardCharsets.UTF_8);
            assertEquals(1, exit, transcript);
            String last = transcript.lines().reduce((a, b) -> b).orElse("");
            assertTrue(last.startsWith("[ticket 1] failed: "), transcript);
            assertTrue(last.contains("turn 1 expects the latest user message to contain"), last);
        }
    }
}
