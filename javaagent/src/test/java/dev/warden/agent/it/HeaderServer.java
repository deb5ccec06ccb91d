package dev.warden.agent.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on one loopback address that remembers the request headers it received per
 * path (names lower-cased) and answers 200 with its own name as the body, so a test can tell
 * which server a request landed on and what reached it.
 */
final class HeaderServer implements AutoCloseable {
    private final HttpServer server;
    private final String name;
    private final Map<String, Map<String, String>> received = new ConcurrentHashMap<>();

    HeaderServer(String name, String address, int port) throws IOException {
        this.name = name;
        server = HttpServer.create(new InetSocketAddress(address, port), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            received.put(exchange.getRequestURI().getPath(), headers);
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            byte[] body = this.name.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The headers of the last request to {@code path}, or null when none arrived. */
    Map<String, String> headers(String path) {
        return received.get(path);
    }

    List<String> paths() {
        return List.copyOf(received.keySet());
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
