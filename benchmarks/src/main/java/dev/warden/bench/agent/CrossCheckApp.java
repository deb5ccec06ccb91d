package dev.warden.bench.agent;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;

/**
 * The small application {@link AgentCrossCheck} runs with and without the agent: prints when
 * {@code main} was entered (epoch ms) and the RSS then, times a loopback HTTP GET
 * ({@code HttpURLConnection} against an in-process {@code HttpServer}) and an H2 prepared query
 * (medians), prints the RSS after the work, then idles for a while and prints the CPU the whole
 * process used meanwhile. Output: {@code key: value} lines.
 */
public final class CrossCheckApp {
    public static void main(String[] args) throws Exception {
        long mainAt = System.currentTimeMillis();
        System.out.println("main-at: " + mainAt);
        System.out.println("rss-at-main-kb: " + rssKb());
        int httpCalls = Integer.parseInt(args[0]);
        int sqlCalls = Integer.parseInt(args[1]);
        int idleSeconds = Integer.parseInt(args[2]);

        // without TCP_NODELAY the JDK server's response waits for the client's delayed ACK (~40 ms)
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            byte[] b = "ok".getBytes();
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
        URL url = new URL("http://127.0.0.1:" + server.getAddress().getPort() + "/orders?customer=42");
        long[] http = new long[httpCalls];
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < httpCalls; i++) {
                long t0 = System.nanoTime();
                HttpURLConnection c = (HttpURLConnection) url.openConnection();
                try (InputStream in = c.getInputStream()) {
                    in.readAllBytes();
                }
                http[i] = System.nanoTime() - t0;
            }
        }
        server.stop(0);
        System.out.println("http-median-ns: " + median(http));

        long[] sql = new long[sqlCalls];
        try (Connection conn = DriverManager.getConnection("jdbc:h2:mem:cross")) {
            try (Statement s = conn.createStatement()) {
                s.execute("CREATE TABLE orders (id INT PRIMARY KEY, total INT)");
                s.execute("INSERT INTO orders SELECT x, x * 10 FROM SYSTEM_RANGE(1, 1000)");
            }
            try (PreparedStatement p = conn.prepareStatement("SELECT total FROM orders WHERE id = ?")) {
                for (int round = 0; round < 2; round++) {
                    for (int i = 0; i < sqlCalls; i++) {
                        long t0 = System.nanoTime();
                        p.setInt(1, 1 + i % 1000);
                        try (ResultSet rs = p.executeQuery()) {
                            rs.next();
                        }
                        sql[i] = System.nanoTime() - t0;
                    }
                }
            }
        }
        System.out.println("sql-median-ns: " + median(sql));
        System.gc();
        System.out.println("rss-after-work-kb: " + rssKb());

        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Thread.sleep(1000);
        long cpu0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        Thread.sleep(idleSeconds * 1000L);
        double cpuShare = (os.getProcessCpuTime() - cpu0) * 100.0 / (System.nanoTime() - wall0);
        System.out.printf("idle-cpu-percent: %.3f%n", cpuShare);
    }

    static long median(long[] v) {
        long[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    static long rssKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
