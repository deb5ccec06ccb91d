package dev.warden.agent.it.apps;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;

/**
 * A plain JDBC application (no Warden code) against H2, SQLite and HikariCP over H2. Prints one
 * line per statement: the update count, or {@code <exception class> state=<SQLState> blocked=<is
 * WardenBlocked>}. Arguments: an H2 JDBC URL and a SQLite database file.
 */
public final class JdbcApp {
    public static void main(String[] args) throws Exception {
        String h2 = args[0];
        String sqlite = "jdbc:sqlite:" + args[1];
        try (Connection c = DriverManager.getConnection(h2, "sa", "")) {
            setup(c);
            Blocked.report("h2 statement insert notes", () -> update(c, "INSERT INTO notes VALUES (1, 'hello')"));
            Blocked.report("h2 prepared insert secrets", () -> {
                try (PreparedStatement p = c.prepareStatement("INSERT INTO secrets VALUES (?, ?)")) {
                    p.setInt(1, 1);
                    p.setString(2, "leaked");
                    return p.executeUpdate();
                }
            });
            Blocked.report("h2 statement insert secrets", () -> update(c, "insert into SECRETS values (2, 'leaked')"));
            Blocked.report("h2 schema-qualified insert secrets", () -> update(c, "INSERT INTO PUBLIC.\"SECRETS\" VALUES (3, 'leaked')"));
            Blocked.report("h2 comment-hidden insert secrets", () -> update(c, "/* harmless */ INSERT -- really\n INTO secrets VALUES (4, 'leaked')"));
            Blocked.report("h2 multi-statement", () -> {
                try (Statement s = c.createStatement()) {
                    return s.execute("SELECT 1; DELETE FROM secrets") ? 1 : 0;
                }
            });
            Blocked.report("h2 mixed batch", () -> {
                try (Statement s = c.createStatement()) {
                    s.addBatch("INSERT INTO notes VALUES (10, 'batched')");
                    s.addBatch("INSERT INTO secrets VALUES (11, 'leaked')");
                    return Arrays.stream(s.executeBatch()).sum();
                }
            });
            Blocked.report("h2 prepared batch notes", () -> {
                try (PreparedStatement p = c.prepareStatement("INSERT INTO notes VALUES (?, 'pb')")) {
                    p.setInt(1, 20);
                    p.addBatch();
                    p.setInt(1, 21);
                    p.addBatch();
                    return Arrays.stream(p.executeBatch()).sum();
                }
            });
            Blocked.report("h2 select notes", () -> {
                try (Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM notes")) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            Blocked.report("h2 unparseable", () -> update(c, "FROBNICATE the secrets"));
        }

        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(h2);
        config.setUsername("sa");
        config.setMaximumPoolSize(2);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            Blocked.report("hikari prepared insert notes", () -> {
                try (Connection c = pool.getConnection(); PreparedStatement p = c.prepareStatement("INSERT INTO notes (id, text) VALUES (?, 'via pool')")) {
                    p.setInt(1, 30);
                    return p.executeUpdate();
                }
            });
            Blocked.report("hikari statement insert secrets", () -> {
                try (Connection c = pool.getConnection()) {
                    return update(c, "INSERT INTO secrets VALUES (31, 'leaked')");
                }
            });
        }

        try (Connection c = DriverManager.getConnection(sqlite)) {
            setup(c);
            Blocked.report("sqlite statement insert notes", () -> update(c, "INSERT INTO notes VALUES (1, 'hello')"));
            Blocked.report("sqlite prepared insert secrets", () -> {
                try (PreparedStatement p = c.prepareStatement("INSERT INTO secrets VALUES (?, ?)")) {
                    p.setInt(1, 1);
                    p.setString(2, "leaked");
                    return p.executeUpdate();
                }
            });
            Blocked.report("sqlite statement delete secrets", () -> update(c, "DELETE FROM secrets"));
        }
        System.out.println("done: jdbc");
    }

    static void setup(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS notes (id INT, text VARCHAR(100))");
            s.execute("CREATE TABLE IF NOT EXISTS secrets (id INT, text VARCHAR(100))");
        }
    }

    static int update(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        }
    }

    /** Prints {@code label: result} for one statement (other test applications use it too). */
    static void run(String label, Blocked.Body body) {
        Blocked.report(label, body);
    }
}
