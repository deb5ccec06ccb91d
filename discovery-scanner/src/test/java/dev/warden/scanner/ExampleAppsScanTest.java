package dev.warden.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scans the repository's own example agents exactly as they ship — the shaded jars of
 * {@code examples/refund-agent} (LangChain4j 1.19.0) and {@code examples/refund-agent-spring}
 * (Spring AI 2.0.1), built by the reactor before this module (see the test-scoped dependencies in
 * this module's pom) — and asserts exactly what a reader of the inventory sees: the five tools with
 * their parameters, the one H2 database and the one table their own code names, the tool → system
 * edges, and the destinations the code leaves to run time (the payments, mail and export URLs come
 * from the command line) reported as such, not as invented hosts. Each jar bundles some 40
 * third-party libraries (OpenNLP, networknt, StringTemplate, ...) whose URLs and file writes must
 * not appear.
 */
class ExampleAppsScanTest {
    static Inventory langchain4j;
    static Inventory spring;

    static Path shadedJar(String module, String jar) {
        Path p = Path.of(System.getProperty("warden.examples.dir", "../examples"), module, "target", jar);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " is missing: build the examples first (mvn -pl examples/" + module + " -am install -DskipTests)");
        }
        return p;
    }

    @BeforeAll
    static void scanTheExamples() {
        langchain4j = new StaticScanner().scan(List.of(shadedJar("refund-agent", "refund-agent.jar")));
        spring = new StaticScanner().scan(List.of(shadedJar("refund-agent-spring", "refund-agent-spring.jar")));
    }

    private static final String DB = "database:jdbc:h2:mem:support-*;DB_CLOSE_DELAY=-1";
    private static final String POST = "dynamic:http:dev.warden.examples.support.SupportDesk#post";
    private static final String RUN_SQL = "dynamic:sql:dev.warden.examples.support.SupportDesk#runSql";

    private static List<String> ids(List<? extends Inventory.Item> items) {
        return items.stream().map(i -> i.id).sorted().toList();
    }

    private static Map<String, String> toolParameters(Inventory inv) {
        Map<String, String> out = new TreeMap<>();
        for (Inventory.Tool t : inv.tools) {
            out.put(t.name, t.parameters.stream().map(p -> p.name + ":" + p.type + ":" + p.javaType + ":" + p.description)
                    .collect(Collectors.joining(", ")));
        }
        return out;
    }

    /** Tool → system edges as {@code tool -> to [operations] {hint}}. */
    private static List<String> toolEdges(Inventory inv, String framework) {
        List<String> out = new ArrayList<>();
        for (Inventory.Edge e : inv.edges) {
            if (e.from.startsWith("tool:")) {
                out.add(e.from.substring(("tool:" + framework + ":").length()) + " -> " + e.to + " " + e.operations
                        + (e.hint == null ? "" : " {" + e.hint + "}"));
            }
        }
        out.sort(null);
        return out;
    }

    @Test
    void bothAgentsHaveTheFiveToolsWithTheirParameters() {
        Map<String, String> expected = new TreeMap<>(Map.of(
                "lookupCustomer", "id:string:java.lang.String:the customer id, e.g. C-17",
                "issueRefund", "customer:string:java.lang.String:the customer id, amount:number:double:the amount in EUR",
                "sendEmail", "to:string:java.lang.String:recipient email address, subject:string:java.lang.String:subject line, "
                        + "body:string:java.lang.String:plain-text body",
                "runSql", "sql:string:java.lang.String:the SQL statement",
                "exportReport", "customer:string:java.lang.String:the customer id, "
                        + "destination:string:java.lang.String:the http(s) URL to upload the report to"));
        assertEquals(expected, toolParameters(langchain4j));
        assertEquals(expected, toolParameters(spring));
        assertEquals(List.of("tool:langchain4j:exportReport", "tool:langchain4j:issueRefund", "tool:langchain4j:lookupCustomer",
                "tool:langchain4j:runSql", "tool:langchain4j:sendEmail"), ids(langchain4j.tools));
        assertEquals("Issues a refund in EUR to a customer through the payments service", langchain4j.tool("tool:langchain4j:issueRefund").description);
        assertEquals("Issues a refund in EUR to a customer through the payments service", spring.tool("tool:spring-ai:issueRefund").description);
        assertEquals("dev.warden.examples.refund.RefundTools", langchain4j.tool("tool:langchain4j:runSql").className);
        assertEquals("dev.warden.examples.refund.spring.RefundTools", spring.tool("tool:spring-ai:runSql").className);
    }

    @Test
    void eachAgentIsFoundWithTheToolsItIsBuiltWith() {
        assertEquals(List.of("agent:langchain4j:dev.warden.examples.refund.SupportAgent"), ids(langchain4j.agents));
        assertEquals(ids(langchain4j.tools), langchain4j.agents.get(0).tools.stream().sorted().toList());
        assertEquals(null, langchain4j.agents.get(0).inferred);
        assertEquals(List.of("agent:spring-ai:dev.warden.examples.refund.spring.RefundAgentConfiguration"), ids(spring.agents));
        assertEquals(ids(spring.tools), spring.agents.get(0).tools.stream().sorted().toList());
        assertEquals("1.19.0", Inventory.find(langchain4j.frameworks, "framework:langchain4j").version);
        assertEquals("2.0.1", Inventory.find(spring.frameworks, "framework:spring-ai").version);
    }

    @Test
    void onlyWhatTheAgentsOwnCodeNamesIsReported() {
        for (Inventory inv : List.of(langchain4j, spring)) {
            assertEquals("fat-jar", inv.inputs.get(0).kind);
            assertEquals(List.of(), ids(inv.hosts), "the URLs come from the command line; bundled libraries' URLs are not the agent's");
            assertEquals(List.of(DB), ids(inv.databases));
            assertEquals("support-*", inv.databases.get(0).database);
            assertEquals(List.of("table:customers"), ids(inv.tables));
            assertEquals(List.of("SELECT"), inv.tables.get(0).operations);
            assertEquals(List.of("SELECT id, name, email, country, ssn, card_number FROM customers WHERE id = ?"), inv.tables.get(0).statements);
            assertEquals(List.of(), ids(inv.processes));
            assertEquals(List.of(), ids(inv.files));
            assertEquals(List.of(POST, RUN_SQL), ids(inv.dynamic));
            assertEquals(List.of("jdk"), Inventory.find(inv.dynamic, POST).clients);
            for (List<? extends Inventory.Item> items : List.of(inv.databases, inv.tables, inv.dynamic, inv.tools)) {
                for (Inventory.Item item : items) {
                    for (Inventory.Location l : item.locations) {
                        assertTrue(l.className.startsWith("dev.warden.examples."), () -> item.id + " found outside the application: " + l);
                    }
                }
            }
            // the application is the dev.warden groupId of its Main-Class, not the ~1 000 unlisted third-party classes beside it
            assertTrue(inv.stats.applicationClasses > 0 && inv.stats.applicationClasses < 30, () -> inv.stats.applicationClasses + " application classes");
        }
    }

    @Test
    void everyToolReachesExactlyWhatItsCodeReaches() {
        List<String> expected = List.of(
                "exportReport -> " + DB + " []",
                "exportReport -> " + POST + " [jdk] {URL known only at run time; the tool takes a URL argument: destination}",
                "exportReport -> table:customers [SELECT]",
                "issueRefund -> " + POST + " [jdk] {URL built at run time from SupportDesk.paymentsUrl + \"/refunds\"}",
                "lookupCustomer -> " + DB + " []",
                "lookupCustomer -> table:customers [SELECT]",
                "runSql -> " + DB + " []",
                "runSql -> " + RUN_SQL + " [] {SQL text known only at run time (any table, any operation); the tool takes SQL as an argument: sql}",
                "sendEmail -> " + POST + " [jdk] {URL built at run time from SupportDesk.mailUrl + \"/messages\"}");
        assertEquals(expected, toolEdges(langchain4j, "langchain4j"));
        assertEquals(expected, toolEdges(spring, "spring-ai"));
        Inventory.Edge lookup = langchain4j.edges.stream()
                .filter(e -> e.from.equals("tool:langchain4j:lookupCustomer") && e.to.equals("table:customers")).findFirst().orElseThrow();
        assertEquals(List.of("RefundTools#lookupCustomer", "SupportDesk#lookupCustomer", "SupportDesk#readCustomer"), lookup.via);
        Inventory.Edge db = spring.edges.stream()
                .filter(e -> e.from.equals("tool:spring-ai:runSql") && e.to.equals(DB)).findFirst().orElseThrow();
        assertEquals(List.of("RefundTools#runSql", "SupportDesk#runSql", "CustomerDatabase#connection"), db.via);
    }

    @Test
    void runTimeDestinationsDriveTheRisk() {
        for (Inventory inv : List.of(langchain4j, spring)) {
            String fw = inv == langchain4j ? "langchain4j" : "spring-ai";
            assertEquals(List.of("dynamic-sql", "pii", "no-approval-gate"),
                    inv.tool("tool:" + fw + ":runSql").risk.reasons.stream().map(r -> r.factor).toList());
            assertEquals(List.of("unknown-egress", "money", "pii", "no-approval-gate"),
                    inv.tool("tool:" + fw + ":issueRefund").risk.reasons.stream().map(r -> r.factor).toList());
            assertEquals(List.of("unknown-egress", "pii", "no-approval-gate", "reads-data"),
                    inv.tool("tool:" + fw + ":exportReport").risk.reasons.stream().map(r -> r.factor).toList());
        }
    }
}
