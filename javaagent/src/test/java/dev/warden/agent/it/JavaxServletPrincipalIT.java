package dev.warden.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.acme.served.JettyApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The javax.servlet side of {@link ServletPrincipalIT}: embedded Jetty 10 in a forked JVM under
 * the built agent ({@link JettyApp}), one connector whose pool leaves a single request thread.
 * Requests as alice, nobody, bob, nobody, mallory, nobody, then an asynchronous one as carol, one
 * as nobody, one handing its work to the application's executor as bob and one to a
 * {@code CompletableFuture.supplyAsync} stage as mallory, one after another: each request's INSERT, downstream call and filter query carry
 * its user (none without the header, though the same pooled thread served a user just before),
 * mallory's are blocked by the {@code principal}-matched rules, and the work handed to
 * {@code AsyncContext.start}, to the application's executor and to a
 * {@code CompletableFuture.supplyAsync} stage runs as the request's user.
 */
class JavaxServletPrincipalIT {
    @TempDir
    Path tmp;

    @Test
    void eachRequestsActionsCarryItsUserAndNothingLeaksToTheNextRequestOnThePooledThread() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), ServletPrincipalIT.POLICY);
        Path config = Files.writeString(tmp.resolve("warden.yaml"), "principal:\n  header: X-User-Id\n");
        Path evidence = tmp.resolve("evidence");
        String jdbc = "jdbc:h2:file:" + tmp.resolve("orders");
        String[][] sequence = {{"j1-alice", "alice", "/act/"}, {"j2-none", null, "/act/"}, {"j3-bob", "bob", "/act/"}, {"j4-none", null, "/act/"},
            {"j5-mallory", "mallory", "/act/"}, {"j6-none", null, "/act/"}, {"a1-carol", "carol", "/async/"}, {"j7-none", null, "/act/"},
            {"p1-bob", "bob", "/pool/"}, {"c1-mallory", "mallory", "/stage/"}};
        Map<String, String> userOf = new LinkedHashMap<>();
        Map<String, String> answers = new LinkedHashMap<>();
        try (HeaderServer downstream = new HeaderServer("service", "127.0.0.2", 0);
             ServedApp app = new ServedApp(tmp, "policy=" + policy + ",agent=javax-servlet-it,evidence=" + evidence + ",config=" + config,
                     JettyApp.class, jdbc, "http://127.0.0.2:" + downstream.port())) {
            for (String[] s : sequence) {
                userOf.put(s[0], s[1]);
                answers.put(s[0], app.get(app.ports[0], s[2] + s[0], s[1]));
            }
            AgentRun.Result result = app.stop();
            assertEquals(0, result.exit(), result::toString);

            ServletPrincipalIT.assertServedAsTheirUsers(userOf, answers, Set.of("a1-carol", "p1-bob", "c1-mallory"), downstream, jdbc, Evidence.read(evidence));
        }
        // one pooled thread served every synchronous request, so each request without the header followed a user's on it
        List<String> threads = answers.entrySet().stream().filter(e -> e.getKey().startsWith("j"))
                .map(e -> e.getValue().replaceAll(".* thread=", "")).distinct().toList();
        assertEquals(1, threads.size(), answers::toString);
        assertTrue(threads.get(0).startsWith("jetty-pool"), answers::toString);
    }
}
