package dev.warden.agent.it.apps;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Creates a table (printing {@code setup: ok} or {@code setup: blocked}: a kill in force at
 * start denies even that), then queries it every 20 ms and prints {@code query N: ok},
 * {@code query N: blocked} or {@code query N: error ...} until killed, while the test sends
 * control orders to its agent.
 */
public final class ControlApp {
    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:control")) {
            String setup;
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE orders (id INT)");
                setup = "ok";
            } catch (SQLException e) {
                setup = Blocked.is(e) ? "blocked" : "error " + e;
            }
            System.out.println("setup: " + setup);
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
