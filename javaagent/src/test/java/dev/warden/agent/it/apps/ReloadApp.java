package dev.warden.agent.it.apps;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Queries a table every 20 ms and prints {@code query N: ok} or {@code query N: blocked} for each
 * attempt, until killed: the test edits the policy file meanwhile and watches the answers change.
 */
public final class ReloadApp {
    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:reload")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE orders (id INT)");
            }
            for (long i = 1; ; i++) {
                String result;
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM orders")) {
                    rs.next();
                    result = "ok";
                } catch (SQLException e) {
                    result = Blocked.is(e) ? "blocked" : "error " + e;
                }
                System.out.println("query " + i + ": " + result);
                System.out.flush();
                Thread.sleep(20);
            }
        }
    }
}
