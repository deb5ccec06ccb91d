package dev.warden.agent.it.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * An application whose evidence disk fills while it runs (the test starts it under a file-size
 * limit and lifts the limit later). It runs governed SQL queries when told on stdin and answers
 * each command with one line on stdout; a command answers within its own time limit, so a hang
 * shows as a missing answer. Main thread only.
 *
 * <p>Commands: {@code until-blocked MAX} (queries until the first one Warden blocks; prints
 * {@code blocked: <calls that went ahead> <message>} or {@code never-blocked: MAX}),
 * {@code until-allowed MAX} (queries until one goes ahead: {@code allowed-after: <blocked before>}
 * or {@code never-allowed: MAX}), {@code run N} (N queries: {@code ran: <went ahead> <blocked>}),
 * {@code exit}.
 */
public final class DiskFullApp {
    private static long probe;

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:diskfull")) {
            System.out.println("ready");
            System.out.flush();
            String line;
            while ((line = in.readLine()) != null) {
                String[] cmd = line.trim().split(" ");
                switch (cmd[0]) {
                    case "until-blocked" -> {
                        long max = Long.parseLong(cmd[1]);
                        long went = 0;
                        String message = null;
                        while (went < max && message == null) {
                            message = query(c);
                            if (message == null) {
                                went++;
                            }
                        }
                        System.out.println(message == null ? "never-blocked: " + max : "blocked: " + went + " " + message);
                    }
                    case "until-allowed" -> {
                        long max = Long.parseLong(cmd[1]);
                        long blocked = 0;
                        while (blocked < max && query(c) != null) {
                            blocked++;
                        }
                        System.out.println(blocked == max ? "never-allowed: " + max : "allowed-after: " + blocked);
                    }
                    case "run" -> {
                        long n = Long.parseLong(cmd[1]);
                        long went = 0;
                        for (long i = 0; i < n; i++) {
                            if (query(c) == null) {
                                went++;
                            }
                        }
                        System.out.println("ran: " + went + " " + (n - went));
                    }
                    case "exit" -> {
                        System.out.println("bye");
                        System.out.flush();
                        return;
                    }
                    default -> System.out.println("unknown: " + line);
                }
                System.out.flush();
            }
        }
    }

    /** One governed query; null when it went ahead, the block message when Warden blocked it. */
    private static String query(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + (probe++) + " AS disk_probe")) {
            rs.next();
            return null;
        } catch (SQLException e) {
            if (!Blocked.is(e)) {
                throw e;
            }
            return e.getMessage().replace('\n', ' ');
        }
    }
}
