package dev.warden.agent.it.apps;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * A plain JDBC application (no Warden code) that keeps its end user in a static
 * {@code ThreadLocal}, as web frameworks do, and writes to H2 as an intern and as a regular
 * user, then sends an asynchronous JDK {@code HttpClient} request as that user (its hops run on
 * the client's threads). Prints one line per call: the update count, row count or HTTP status,
 * or the block. Arguments: an H2 JDBC URL and, optionally, an HTTP URL.
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
        if (args.length > 1) {
            USER.set("bob");
            java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
            int status = client.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(args[1])).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode();
            System.out.println("bob async http: " + status);
        }
        System.out.println("done: principal");
    }
}
