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
import org.junit.jupiter.api.Assumptions;
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
 * outside any request as nobody, as does the worker of an executor a request made and started
 * ({@code prestartCoreThread}: a pool's worker never takes on its starter's user). One forked JVM
 * for all of it.
 *
 * <p>Then the same on JDK 25 with Tomcat serving every request on a virtual thread (as Spring Boot's
 * {@code spring.threads.virtual.enabled=true} does), all on one carrier thread, plus work handed to
 * {@code Executors.newVirtualThreadPerTaskExecutor()} and {@code Thread.ofVirtual().start}.
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
    @TempDir
    Path tmp;

    static String nameOf(String user) {
        return user == null ? "anon" : user;
    }

    @Test
    void eachRequestsActionsCarryItsUserAndNothingLeaksToTheNextRequestOnAPooledThread() throws Exception {
        Served s = serve(null, List.of(), false, HANDED_OFF, "pool b1-none", "lazy b4-none");
        Map<String, String> answers = s.answers;
        String all = new TreeMap<>(answers).toString();
        // the single-thread connector served every request of the sequence on one pooled thread
        List<String> threads = s.userOf.keySet().stream().filter(l -> l.startsWith("s")).map(l -> threadOf(answers.get(l))).distinct().toList();
        assertEquals(1, threads.size(), "one pooled thread served the sequence: " + all);

        // the handed-off work ran off the request threads: the executor's one thread (also the background task's), a stage's own thread
        java.util.Set<String> pooled = new java.util.HashSet<>(List.of("b1-none"));
        for (String[] h : HANDED_OFF) {
            if (h[2].equals("/pool/")) {
                pooled.add(h[0]);
            } else if (h[2].equals("/forkjoin/")) {
                assertTrue(answers.get(h[0]).contains(" thread=ForkJoinPool-1-worker-"), "the application's ForkJoinPool: " + all);
            } else {
                String thread = threadOf(answers.get(h[0]));
                assertTrue(!thread.startsWith("http-") && !thread.equals("app-pool"), "a stage's own thread: " + all);
            }
        }
        assertEquals(List.of("app-pool"), pooled.stream().map(l -> threadOf(answers.get(l))).distinct().toList(), all);
        assertEquals("app-lazy", threadOf(answers.get("b4-none")), "the worker started during alice's request: " + all);
    }

    /**
     * JDK 25, Tomcat serving every request on a virtual thread of its own, as Spring Boot's
     * {@code spring.threads.virtual.enabled=true} configures it (one connector through Spring Boot's
     * {@code VirtualThreadExecutor}, the other through {@code useVirtualThreads}), on one carrier
     * thread ({@code jdk.virtualThreadScheduler.parallelism=1}), so requests of different users take
     * turns on the same carrier, concurrently and one after another. Everything the JDK 17 test
     * proves holds (each decision carries its request's user, mallory alone is blocked, each
     * user's own budget), and work a request's {@code handOff} tool hands to
     * {@code Executors.newVirtualThreadPerTaskExecutor()} or to {@code Thread.ofVirtual().start}
     * runs as the request's user, with the tool as parent and the tool's session; the same
     * hand-offs made outside any request run as nobody in their thread's own session.
     */
    @Test
    void onJdk25TomcatOnVirtualThreadsAndWorkHandedToVirtualThreadsCarryTheRequestsUser() throws Exception {
        java.util.Optional<Path> jdk25 = AgentRun.jdk25();
        Assumptions.assumeTrue(jdk25.isPresent(), "no JDK 25 under /usr/lib/jvm");
        String[][] handedOff = java.util.stream.Stream.concat(java.util.Arrays.stream(HANDED_OFF), java.util.Arrays.stream(VIRTUAL_HANDED_OFF))
                .toArray(String[][]::new);
        Served s = serve(jdk25.get(), List.of("-Djdk.virtualThreadScheduler.parallelism=1"), true, handedOff, "pool b1-none", "vexec b2-none", "vthread b3-none", "lazy b4-none");
        Map<String, String> answers = s.answers;
        String all = new TreeMap<>(answers).toString();

        // every request was served on a virtual thread (one per connection: a kept-alive connection's next request, maybe
        // another user's, is read and served on the same one), through both connectors' configurations
        List<String> requests = s.userOf.keySet().stream().filter(l -> !l.equals("a1-alice") && !l.equals("l1-alice") && !l.matches("b\\d-none") && !isHandedOff(l, handedOff)).toList();
        for (String label : requests) {
            assertTrue(threadOf(answers.get(label)).startsWith("virtual:"), label + " on a virtual thread: " + all);
        }
        assertTrue(requests.stream().anyMatch(l -> threadOf(answers.get(l)).startsWith("virtual:tomcat-handler-")), "Spring Boot's executor: " + all);
        assertTrue(requests.stream().anyMatch(l -> threadOf(answers.get(l)).contains("-virt-")), "the connector's useVirtualThreads: " + all);
        // the sequence: requests of different users (and of none) took turns on the same carrier thread (one carrier
        // with parallelism=1, unless the scheduler added one for a while to make up for blocking file I/O)
        Map<String, java.util.Set<String>> usersByCarrier = new HashMap<>();
        s.userOf.keySet().stream().filter(l -> l.startsWith("s"))
                .forEach(l -> usersByCarrier.computeIfAbsent(carrierOf(answers.get(l)), c -> new java.util.HashSet<>()).add(String.valueOf(s.userOf.get(l))));
        assertTrue(usersByCarrier.values().stream().anyMatch(users -> users.size() >= 3), "users took turns on one carrier thread: " + usersByCarrier + " " + all);

        // the virtual-thread hand-offs: the work ran on a virtual thread other than the request's, inside the request's handOff tool
        for (String[] h : VIRTUAL_HANDED_OFF) {
            String label = h[0];
            EvidenceRecord insert = one(s.ev, d -> "sql".equals(d.kind) && statement(d).toLowerCase(java.util.Locale.ROOT).endsWith(" as " + UserActions.tag(label)), label);
            EvidenceRecord call = one(s.ev, d -> "http".equals(d.kind) && ("/" + label).equals(d.attributes.get("path")), label + " call");
            // the request's handOff call: the last one in the work's session before the work (a kept-alive connection's virtual thread serves its requests one by one)
            EvidenceRecord tool = s.ev.decisions(d -> "tool".equals(d.kind) && "handOff".equals(d.target) && Objects.equals(insert.session, d.session) && d.seq < insert.seq)
                    .stream().max(java.util.Comparator.comparingLong(d -> d.seq)).orElseThrow(() -> new AssertionError(label + ": no handOff in its session " + insert));
            assertEquals(h[1], tool.principal, tool.toString());
            for (EvidenceRecord d : List.of(insert, call)) {
                assertEquals("handOff", d.parent, "the tool travelled with the work: " + d);
                assertEquals(tool.session, d.session, "the tool's session travelled with the work: " + d);
                assertTrue(threadOf(answers.get(label)).startsWith("virtual:"), label + " on a virtual thread: " + all);
                assertTrue(!d.session.endsWith("#" + threadIdOf(answers.get(label))), "not the work thread's own session: " + d + " " + answers.get(label));
            }
        }
        assertEquals("app-lazy", threadOf(answers.get("b4-none")), "the worker started during alice's request: " + all);
        // the same hand-offs outside any request: nobody, no tool, the work thread's own session
        for (String label : List.of("b2-none", "b3-none")) {
            assertTrue(threadOf(answers.get(label)).startsWith("virtual:"), label + " on a virtual thread: " + all);
            EvidenceRecord insert = one(s.ev, d -> "sql".equals(d.kind) && statement(d).toLowerCase(java.util.Locale.ROOT).endsWith(" as " + UserActions.tag(label)), label);
            assertEquals(null, insert.parent, insert.toString());
            assertTrue(insert.session.endsWith("#" + threadIdOf(answers.get(label))), "the work thread's own session: " + insert + " " + answers.get(label));
        }
    }

    /** Work a request's {@code handOff} tool hands to {@code Executors.newVirtualThreadPerTaskExecutor()} ({@code /vexec/}) and to {@code Thread.ofVirtual().start} ({@code /vthread/}). */
    static final String[][] VIRTUAL_HANDED_OFF = {{"v1-alice", "alice", "/vexec/"}, {"v2-mallory", "mallory", "/vexec/"}, {"v3-none", null, "/vexec/"},
        {"v4-carol", "carol", "/vexec/"}, {"t1-bob", "bob", "/vthread/"}, {"t2-mallory", "mallory", "/vthread/"}, {"t3-none", null, "/vthread/"}};

    /** What one forked application served: label → user (null: no header), label → answer, and the evidence. */
    record Served(Map<String, String> userOf, Map<String, String> answers, Evidence ev) {
    }

    /**
     * The scenario both tests share, in one forked JVM ({@code java}, null: this test's; {@code jvm}
     * options) running {@link TomcatApp} ({@code virtual}: on virtual threads): five users' requests
     * at once, a sequence on the single-thread connector, an asynchronous request, the
     * {@code handedOff} requests at once, then the {@code background} standard-input commands
     * (outside any request). Checks what every test checks ({@link #assertServedAsTheirUsers}, each
     * user's own refund budget) and returns what was served.
     */
    Served serve(Path java, List<String> jvm, boolean virtual, String[][] handedOff, String... background) throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), POLICY);
        Path config = Files.writeString(tmp.resolve("warden.yaml"), "principal:\n  header: X-User-Id\n");
        Path evidence = tmp.resolve("evidence");
        String jdbc = "jdbc:h2:file:" + tmp.resolve("orders");
        Map<String, String> userOf = new HashMap<>(); // label -> user (null: no header)
        Map<String, String> answers = new ConcurrentHashMap<>();
        java.util.Set<String> unfiltered = new java.util.HashSet<>(List.of("s3-bob", "s6-none", "a1-alice"));
        Evidence ev;
        List<String> appArgs = new ArrayList<>(List.of(jdbc, "", tmp.resolve("tomcat").toString()));
        if (virtual) {
            appArgs.add("virtual");
        }
        try (HeaderServer downstream = new HeaderServer("service", "127.0.0.2", 0)) {
            appArgs.set(1, "http://127.0.0.2:" + downstream.port());
            try (ServedApp app = new ServedApp(tmp, java, jvm, "policy=" + policy + ",agent=servlet-it,evidence=" + evidence + ",config=" + config + ",approvals=deny",
                    TomcatApp.class, appArgs.toArray(String[]::new))) {
                int pool = app.ports[0];
                int single = app.ports[1];
                ExecutorService clients = Executors.newFixedThreadPool(6);
                try {
                    // 1. five users at once, three requests each, from six client threads
                    List<String[]> requests = new ArrayList<>();
                    for (int i = 1; i <= PER_USER; i++) {
                        for (String user : USERS) {
                            requests.add(new String[] {nameOf(user) + "-" + i, user, "/act/", "?refund=40"});
                        }
                    }
                    sendAtOnce(app, pool, clients, requests, userOf, answers);

                    // 2. one request thread (of a pool, or each a new virtual thread): each request follows another user's (or no user's)
                    String[][] sequence = {{"s1-alice", "alice", "/act/"}, {"s2-none", null, "/act/"}, {"s3-bob", "bob", "/fwd/"},
                        {"s4-none", null, "/act/"}, {"s5-mallory", "mallory", "/act/"}, {"s6-none", null, "/fwd/"}, {"s7-carol", "carol", "/act/"}};
                    for (String[] q : sequence) {
                        userOf.put(q[0], q[1]);
                        answers.put(q[0], app.get(single, q[2] + q[0], q[1]));
                    }
                    // 3. an asynchronous request: the work runs after service() returned, on another container thread
                    userOf.put("a1-alice", "alice");
                    answers.put("a1-alice", app.get(pool, "/async/a1-alice", "alice"));
                    // a request that makes the application's lazy executor and starts its worker (used in 5. outside any request)
                    userOf.put("l1-alice", "alice");
                    unfiltered.add("l1-alice");
                    answers.put("l1-alice", app.get(pool, "/prestart/l1-alice", "alice"));
                    // 4. work requests hand off (to the application's executors, CompletableFuture stages, virtual threads), several users at once
                    List<String[]> handOffs = new ArrayList<>();
                    for (String[] h : handedOff) {
                        handOffs.add(new String[] {h[0], h[1], h[2], ""});
                        unfiltered.add(h[0]);
                    }
                    sendAtOnce(app, pool, clients, handOffs, userOf, answers);
                } finally {
                    clients.shutdownNow();
                }
                // 5. the same executors (the pool's thread, which ran those users' work; the lazy one's worker, started during alice's request), from outside any request
                for (String command : background) {
                    String label = command.substring(command.indexOf(' ') + 1);
                    userOf.put(label, null);
                    unfiltered.add(label);
                    answers.put(label, app.command(command));
                }
                AgentRun.Result result = app.stop();
                assertEquals(0, result.exit(), result::toString);

                ev = Evidence.read(evidence);
                assertServedAsTheirUsers(userOf, answers, unfiltered, downstream, jdbc, ev);
            }
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
        List<EvidenceRecord> refunds = ev.decisions(d -> "tool".equals(d.kind) && "issueRefund".equals(d.target));
        assertEquals(USERS.size() * PER_USER, refunds.size(), ev.dump());
        for (String user : USERS) {
            List<EvidenceRecord> mine = refunds.stream().filter(d -> Objects.equals(user, d.principal)).toList();
            assertEquals(List.of("allow", "allow", "deny"), mine.stream().map(d -> d.decision).sorted().toList(), nameOf(user) + ":\n" + ev.dump());
            mine.stream().filter(d -> "deny".equals(d.decision)).forEach(d -> assertEquals(List.of("refunds-per-user"), d.rules, d.toString()));
        }
        return new Served(userOf, answers, ev);
    }

    /** Sends {@code requests} ({label, user or null, servlet path, query}) to {@code port} at once from {@code clients}, recording each label's user and answer. */
    static void sendAtOnce(ServedApp app, int port, ExecutorService clients, List<String[]> requests, Map<String, String> userOf, Map<String, String> answers)
            throws Exception {
        List<Future<?>> sent = new ArrayList<>();
        for (String[] q : requests) {
            userOf.put(q[0], q[1]);
            sent.add(clients.submit(() -> answers.put(q[0], app.get(port, q[2] + q[0] + q[3], q[1]))));
        }
        for (Future<?> f : sent) {
            f.get();
        }
    }

    static boolean isHandedOff(String label, String[][] handedOff) {
        return java.util.Arrays.stream(handedOff).anyMatch(h -> h[0].equals(label));
    }

    /** The thread an answer's work ran on ({@code thread=}: a name, or {@code virtual:<name>#<id>@<carrier>}). */
    static String threadOf(String answer) {
        return answer.replaceAll(".* thread=", "");
    }

    /** The id of the virtual thread an answer's work ran on. */
    static String threadIdOf(String answer) {
        String t = threadOf(answer);
        return t.substring(t.lastIndexOf('#') + 1, t.lastIndexOf('@'));
    }

    /** The carrier thread of the virtual thread an answer's work ran on. */
    static String carrierOf(String answer) {
        String t = threadOf(answer);
        return t.substring(t.lastIndexOf('@') + 1);
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
