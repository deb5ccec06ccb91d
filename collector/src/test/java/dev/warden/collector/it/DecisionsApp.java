package dev.warden.collector.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A plain application (no Warden code) for the forked end-to-end tests: it serves HTTP on
 * loopback and calls itself {@code COUNT} times with {@code HttpURLConnection}, so under the agent
 * every call is a governed decision (calls to {@code /deny/...} are denied by the tests' policy,
 * the rest allowed; with {@code PATH_PREFIX} every call goes to {@code PATH_PREFIX/N?token=s3cret}
 * instead). After each call it prints {@code call N: <status or blocked>}; at the end
 * {@code done: COUNT}. With a positive {@code PAUSE_MICROS} it waits that long between calls.
 * It then stays alive until the file {@code EXIT_FILE} exists (the tests decide when it may go:
 * its shipper ships until then), or exits at once when that argument is {@code -}.
 *
 * <p>Arguments: {@code COUNT PAUSE_MICROS EXIT_FILE [PATH_PREFIX]}.
 */
public final class DecisionsApp {
    private DecisionsApp() {
    }

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        long pauseMicros = Long.parseLong(args[1]);
        String exitFile = args[2];
        String prefix = args.length > 3 ? args[3] : null;
        // without TCP_NODELAY, Nagle and delayed acknowledgements hold every keep-alive response back 40 ms
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", exchange -> {
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        for (int i = 1; i <= count; i++) {
            String path = prefix != null ? prefix + "/" + i + "?token=s3cret" : i % 10 == 0 ? "/deny/" + i : "/ok/" + i;
            String result;
            try {
                HttpURLConnection c = (HttpURLConnection) new URL(base + path).openConnection();
                try (InputStream in = c.getInputStream()) {
                    in.readAllBytes();
                }
                result = Integer.toString(c.getResponseCode());
            } catch (IOException e) {
                result = "blocked " + e.getClass().getSimpleName();
            }
            System.out.println("call " + i + ": " + result);
            if (pauseMicros > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(pauseMicros * 1000);
            }
        }
        System.out.println("done: " + count);
        System.out.flush();
        server.stop(0);
        if (!"-".equals(exitFile)) {
            while (!Files.exists(Path.of(exitFile))) {
                Thread.sleep(20);
            }
        }
        System.exit(0);
    }
}
