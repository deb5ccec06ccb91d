package dev.warden.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scans real framework jars from Maven Central (LangChain4j 1.19.0, Spring AI 2.0.1, MCP Java SDK
 * 2.1.0, H2, SQLite, OkHttp) with small agent applications compiled against them, packaged as a
 * Spring Boot fat jar, a WAR and a plain directory, and asserts exactly what is found.
 */
class StaticScanTest {
    @TempDir
    static Path work;

    static Inventory support;
    static Inventory ops;
    static Path supportClasses;

    @BeforeAll
    static void scanTheApps() throws Exception {
        List<Path> lc = TestApps.jars("langchain4j");
        supportClasses = TestApps.compile(work.resolve("support"), TestApps.SUPPORT_APP, lc);
        Path fat = TestApps.fatJar(work.resolve("support.jar"), supportClasses, lc, Map.of());
        support = new StaticScanner().scan(List.of(fat));

        List<Path> sp = TestApps.jars("spring-ai-mcp");
        Path opsClasses = TestApps.compile(work.resolve("ops"), TestApps.OPS_APP, sp);
        Path war = TestApps.war(work.resolve("ops.war"), opsClasses, sp, TestApps.OPS_RESOURCES);
        ops = new StaticScanner().scan(List.of(war));
    }

    private static TreeSet<String> ids(List<? extends Inventory.Item> items) {
        return items.stream().map(i -> i.id).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Map<String, String> edges(Inventory inv, String fromPrefix) {
        Map<String, String> out = new TreeMap<>();
        for (Inventory.Edge e : inv.edges) {
            if (e.from.startsWith(fromPrefix)) {
                out.put(e.from + " -> " + e.to, String.join(",", e.operations));
            }
        }
        return out;
    }

    @Test
    void fatJarFrameworksAndLibrariesCarryTheirVersions() {
        assertEquals("fat-jar", support.inputs.get(0).kind);
        assertEquals(9, support.inputs.get(0).nestedArchives);
        assertEquals(8, support.stats.applicationClasses);
        assertEquals(List.of("framework:langchain4j"), support.frameworks.stream().map(f -> f.id).toList());
        Inventory.Framework lc = support.frameworks.get(0);
        assertEquals("1.19.0", lc.version);
        assertEquals("tools", lc.governed);
        Map<String, String> libs = support.libraries.stream().collect(Collectors.toMap(l -> l.id, l -> l.category + " " + l.version, (a, b) -> a, TreeMap::new));
        assertEquals(Map.of("library:h2", "jdbc-driver 2.3.232", "library:okhttp", "http-client 4.12.0",
                "library:langchain4j-http-jdk", "http-client 1.19.0"), libs);
        assertEquals(List.of("org.h2.Driver"), Inventory.find(support.libraries, "library:h2").driverClasses);
        assertTrue(support.problems.isEmpty(), () -> "problems: " + support.problems.stream().map(p -> p.location + ": " + p.problem).toList());
    }

    @Test
    void langchain4jToolsAreFoundWithNamesDescriptionsAndParameters() {
        // WebSearchTool and other @Tool classes inside langchain4j's own jars are not used by the app: not reported
        assertEquals(new TreeSet<>(List.of("tool:langchain4j:archiveOrders", "tool:langchain4j:getWeather", "tool:langchain4j:issueRefund",
                "tool:langchain4j:lookupCustomer", "tool:langchain4j:reconcile")), ids(support.tools));
        Inventory.Tool refund = support.tool("tool:langchain4j:issueRefund");
        assertEquals("Issue a refund for an order", refund.description);
        assertEquals("com.acme.support.RefundTools", refund.className);
        assertEquals("annotation", refund.declaredBy);
        assertEquals(List.of("orderId string java.lang.String the order id", "amount number double amount in EUR"),
                refund.parameters.stream().map(p -> p.name + " " + p.type + " " + p.javaType + " " + p.description).toList());
        Inventory.Tool lookup = support.tool("tool:langchain4j:lookupCustomer");
        assertEquals("findCustomer", lookup.method);
        Inventory.Tool weather = support.tool("tool:langchain4j:getWeather");
        assertEquals("tool-executor", weather.declaredBy);
        assertEquals("Weather forecast for a city", weather.description);
        assertEquals("com.acme.support.WeatherExecutor", weather.className);
    }

    @Test
    void theAiServiceIsAnAgentWithTheToolsItIsBuiltWith() {
        assertEquals(List.of("agent:langchain4j:com.acme.support.SupportAgent"), support.agents.stream().map(a -> a.id).toList());
        Inventory.Agent a = support.agents.get(0);
        assertEquals("ai-service", a.kind);
        assertEquals(new TreeSet<>(List.of("tool:langchain4j:archiveOrders", "tool:langchain4j:getWeather", "tool:langchain4j:issueRefund",
                "tool:langchain4j:lookupCustomer", "tool:langchain4j:reconcile")), new TreeSet<>(a.tools));
        assertEquals(null, a.inferred);
    }

    @Test
    void systemsReachedAreExact() {
        assertEquals(new TreeSet<>(List.of("host:api.stripe.com", "host:api.weather.example.org", "host:llm.internal.example")), ids(support.hosts));
        assertEquals(Boolean.FALSE, Inventory.find(support.hosts, "host:llm.internal.example").external);
        assertEquals(Boolean.TRUE, Inventory.find(support.hosts, "host:api.stripe.com").external);
        assertEquals(List.of("https://api.stripe.com/v1/refunds"), Inventory.find(support.hosts, "host:api.stripe.com").urls);
        assertEquals(List.of("https://api.weather.example.org/v1/forecast?city="), Inventory.find(support.hosts, "host:api.weather.example.org").urls);
        assertEquals(List.of("jdbc:h2:mem:shop;DB_CLOSE_DELAY=-1"), support.databases.stream().map(d -> d.url).toList());
        assertEquals("shop", support.databases.get(0).database);
        assertEquals(new TreeSet<>(List.of("table:customers", "table:orders")), ids(support.tables));
        assertEquals(List.of("SELECT", "UPDATE"), Inventory.find(support.tables, "table:orders").operations.stream().sorted().toList());
        assertEquals(List.of("process:/usr/local/bin/reconcile"), support.processes.stream().map(p -> p.id).toList());
        assertEquals(List.of(List.of("--since", "yesterday")), support.processes.get(0).args);
        assertEquals(List.of("file:/var/reports/orders.csv"), support.files.stream().map(f -> f.id).toList());
    }

    @Test
    void theCallGraphTiesEachToolToWhatItReaches() {
        Map<String, String> expected = new TreeMap<>();
        expected.put("tool:langchain4j:issueRefund -> table:orders", "UPDATE");
        expected.put("tool:langchain4j:issueRefund -> host:api.stripe.com", "jdk");
        expected.put("tool:langchain4j:issueRefund -> database:jdbc:h2:mem:shop;DB_CLOSE_DELAY=-1", "");
        expected.put("tool:langchain4j:lookupCustomer -> table:orders", "SELECT");
        expected.put("tool:langchain4j:lookupCustomer -> table:customers", "SELECT");
        expected.put("tool:langchain4j:lookupCustomer -> database:jdbc:h2:mem:shop;DB_CLOSE_DELAY=-1", "");
        expected.put("tool:langchain4j:archiveOrders -> file:/var/reports/orders.csv", "");
        expected.put("tool:langchain4j:reconcile -> process:/usr/local/bin/reconcile", "");
        expected.put("tool:langchain4j:getWeather -> host:api.weather.example.org", "urlconnection");
        assertEquals(expected, edges(support, "tool:"));
        Inventory.Edge refundOrders = support.edges.stream().filter(e -> e.from.equals("tool:langchain4j:issueRefund") && e.to.equals("table:orders")).findFirst().orElseThrow();
        assertEquals(List.of("RefundTools#issueRefund", "OrderRepository#markRefunded"), refundOrders.via);
    }

    @Test
    void riskIsAnExplainedSum() {
        Inventory.Risk r = support.tool("tool:langchain4j:issueRefund").risk;
        assertEquals(List.of("writes-data", "egress", "money", "no-approval-gate"), r.reasons.stream().map(x -> x.factor).toList(),
                () -> r.reasons.stream().map(x -> x.factor + " " + x.detail).toList().toString());
        assertEquals(r.reasons.stream().mapToInt(x -> x.points).sum(), r.score);
        assertEquals("high", r.level);
        Inventory.Risk lookup = support.tool("tool:langchain4j:lookupCustomer").risk;
        assertEquals(List.of("pii", "reads-data"), lookup.reasons.stream().map(x -> x.factor).toList());
        assertEquals(100, support.agents.get(0).risk.score);
        assertEquals("critical", support.agents.get(0).risk.level);
    }

    @Test
    void springAiAndMcpToolsAgentsAndConfigurationInAWar() {
        assertEquals("war", ops.inputs.get(0).kind);
        assertEquals(Map.of("framework:mcp", "2.1.0 tools", "framework:spring-ai", "2.0.1 tools"),
                ops.frameworks.stream().collect(Collectors.toMap(f -> f.id, f -> f.version + " " + f.governed)));
        assertEquals(new TreeSet<>(List.of("tool:mcp:restartService", "tool:spring-ai:createTicket", "tool:spring-ai:deleteAccount", "tool:spring-ai:now")), ids(ops.tools));
        assertEquals("Restart a service on the host", ops.tool("tool:mcp:restartService").description);
        assertEquals(List.of("accountId"), ops.tool("tool:spring-ai:deleteAccount").parameters.stream().map(p -> p.name).toList());
        assertEquals(Map.of("agent:mcp:com.acme.ops.OpsMcpServer", List.of("tool:mcp:restartService"),
                        "agent:spring-ai:com.acme.ops.OpsAssistant", List.of("tool:spring-ai:deleteAccount", "tool:spring-ai:createTicket", "tool:spring-ai:now")),
                ops.agents.stream().collect(Collectors.toMap(a -> a.id, a -> a.tools)));
        assertEquals(new TreeSet<>(List.of("host:api.githubcopilot.com", "host:status.example.net", "host:tickets.corp.example")), ids(ops.hosts));
        assertEquals(List.of("jdbc:postgresql://db.corp.example:5432/ops?user=&password=", "jdbc:sqlite:/data/ops.db"),
                ops.databases.stream().map(d -> d.url).toList());
        assertEquals(new TreeSet<>(List.of("table:account_cache", "table:accounts")), ids(ops.tables));
        assertEquals(new TreeSet<>(List.of("process:npx", "process:systemctl")), ids(ops.processes));
        assertEquals(List.of("stdio npx", "http https://api.githubcopilot.com/mcp/"),
                ops.mcpServers.stream().sorted((a, b) -> b.transport.compareTo(a.transport)).map(m -> m.transport + " " + (m.url != null ? m.url : m.command)).toList());
        Map<String, String> expected = new TreeMap<>();
        expected.put("tool:spring-ai:deleteAccount -> database:jdbc:sqlite:/data/ops.db", "");
        expected.put("tool:spring-ai:deleteAccount -> table:accounts", "DELETE");
        expected.put("tool:spring-ai:deleteAccount -> table:account_cache", "DDL");
        expected.put("tool:spring-ai:createTicket -> host:tickets.corp.example", "jdk");
        expected.put("tool:mcp:restartService -> process:systemctl", "");
        assertEquals(expected, edges(ops, "tool:"));
        assertEquals(List.of("schema-change", "writes-data", "pii", "no-approval-gate"),
                ops.tool("tool:spring-ai:deleteAccount").risk.reasons.stream().map(r -> r.factor).toList());
    }

    @Test
    void aClassesDirectoryNeedsNoJars() {
        Inventory inv = new StaticScanner().scan(List.of(supportClasses));
        assertEquals("directory", inv.inputs.get(0).kind);
        assertEquals(ids(support.tools), ids(inv.tools));
        assertEquals(ids(support.tables), ids(inv.tables));
        // the framework is known from the application's references, its version is not
        Inventory.Framework lc = inv.frameworks.get(0);
        assertEquals("framework:langchain4j", lc.id);
        assertEquals(null, lc.version);
        assertNotNull(lc.governance);
    }

    @Test
    void theInventoryRoundTripsThroughJson() throws Exception {
        Path f = work.resolve("inventory.json");
        support.write(f);
        Inventory back = Inventory.read(f);
        assertEquals(support.toJson(), back.toJson());
    }
}
