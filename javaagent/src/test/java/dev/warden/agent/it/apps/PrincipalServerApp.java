package dev.warden.agent.it.apps;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * A plain application (no Warden code) serving HTTP with the JDK {@code HttpServer}: its
 * {@code /act/<label>} handler calls a downstream service ({@code <downstream>/<label>}) with
 * {@code HttpURLConnection} on the server's thread and answers what happened. Its main thread then
 * calls its own server as different users ({@code X-User-Id}: alice, mallory, none, alice again)
 * and prints {@code <label>: <answer>}. Argument: the downstream base URL.
 */
public final class PrincipalServerApp {
    public static void main(String[] args) throws Exception {
        String downstream = args[0];
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newSingleThreadExecutor()); // one thread: the principal must not leak between requests
        server.createContext("/act/", exchange -> {
            String label = exchange.getRequestURI().getPath().substring("/act/".length());
            String answer;
            try {
                HttpURLConnection c = (HttpURLConnection) new URL(downstream + "/" + label).openConnection();
                try (InputStream in = c.getInputStream()) {
                    answer = "downstream " + new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            } catch (Exception e) {
                answer = e.getClass().getName() + " blocked=" + Blocked.is(e);
            }
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/act/";
        String[][] calls = {{"alice", "alice"}, {"mallory", "mallory"}, {"nobody", null}, {"alice-again", "alice"}};
        for (String[] call : calls) {
            HttpURLConnection c = (HttpURLConnection) new URL(base + call[0]).openConnection();
            if (call[1] != null) {
                c.setRequestProperty("X-User-Id", call[1]);
            }
            try (InputStream in = c.getInputStream()) {
                System.out.println(call[0] + ": " + new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        server.stop(0);
        System.exit(0);
    }
}
