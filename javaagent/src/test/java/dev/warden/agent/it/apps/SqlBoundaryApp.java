package dev.warden.agent.it.apps;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A plain JDBC application (no Warden code) against H2 for policy language 1.1: ten customers
 * with an {@code ssn} column, then queries that a {@code max_rows} cap and a column boundary
 * apply to. Prints one line per query: the number of rows the application read, or the block.
 * Argument: an H2 JDBC URL.
 */
public final class SqlBoundaryApp {
    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection(args[0], "sa", "")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE customers (id INT, name VARCHAR(40), ssn VARCHAR(11))");
                s.execute("CREATE TABLE orders (id INT, customer INT, total INT)");
                for (int i = 1; i <= 10; i++) {
                    s.executeUpdate("INSERT INTO customers VALUES (" + i + ", 'c" + i + "', '000-00-000" + (i % 10) + "')");
                    s.executeUpdate("INSERT INTO orders VALUES (" + i + ", " + i + ", " + (i * 10) + ")");
                }
            }
            JdbcApp.run("capped select", () -> rows(c, "SELECT id, name FROM customers"));
            JdbcApp.run("capped prepared", () -> {
                try (PreparedStatement p = c.prepareStatement("SELECT name FROM customers WHERE id > ?")) {
                    p.setInt(1, 0);
                    return count(p.executeQuery());
                }
            });
            JdbcApp.run("own smaller limit", () -> {
                try (Statement s = c.createStatement()) {
                    s.setMaxRows(2);
                    return count(s.executeQuery("SELECT id FROM customers"));
                }
            });
            JdbcApp.run("reused statement uncapped", () -> {
                try (Statement s = c.createStatement()) {
                    count(s.executeQuery("SELECT id FROM customers"));
                    return count(s.executeQuery("SELECT id FROM orders"));
                }
            });
            JdbcApp.run("select ssn", () -> rows(c, "SELECT ssn FROM customers"));
            JdbcApp.run("select star", () -> rows(c, "SELECT * FROM customers"));
            JdbcApp.run("select aliased ssn", () -> rows(c, "SELECT k.ssn FROM customers k"));
            JdbcApp.run("select unqualified ssn in a join", () -> rows(c, "SELECT total, ssn FROM orders o JOIN customers k ON o.customer = k.id"));
            JdbcApp.run("select orders star", () -> rows(c, "SELECT * FROM orders"));
        }
        System.out.println("done: sql boundary");
    }

    static int rows(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            return count(s.executeQuery(sql));
        }
    }

    static int count(ResultSet rs) throws SQLException {
        try (rs) {
            int n = 0;
            while (rs.next()) {
                n++;
            }
            return n;
        }
    }
}
