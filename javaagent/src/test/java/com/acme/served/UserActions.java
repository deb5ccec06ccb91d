package com.acme.served;

import dev.warden.agent.it.apps.Blocked;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * What the servlet test applications do for one request, on the thread serving it, with no Warden
 * code: an H2 {@code INSERT} of the request's label (also its column alias, which the evidence keeps), an {@code HttpURLConnection} GET of
 * {@code <downstream>/<label>}, and (when asked) a refund through a LangChain4j-annotated
 * {@code @Tool} method called as a plain method. Answers one line saying what each did and which
 * thread served the request (for a virtual thread, also the carrier it ran on). A package outside {@code dev.warden.agent}, whose classes Warden
 * never weaves. Any thread.
 */
public final class UserActions {
    private UserActions() {
    }

    /** LangChain4j-annotated tools, called outside the framework (governed as {@code framework: annotated}). */
    public static final class RefundTools {
        @dev.langchain4j.agent.tool.Tool(name = "issueRefund", value = "Issues a refund")
        public String refund(String customer, double amount) {
            return "refunded";
        }
    }

    /** Kept open for the application's life, so the requests' own connections find the database open (an H2 file database is closed with its last connection). */
    private static Connection keeper;

    /** Creates the table the requests write to. */
    public static void createTable(String jdbcUrl) throws Exception {
        keeper = DriverManager.getConnection(jdbcUrl);
        try (Statement s = keeper.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS orders(label VARCHAR(64), claimed VARCHAR(64))");
        }
    }

    /** A query run by a filter before the servlet: {@code SELECT 1 AS <where>_<label as identifier>}. */
    public static String query(String jdbcUrl, String where, String label) {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            s.executeQuery("SELECT 1 AS " + where + "_" + tag(label)).close();
            return "ok";
        } catch (Exception e) {
            return outcome(e);
        }
    }

    /**
     * The request's work. {@code label} names the row and the downstream path; {@code claimed} is the
     * user the client said it was (stored beside the row); {@code refund} &lt;= 0 means no refund.
     */
    public static String act(String jdbcUrl, String downstream, String label, String claimed, double refund) {
        String sql;
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            // the label as a column alias: evidence keeps identifiers, never literals
            s.executeUpdate("INSERT INTO orders(label, claimed) SELECT '" + label + "', " + (claimed == null ? "NULL" : "'" + claimed + "'")
                    + " AS " + tag(label));
            sql = "ok";
        } catch (Exception e) {
            sql = outcome(e);
        }
        String http;
        try {
            HttpURLConnection c = (HttpURLConnection) new URL(downstream + "/" + label).openConnection();
            try (InputStream in = c.getInputStream()) {
                http = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (Exception e) {
            http = outcome(e);
        }
        String tool = "none";
        if (refund > 0) {
            try {
                tool = new RefundTools().refund(label, refund);
            } catch (Exception e) { // Warden's block of a tool that declares no checked exception
                tool = outcome(e);
            }
        }
        return "sql=" + sql + " http=" + http + " refund=" + tool + " thread=" + thread();
    }

    /**
     * The calling thread: its name, or for a virtual thread {@code virtual:<name>#<id>@<carrier>}
     * (its {@code toString()} names the carrier it is mounted on).
     */
    static String thread() {
        Thread t = Thread.currentThread();
        String s = t.toString(); // VirtualThread[#45,tomcat-handler-3]/runnable@ForkJoinPool-1-worker-1
        int at = s.lastIndexOf('@');
        return s.startsWith("VirtualThread[") && at > 0 ? "virtual:" + t.getName() + "#" + t.getId() + s.substring(at) : t.getName();
    }

    /** The label as an SQL identifier ({@code alice-1} → {@code alice_1}). */
    public static String tag(String label) {
        return label.replace('-', '_');
    }

    static String outcome(Exception e) {
        return Blocked.is(e) ? "blocked" : e.getClass().getName();
    }
}
