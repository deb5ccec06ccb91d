package dev.warden.agent.it.apps;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs N governed SQL queries on several threads, prints {@code done: N} and then waits to be
 * killed: the test kills it with SIGKILL and counts the evidence. Arguments: N, threads.
 */
public final class CrashApp {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int share = n / threads + (t < n % threads ? 1 : 0);
            int id = t;
            Thread w = new Thread(() -> {
                try (Connection c = DriverManager.getConnection("jdbc:h2:mem:crash" + id)) {
                    for (int i = 0; i < share; i++) {
                        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + i + " AS crash_probe")) {
                            rs.next();
                        }
                    }
                } catch (Exception e) {
                    System.out.println("failed: " + e);
                }
            });
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        System.out.println("done: " + n);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
