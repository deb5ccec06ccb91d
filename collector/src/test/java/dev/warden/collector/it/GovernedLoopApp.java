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
import java.time.Instant;

/**
 * A plain application (no Warden code) for the control-plane tests: it serves HTTP on loopback
 * and calls itself in a loop, {@code PAUSE_MILLIS} apart, until the file {@code EXIT_FILE}
 * exists. Under the agent each call is a governed decision. After each call it prints
 * {@code call N AT_MICROS RESULT}: the wall-clock time the call returned (epoch microseconds)
 * and {@code 200} or {@code blocked} — so a test can tell when a kill order first stopped it.
 *
 * <p>Arguments: {@code EXIT_FILE PAUSE_MILLIS}.
 */
public final class GovernedLoopApp {
    private GovernedLoopApp() {
    }

    public static void main(String[] args) throws Exception {
        Path exit = Path.of(args[0]);
        long pause = Long.parseLong(args[1]);
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
        System.out.println("serving " + base);
        System.out.flush();
        for (long i = 1; !Files.exists(exit); i++) {
            String result;
            try {
                HttpURLConnection c = (HttpURLConnection) new URL(base + "/ok/" + i).openConnection();
                try (InputStream in = c.getInputStream()) {
                    in.readAllBytes();
                }
                result = Integer.toString(c.getResponseCode());
            } catch (IOException e) {
                result = "blocked";
            }
            Instant now = Instant.now();
            System.out.println("call " + i + " " + (now.getEpochSecond() * 1_000_000L + now.getNano() / 1000) + " " + result);
            System.out.flush();
            if (pause > 0) {
                Thread.sleep(pause);
            }
        }
        server.stop(0);
        System.exit(0);
    }
}
