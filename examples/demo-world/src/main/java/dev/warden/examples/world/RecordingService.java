package dev.warden.examples.world;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small JSON service on loopback with one collection: {@code POST /<collection>} creates an entry
 * (validated by the subclass, answered with the stored entry), {@code GET /<collection>} lists every
 * entry accepted so far as {@code {"<collection>":[...]}}. The demo and the tests read the list to see
 * what the agent really did. Invalid input gets {@code 422 {"error": "..."}}.
 *
 * <p>Threads: handlers run on a small pool of daemon threads; the entry list is guarded by its own
 * monitor. Public methods may be called from any thread.
 */
public abstract class RecordingService implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS) // amounts keep their scale: 120.00
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    /** Input the service refuses; the message is returned to the caller. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    private final String collection;
    private final HttpServer http;
    private final ExecutorService pool;
    private final List<ObjectNode> entries = new ArrayList<>();

    protected RecordingService(String collection, int port) throws IOException {
        this.collection = collection;
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, collection + "-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(pool);
        http.createContext("/", this::handle);
        http.start();
    }

    /** Validates {@code request} and returns the entry to store (it gets its id from {@code seq}). */
    protected abstract ObjectNode accept(JsonNode request, int seq) throws Invalid;

    /** HTTP status of a successful POST. */
    protected abstract int createdStatus();

    /** {@code http://127.0.0.1:PORT} */
    public String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    /** Every entry accepted so far, oldest first (copies). */
    public List<ObjectNode> entries() {
        synchronized (entries) {
            return entries.stream().map(ObjectNode::deepCopy).toList();
        }
    }

    @Override
    public void close() {
        http.stop(0);
        pool.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (!path.equals("/" + collection)) {
                send(ex, 404, error("no such endpoint: " + ex.getRequestMethod() + " " + path));
                return;
            }
            switch (ex.getRequestMethod()) {
                case "GET" -> {
                    ObjectNode list = JSON.createObjectNode();
                    ArrayNode arr = list.putArray(collection);
                    entries().forEach(arr::add);
                    send(ex, 200, list.toString());
                }
                case "POST" -> {
                    JsonNode request;
                    try {
                        request = JSON.readTree(body);
                    } catch (IOException e) {
                        send(ex, 400, error("the body is not JSON"));
                        return;
                    }
                    ObjectNode entry;
                    synchronized (entries) {
                        try {
                            entry = accept(request == null ? JSON.nullNode() : request, entries.size() + 1);
                        } catch (Invalid e) {
                            send(ex, 422, error(e.getMessage()));
                            return;
                        }
                        entries.add(entry);
                    }
                    send(ex, createdStatus(), entry.toString());
                }
                default -> send(ex, 405, error("use GET or POST"));
            }
        }
    }

    static String text(JsonNode request, String field) throws Invalid {
        JsonNode v = request.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new Invalid("\"" + field + "\" must be a non-empty string");
        }
        return v.asText();
    }

    private static String error(String message) {
        return JSON.createObjectNode().put("error", message).toString();
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
