package dev.warden.agent.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on loopback that counts the requests it receives per path (and the
 * {@code traceparent} headers among them). Paths under {@code /redirect/X} answer 302 to
 * {@code /denied/X-hop}; everything else answers 200 with a short body.
 */
final class CountingServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> traced = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> bodyBytes = new ConcurrentHashMap<>();

    CountingServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            hits.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            if (exchange.getRequestHeaders().getFirst("traceparent") != null) {
                traced.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            }
            try (InputStream in = exchange.getRequestBody()) {
                bodyBytes.computeIfAbsent(path, k -> new AtomicInteger()).addAndGet(in.readAllBytes().length);
            }
            if (path.startsWith("/redirect/")) {
                exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + port() + "/denied/" + path.substring("/redirect/".length()) + "-hop");
                exchange.sendResponseHeaders(302, -1);
            } else {
                byte[] body = "ok".getBytes();
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    String base() {
        return "http://127.0.0.1:" + port();
    }

    int hits(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    int traced(String path) {
        AtomicInteger n = traced.get(path);
        return n == null ? 0 : n.get();
    }

    /** Every request received whose path starts with {@code prefix}. */
    int hitsUnder(String prefix) {
        return hits.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToInt(e -> e.getValue().get()).sum();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
