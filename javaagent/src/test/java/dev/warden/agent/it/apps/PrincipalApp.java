package dev.warden.agent.it.apps;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * A plain JDBC application (no Warden code) that keeps its end user in a static
 * {@code ThreadLocal}, as web frameworks do, and writes to H2 as an intern and as a regular
 * user. Prints one line per statement: the update count or row count, or the block.
 * Argument: an H2 JDBC URL.
 */
public final class PrincipalApp {
    public static final ThreadLocal<String> USER = new ThreadLocal<>();

    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection(args[0], "sa", "")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE notes (id INT, text VARCHAR(40))");
            }
            USER.set("intern-7");
            JdbcApp.run("intern insert", () -> JdbcApp.update(c, "INSERT INTO notes VALUES (1, 'intern')"));
            JdbcApp.run("intern select", () -> SqlBoundaryApp.rows(c, "SELECT id FROM notes"));
            USER.set("alice");
            JdbcApp.run("alice insert", () -> JdbcApp.update(c, "INSERT INTO notes VALUES (2, 'alice')"));
            USER.remove();
            JdbcApp.run("nobody insert", () -> JdbcApp.update(c, "INSERT INTO notes VALUES (3, 'nobody')"));
        }
        System.out.println("done: principal");
    }
}
