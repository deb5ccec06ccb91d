package dev.warden.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.served.TomcatApp;
import com.acme.served.UserActions;
import dev.warden.rules.evidence.EvidenceRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The principal from an inbound request header ({@code principal: { header: X-User-Id }} in
 * {@code config=FILE}) through a real jakarta.servlet container: embedded Tomcat 10.1 in a forked
 * JVM under the built agent ({@link TomcatApp}). Each request runs an H2 {@code INSERT}, an HTTP
 * call to a loopback server and a refund tool on the request thread, behind a filter that runs a
 * query. Requests as five users (one without the header) are sent at once from several client
 * threads, then one after another through a connector with a single pooled request thread. Proven:
 * every decision carries the principal of the request it was made for (and the downstream server
 * received that principal in a header the policy adds), a {@code principal}-matched deny rule
 * blocks only that user's rows and calls, a {@code scope: principal} budget is each user's own, a
 * request without the header has no principal, and the principal does not survive into the next
 * request served by the same pooled thread (nor out of a forward through a request wrapper). Work
 * a request hands to the application's own {@code ExecutorService} or to a
 * {@code CompletableFuture.supplyAsync} stage carries the request's user there (mallory's blocked
 * there too), and the executor's pooled thread, having run users' tasks, runs a task submitted
 * outside any request as nobody. One forked JVM for all of it.
 */
class ServletPrincipalIT {
    static final String POLICY = """
            version: 1.1
            name: servlet-principal-it
            default: allow
            rules:
              - id: no-mallory-writes
                match: { kind: sql, operation: INSERT, principal: mallory }
                action: deny
              - id: no-mallory-calls
                match: { kind: http, host: 127.0.0.2, principal: mallory }
                action: deny
              - id: say-who
                match: { kind: http, host: 127.0.0.2 }
                action: modify
                modify: { headers: { set: { X-Principal: "${principal}" } } }
              - id: refunds-per-user
                match: { kind: tool, tool: issueRefund }
                budget: { sum: args.amount, max: 100, per: 1h, scope: principal }
                action: deny
            """;
    /** The users requests are sent as; null: no header. */
    static final List<String> USERS = java.util.Arrays.asList("alice", "bob", "carol", "mallory", null);
    static final int PER_USER = 3;
    /** Work handed to the application's own executor ({@code /pool/}) and to {@code CompletableFuture.supplyAsync} stages (default executor {@code /stage/}, an own ForkJoinPool {@code /forkjoin/}). */
    static final String[][] HANDED_OFF = {{"p1-alice", "alice", "/pool/"}, {"p2-mallory", "mallory", "/pool/"}, {"p3-none", null, "/pool/"},
        {"p4-carol", "carol", "/pool/"}, {"c1-bob", "bob", "/stage/"}, {"c2-mallory", "mallory", "/stage/"}, {"c3-none", null, "/stage/"},
        {"f1-alice", "alice", "/forkjoin/"}, {"f2-mallory", "mallory", "/forkjoin/"}, {"f3-none", null, "/forkjoin/"}};
    /** Requests the filter does not see: forwards (the filter is for REQUEST dispatches), the asynchronous and handed-off paths, the background task. */
    static final java.util.Set<String> UNFILTERED = java.util.Set.of("s3-bob", "s6-none", "a1-alice", "p1-alice", "p2-mallory", "p3-none", "p4-carol",
            "c1-bob", "c2-mallory", "c3-none", "f1-alice", "f2-mallory", "f3-none", "b1-none");

    @TempDir
    Path tmp;

    static String nameOf(String user) {
        return user == null ? "anon" : user;
    }

    @Test
    void eachRequestsActionsCarryItsUserAndNothingLeaksToTheNextRequestOnAPooledThread() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), POLICY);
        Path config = Files.writeString(tmp.resolve("warden.yaml"), "principal:\n  header: X-User-Id\n");
        Path evidence = tmp.resolve("evidence");
        String jdbc = "jdbc:h2:file:" + tmp.resolve("orders");
        Map<String, String> userOf = new HashMap<>(); // label -> user (null: no header)
        Map<String, String> answers = new ConcurrentHashMap<>();
        Evidence ev;
        try (HeaderServer downstream = new HeaderServer("service", "127.0.0.2", 0);
             ServedApp app = new ServedApp(tmp, "policy=" + policy + ",agent=servlet-it,evidence=" + evidence + ",config=" + config + ",approvals=deny",
                     TomcatApp.class, jdbc, "http://127.0.0.2:" + downstream.port(), tmp.resolve("tomcat").toString())) {
            int pool = app.ports[0];
            int single = app.ports[1];

            // 1. five users at once, three requests each, from six client threads
            ExecutorService clients = Executors.newFixedThreadPool(6);
            try {
                List<Future<?>> sent = new ArrayList<>();
                for (int i = 1; i <= PER_USER; i++) {
                    for (String user : USERS) {
                        String label = nameOf(user) + "-" + i;
                        userOf.put(label, user);
                        sent.add(clients.submit(() -> answers.put(label, app.get(pool, "/act/" + label + "?refund=40", user))));
                    }
                }
                for (Future<?> f : sent) {
                    f.get();
                }
            } finally {
                clients.shutdownNow();
            }

            // 2. one pooled request thread: each request follows another user's (or no user's) on the same thread
            String[][] sequence = {{"s1-alice", "alice", "/act/"}, {"s2-none", null, "/act/"}, {"s3-bob", "bob", "/fwd/"},
                {"s4-none", null, "/act/"}, {"s5-mallory", "mallory", "/act/"}, {"s6-none", null, "/fwd/"}, {"s7-carol", "carol", "/act/"}};
            for (String[] s : sequence) {
                userOf.put(s[0], s[1]);
                answers.put(s[0], app.get(single, s[2] + s[0], s[1]));
            }
            // 3. an asynchronous request: the work runs after service() returned, on another container thread
            userOf.put("a1-alice", "alice");
            answers.put("a1-alice", app.get(pool, "/async/a1-alice", "alice"));
            // 4. work a request hands to the application's own executor (one pooled thread) and to a CompletableFuture async stage
            for (String[] h : HANDED_OFF) {
                userOf.put(h[0], h[1]);
                answers.put(h[0], app.get(pool, h[2] + h[0], h[1]));
            }
            // 5. the executor's pooled thread, which ran those users' work, then runs a task submitted outside any request
            userOf.put("b1-none", null);
            answers.put("b1-none", app.command("pool b1-none"));
            AgentRun.Result result = app.stop();
            assertEquals(0, result.exit(), result::toString);

            ev = Evidence.read(evidence);
            assertServedAsTheirUsers(userOf, answers, UNFILTERED, downstream, jdbc, ev);
        }
        String all = new TreeMap<>(answers).toString();

        // the budget is each user's own: 40 + 40 fit in 100, the third refund of every user (and of no user) is denied
        for (String user : USERS) {
            long blocked = answers.entrySet().stream().filter(e -> e.getKey().startsWith(nameOf(user) + "-"))
                    .filter(e -> e.getValue().contains(" refund=blocked ")).count();
            long refunded = answers.entrySet().stream().filter(e -> e.getKey().startsWith(nameOf(user) + "-"))
                    .filter(e -> e.getValue().contains(" refund=refunded ")).count();
            assertEquals(1, blocked, nameOf(user) + ": " + all);
            assertEquals(PER_USER - 1, refunded, nameOf(user) + ": " + all);
        }
        // the single-thread connector served every request of the sequence on one pooled thread
        List<String> threads = userOf.keySet().stream().filter(l -> l.startsWith("s")).map(l -> answers.get(l).replaceAll(".* thread=", "")).distinct().toList();
        assertEquals(1, threads.size(), "one pooled thread served the sequence: " + all);

        // the handed-off work ran off the request threads: the executor's one thread (also the background task's), a stage's own thread
        java.util.Set<String> pooled = new java.util.HashSet<>(List.of("b1-none"));
        for (String[] h : HANDED_OFF) {
            if (h[2].equals("/pool/")) {
                pooled.add(h[0]);
            } else if (h[2].equals("/forkjoin/")) {
                assertTrue(answers.get(h[0]).contains(" thread=ForkJoinPool-1-worker-"), "the application's ForkJoinPool: " + all);
            } else {
                String thread = answers.get(h[0]).replaceAll(".* thread=", "");
                assertTrue(!thread.startsWith("http-") && !thread.equals("app-pool"), "a stage's own thread: " + all);
            }
        }
        assertEquals(List.of("app-pool"), pooled.stream().map(l -> answers.get(l).replaceAll(".* thread=", "")).distinct().toList(), all);

        List<EvidenceRecord> refunds = ev.decisions(d -> "tool".equals(d.kind) && "issueRefund".equals(d.target));
        assertEquals(USERS.size() * PER_USER, refunds.size(), ev.dump());
        for (String user : USERS) {
            List<EvidenceRecord> mine = refunds.stream().filter(d -> Objects.equals(user, d.principal)).toList();
            assertEquals(List.of("allow", "allow", "deny"), mine.stream().map(d -> d.decision).sorted().toList(), nameOf(user) + ":\n" + ev.dump());
            mine.stream().filter(d -> "deny".equals(d.decision)).forEach(d -> assertEquals(List.of("refunds-per-user"), d.rules, d.toString()));
        }
    }

    /**
     * What every request of {@code userOf} (label → user, null: no header) did, checked against
     * its user: mallory's INSERT and downstream call blocked by the principal rules, everyone
     * else's went ahead; the downstream server received each call with its user in the
     * {@code X-Principal} header the policy sets; the rows are everyone's but mallory's; and the
     * decisions of the request's INSERT, downstream call and (unless {@code unfiltered}) its
     * filter's query carry the request's user.
     */
    static void assertServedAsTheirUsers(Map<String, String> userOf, Map<String, String> answers, java.util.Set<String> unfiltered,
                                         HeaderServer downstream, String jdbc, Evidence ev) throws Exception {
        String all = new TreeMap<>(answers).toString();
        // the answers: mallory's writes and calls blocked, everyone else's went ahead
        for (Map.Entry<String, String> e : userOf.entrySet()) {
            String a = answers.get(e.getKey());
            boolean mallory = "mallory".equals(e.getValue());
            assertTrue(a.startsWith(mallory ? "sql=blocked http=blocked " : "sql=ok http=service "), e.getKey() + ": " + a + "\n" + all);
        }
        // what the downstream server received: each call with its own user's principal; none of mallory's
        for (Map.Entry<String, String> e : userOf.entrySet()) {
            String label = e.getKey();
            Map<String, String> headers = downstream.headers("/" + label);
            if ("mallory".equals(e.getValue())) {
                assertEquals(null, headers, "mallory's call never left: " + label);
            } else {
                assertNotNull(headers, "no call for " + label + ": " + answers.get(label));
                assertEquals(Objects.toString(e.getValue(), ""), headers.getOrDefault("x-principal", ""), label + " " + headers);
            }
        }
        // the rows: everyone's but mallory's
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT label FROM orders ORDER BY label")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        List<String> expectedRows = userOf.entrySet().stream().filter(e -> !"mallory".equals(e.getValue())).map(Map.Entry::getKey).sorted().toList();
        assertEquals(expectedRows, rows);

        // the evidence: every decision made for a request carries that request's user
        for (Map.Entry<String, String> e : userOf.entrySet()) {
            String label = e.getKey();
            String user = e.getValue();
            boolean mallory = "mallory".equals(user);
            EvidenceRecord insert = one(ev, d -> "sql".equals(d.kind) && statement(d).toLowerCase(java.util.Locale.ROOT).endsWith(" as " + UserActions.tag(label)), label + " insert");
            assertEquals(user, insert.principal, insert.toString());
            assertEquals(mallory ? "deny" : "allow", insert.decision, insert.toString());
            if (mallory) {
                assertEquals(List.of("no-mallory-writes"), insert.rules, insert.toString());
            } else {
                assertEquals("ok", ev.outcomeOf(insert).outcomeStatus, insert.toString());
            }
            EvidenceRecord call = one(ev, d -> "http".equals(d.kind) && ("/" + label).equals(d.attributes.get("path")), label + " call");
            assertEquals(user, call.principal, call.toString());
            assertEquals(mallory ? "deny" : "modify", call.decision, call.toString());
            if (!unfiltered.contains(label)) {
                EvidenceRecord filter = one(ev, d -> "sql".equals(d.kind) && statement(d).toLowerCase(java.util.Locale.ROOT).endsWith(" as filter_" + UserActions.tag(label)), label + " filter");
                assertEquals(user, filter.principal, "the filter's query runs for the request's user: " + filter);
            }
        }
    }

    static String statement(EvidenceRecord d) {
        return String.valueOf(d.attributes.get("statement"));
    }

    static EvidenceRecord one(Evidence ev, java.util.function.Predicate<EvidenceRecord> p, String what) {
        List<EvidenceRecord> found = ev.decisions(p);
        assertEquals(1, found.size(), what + ":\n" + ev.dump());
        return found.get(0);
    }
}
