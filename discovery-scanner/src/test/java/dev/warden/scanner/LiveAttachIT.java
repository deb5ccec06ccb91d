package dev.warden.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.warden.agent.evidence.EvidenceQueueReader;
import dev.warden.scanner.live.LiveAttach;
import dev.warden.scanner.live.LiveEvidence;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code warden scan --attach PID --window 3s} end to end: a forked application JVM (started
 * without Warden) POSTs to an HTTP server on loopback, writes and reads an H2 table and starts a
 * process, in a loop; the built agent jar ({@code javaagent/target/warden-agent.jar}) is attached
 * to it in observe-only mode through {@link LiveAttach}, exactly as the CLI does, and the evidence
 * it writes is read back with the agent's own {@link EvidenceQueueReader}. The live inventory must
 * list the host, the table, the operations and the process it saw ({@code source: live}), and
 * the attach must never have stopped a call: no blocked decision, no failed request in the
 * application, and requests still reaching the server after the window.
 */
class LiveAttachIT {
    @TempDir
    Path work;

    static final String APP = """
            package live;

            import java.net.URI;
            import java.net.http.HttpClient;
            import java.net.http.HttpRequest;
            import java.net.http.HttpResponse;
            import java.sql.Connection;
            import java.sql.DriverManager;
            import java.sql.PreparedStatement;
            import java.sql.ResultSet;

            /** Calls the URL in args[0], writes and reads H2, starts a process, until killed; reports on stdout. */
            public class Busy {
                public static void main(String[] args) throws Exception {
                    HttpClient http = HttpClient.newHttpClient();
                    Connection c = DriverManager.getConnection("jdbc:h2:mem:busy;DB_CLOSE_DELAY=-1");
                    c.createStatement().execute("CREATE TABLE orders (id INT PRIMARY KEY, status VARCHAR(20))");
                    System.out.println("ready");
                    System.out.flush();
                    long ok = 0;
                    long failed = 0;
                    for (int i = 0; ; i++) {
                        try {
                            HttpRequest r = HttpRequest.newBuilder(URI.create(args[0] + "/refunds"))
                                    .POST(HttpRequest.BodyPublishers.ofString("order=" + i)).build();
                            int status = http.send(r, HttpResponse.BodyHandlers.ofString()).statusCode();
                            try (PreparedStatement ps = c.prepareStatement("INSERT INTO orders (id, status) VALUES (?, ?)")) {
                                ps.setInt(1, i);
                                ps.setString(2, "NEW");
                                ps.executeUpdate();
                            }
                            try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM orders WHERE status = 'NEW'")) {
                                rs.next();
                            }
                            if (i % 10 == 0) {
                                new ProcessBuilder("true").start().waitFor();
                            }
                            if (status == 200) {
                                ok++;
                            } else {
                                failed++;
                            }
                        } catch (Exception e) {
                            failed++;
                            System.out.println("error " + e);
                        }
                        System.out.println("ok " + ok + " failed " + failed);
                        System.out.flush();
                        Thread.sleep(20);
                    }
                }
            }
            """;

    @Test
    void attachingObservesHostsTablesAndProcessesAndNeverBlocks() throws Exception {
        Path agentJar = Path.of(System.getProperty("warden.agent.jar", "../javaagent/target/warden-agent.jar"));
        assertTrue(Files.isRegularFile(agentJar), () -> agentJar + " is missing: build the javaagent module first");
        List<Path> libs = TestApps.jars("langchain4j").stream().filter(p -> p.getFileName().toString().startsWith("h2-")).toList();
        Path classes = TestApps.compile(work.resolve("app"), Map.of("live/Busy.java", APP), libs);

        AtomicLong requests = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            requests.incrementAndGet();
            byte[] body = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        int port = server.getAddress().getPort();

        List<String> cp = new ArrayList<>(List.of(classes.toString()));
        libs.forEach(l -> cp.add(l.toString()));
        Process app = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", String.join(java.io.File.pathSeparator, cp), "live.Busy", "http://127.0.0.1:" + port)
                .redirectErrorStream(true).start();
        AtomicReference<String> last = new AtomicReference<>("");
        List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("ready", out.readLine());
            Thread reader = new Thread(() -> {
                try {
                    for (String line; (line = out.readLine()) != null; ) {
                        if (line.startsWith("ok ")) {
                            last.set(line);
                        } else if (line.startsWith("error ")) {
                            errors.add(line);
                        }
                    }
                } catch (java.io.IOException e) {
                    // the application was stopped
                }
            }, "app-output");
            reader.setDaemon(true);
            reader.start();

            Inventory inv = new Inventory();
            Path scan = work.resolve("scan");
            new LiveAttach(agentJar, EvidenceQueueReader::readAll).observe(String.valueOf(app.pid()), Duration.ofSeconds(3), scan, inv);

            // what the agent recorded, by kind and decision, shown when an assertion fails
            Map<String, Integer> recorded = new java.util.TreeMap<>();
            EvidenceQueueReader.readAll(scan.resolve("evidence"), r -> recorded.merge(r.type.label + " " + r.kind + " " + r.decision, 1, Integer::sum));
            String seen = "evidence " + recorded + ", application " + last.get() + " " + errors;

            assertEquals(List.of("pid:" + app.pid()), inv.inputs.stream().map(i -> i.path).toList());
            assertEquals("live", inv.inputs.get(0).kind);
            assertEquals(3000L, inv.stats.windowMillis);
            assertTrue(inv.stats.records > 0);
            assertEquals(0L, inv.stats.blocked, "observe-only: nothing may be blocked");

            Inventory.Host host = Inventory.find(inv.hosts, "host:127.0.0.1");
            assertNotNull(host, () -> "hosts: " + inv.hosts.stream().map(h -> h.id).toList() + "; " + seen);
            assertEquals(Inventory.LIVE, host.source);
            assertEquals(List.of("POST"), host.methods);
            assertEquals(List.of(port), host.ports);
            assertEquals(List.of("http"), host.schemes);
            assertEquals(List.of("jdk"), host.clients);
            assertEquals(List.of("http://127.0.0.1:" + port + "/refunds"), host.urls);
            assertEquals(Boolean.FALSE, host.external);
            assertTrue(host.count > 0 && host.firstSeen != null && host.lastSeen.compareTo(host.firstSeen) >= 0);
            assertEquals(List.of("host:127.0.0.1"), inv.hosts.stream().map(h -> h.id).toList());

            Inventory.Table orders = Inventory.find(inv.tables, "table:orders");
            assertNotNull(orders, () -> "tables: " + inv.tables.stream().map(t -> t.id).toList() + "; " + seen);
            assertEquals(Inventory.LIVE, orders.source);
            assertEquals(List.of("INSERT", "SELECT"), orders.operations.stream().sorted().toList());
            assertTrue(orders.statements.contains("INSERT INTO orders (id, status) VALUES (?, ?)"), () -> orders.statements.toString());
            assertEquals(List.of("table:orders"), inv.tables.stream().map(t -> t.id).toList());

            Inventory.ProcessCommand process = Inventory.find(inv.processes, "process:true");
            assertNotNull(process, () -> "processes: " + inv.processes.stream().map(p -> p.id).toList() + "; " + seen);
            assertEquals(Inventory.LIVE, process.source);

            // the same evidence merged into a static scan of the application: the SQL its code holds is confirmed
            Inventory both = new StaticScanner().scan(List.of(classes));
            assertEquals(Inventory.STATIC, Inventory.find(both.tables, "table:orders").source);
            LiveEvidence live = new LiveEvidence(both);
            EvidenceQueueReader.readAll(scan.resolve("evidence"), live::accept);
            assertEquals(Inventory.BOTH, Inventory.find(both.tables, "table:orders").source);
            assertEquals(Inventory.LIVE, Inventory.find(both.hosts, "host:127.0.0.1").source);

            // the application went on unhindered through and after the window
            long before = requests.get();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (requests.get() < before + 5 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(requests.get() >= before + 5, "the application stopped making requests after the attach");
            assertTrue(last.get().endsWith(" failed 0"), () -> "the application saw failures: " + last.get() + " " + errors);
            assertEquals(List.of(), errors);
        } finally {
            app.destroyForcibly().waitFor();
            server.stop(0);
        }
    }
}
