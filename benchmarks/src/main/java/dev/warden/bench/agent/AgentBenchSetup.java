package dev.warden.bench.agent;

import dev.warden.agent.approval.FixedApprovals;
import dev.warden.agent.bootstrap.Bridge;
import dev.warden.agent.evidence.EvidenceKey;
import dev.warden.agent.evidence.EvidenceLog;
import dev.warden.agent.runtime.Governor;
import dev.warden.rules.policy.PolicyParser;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The in-process setup shared by the hook-overhead benchmarks: a {@link Governor} with a
 * realistic policy and a real Chronicle evidence queue, installed behind the {@link Bridge}
 * exactly as the agent installs it, and the two calls an intercepted method makes (entry advice,
 * exit advice) for an HTTP request and a prepared SQL statement. Measuring these bridge calls
 * is measuring the hook's own time: the woven bytecode around them is a handful of loads and a
 * type check. Needs Chronicle's {@code --add-opens} (see the RESULTS.md command).
 */
final class AgentBenchSetup {
    static final String POLICY = """
            version: 1
            name: bench
            default: allow
            regions:
              eu: ["*.eu.example.com"]
            rules:
              - id: egress-allowlist
                match: { kind: http, host: { not: ["api.example.com", "*.corp.example", "*.eu.example.com"] } }
                action: deny
              - id: no-export-after-customer-read
                match: { kind: http, method: [POST, PUT], host: { not: ["*.corp.example"] } }
                after: { kind: sql, tables: customers, operation: SELECT }
                action: deny
              - id: eu-stays-in-eu
                match: { kind: http, host.region: { not: [eu] }, path: "/customers/*" }
                action: deny
              - id: no-ddl
                match: { kind: sql, operation: [DDL] }
                action: deny
                controls: ["SOX:ITGC-change"]
              - id: secrets-read-only
                match: { kind: sql, operation: [INSERT, UPDATE, DELETE, MERGE], tables: [secrets, keys] }
                action: deny
              - id: big-deletes-escalate
                match: { kind: sql, operation: DELETE, tables: orders }
                action: escalate
              - id: no-shell
                match: { kind: process, command: [sh, bash, rm, curl] }
                action: deny
            """;

    final Path dir;
    final EvidenceLog log;
    final Governor governor;

    AgentBenchSetup() throws Exception {
        dir = Files.createTempDirectory("warden-bench");
        log = EvidenceLog.open(dir, "bench", UUID.randomUUID().toString());
        governor = new Governor("bench", PolicyParser.parse(POLICY.getBytes(StandardCharsets.UTF_8), "bench.yaml"), log, null,
                EvidenceKey.loadOrCreate(dir), FixedApprovals.DENY, true, false);
        Bridge.dispatcher = governor;
    }

    /** A not-yet-connected connection: what {@code plainConnect0()} sees. */
    static HttpURLConnection connection() throws IOException {
        return (HttpURLConnection) new URL("https://api.example.com/v1/orders?customer=42&page=2").openConnection();
    }

    /** A prepared statement stand-in whose SQL the hook remembers, as {@code prepareStatement}'s exit advice does. */
    static Object preparedStatement() {
        Object statement = new Object();
        Bridge.sqlPrepared(statement, "SELECT id, total FROM orders WHERE customer_id = ? AND status = ?");
        return statement;
    }

    /** One intercepted HTTP request: plainConnect0's entry advice, then getInputStream's exit advice. */
    static void httpCall(HttpURLConnection connection) {
        Object blocked = Bridge.httpConnection(connection);
        if (blocked instanceof Throwable) {
            throw new IllegalStateException("the benchmark request is allowed by the policy", (Throwable) blocked);
        }
        Bridge.httpConnectionResponse(connection, 200);
    }

    /** One intercepted {@code executeQuery()}: entry advice and exit advice. */
    static void sqlCall(Object statement) {
        Object token = Bridge.sqlExecute(statement, null, Bridge.SQL_QUERY);
        if (token instanceof Throwable) {
            throw new IllegalStateException("the benchmark statement is allowed by the policy", (Throwable) token);
        }
        Bridge.exitValue(null, token);
    }

    /** Uninstalls the governor, closes the queue and deletes its directory (a run writes gigabytes of evidence). */
    void close() {
        Bridge.dispatcher = null;
        log.close();
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }
}
