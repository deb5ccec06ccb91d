package dev.warden.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import dev.warden.agent.it.apps.JdkReuseApp;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under the agent, the JDK {@code HttpClient} keeps reusing its one keep-alive connection: the
 * governed request (evaluated at every hop, with evidence) is not changed in a way that makes the
 * client open a new connection per call. A real loopback server counts the connections it
 * accepted (distinct client addresses) and the requests, for {@code send} and {@code sendAsync}.
 */
class JdkConnectionReuseIT {
    static final int CALLS = 50;

    @TempDir
    Path tmp;

    @Test
    void sequentialPostsUnderTheAgentShareOneConnection() throws Exception {
        Path policy = Files.writeString(tmp.resolve("policy.yaml"), HttpClientsIT.POLICY);
        Set<String> clients = ConcurrentHashMap.newKeySet();
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        server.setExecutor(pool);
        server.createContext("/", exchange -> {
            clients.add(exchange.getRemoteAddress().toString());
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{\"ok\":true}".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            AgentRun.Result r = new AgentRun()
                    .agent("policy=" + policy + ",agent=reuse-it,evidence=" + tmp.resolve("evidence"))
                    .main(JdkReuseApp.class, "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/orders", Integer.toString(CALLS))
                    .run();
            assertEquals(0, r.exit(), r::toString);
            assertEquals("[200]", r.value("send"), r::toString);
            assertEquals("[200]", r.value("async"), r::toString);
            assertEquals(2 * CALLS, requests.get());
            assertEquals(1, clients.size(), "the client opened a connection per call under the agent: " + clients.size() + " connections for " + requests.get() + " requests");
        } finally {
            server.stop(0);
            pool.shutdownNow();
        }
    }
}
