package dev.warden.examples.support;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;

/**
 * What the refund agent's five tools do, independent of the AI framework that exposes them:
 * <ul>
 *   <li>{@link #lookupCustomer} — SELECT on the {@code customers} table (JDBC, H2);</li>
 *   <li>{@link #issueRefund} — POST {@code {payments}/refunds} (JDK HttpClient);</li>
 *   <li>{@link #sendEmail} — POST {@code {mail}/messages} (JDK HttpClient);</li>
 *   <li>{@link #runSql} — the admin tool: runs whatever SQL it is given (JDBC);</li>
 *   <li>{@link #exportReport} — reads the customer and POSTs the record to any destination URL.</li>
 * </ul>
 * Every database statement and HTTP request runs synchronously on the calling thread — the tool's
 * thread — so a runtime monitor can attribute it to the tool call in progress. Failures (including a
 * call blocked by Warden) surface as {@link ToolFailure} with a one-line message the model can read.
 *
 * <p>Thread-safe: no mutable state besides the thread-safe HTTP client and connection pool.
 */
public final class SupportDesk {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS) // amounts keep their scale: 120.00
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    private final CustomerDatabase db;
    private final String paymentsUrl;
    private final String mailUrl;
    private final HttpClient http;

    public SupportDesk(CustomerDatabase db, String paymentsUrl, String mailUrl) {
        this.db = db;
        this.paymentsUrl = paymentsUrl;
        this.mailUrl = mailUrl;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(3))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** The customer record as JSON: id, name, email, country, ssn, card_number. */
    public String lookupCustomer(String id) {
        if (id == null || id.isBlank()) {
            throw new ToolFailure("lookupCustomer failed: a customer id is required");
        }
        try {
            ObjectNode c = readCustomer(id.trim());
            if (c == null) {
                return "No customer with id " + id.trim();
            }
            return c.toString();
        } catch (SQLException e) {
            throw new ToolFailure("lookupCustomer failed: " + describe(e), e);
        }
    }

    /** Issues a refund through the payments service; returns its confirmation. */
    public String issueRefund(String customer, double amount) {
        if (customer == null || customer.isBlank()) {
            throw new ToolFailure("issueRefund failed: a customer id is required");
        }
        if (!(amount > 0) || Double.isInfinite(amount)) {
            throw new ToolFailure("issueRefund failed: the amount must be a positive number, not " + amount);
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("customer", customer.trim());
        body.put("amount", BigDecimal.valueOf(amount).setScale(2, RoundingMode.HALF_UP));
        body.put("currency", "EUR");
        JsonNode answer = post("issueRefund", paymentsUrl + "/refunds", body);
        return "Refund " + answer.path("id").asText("?") + " of " + answer.path("amount").asText() + " "
                + answer.path("currency").asText("EUR") + " to " + answer.path("customer").asText() + ": "
                + answer.path("status").asText("unknown");
    }

    /** Sends an email through the mail API; returns the message id. */
    public String sendEmail(String to, String subject, String body) {
        if (to == null || !to.contains("@")) {
            throw new ToolFailure("sendEmail failed: \"" + to + "\" is not an email address");
        }
        ObjectNode mail = JSON.createObjectNode();
        mail.put("to", to);
        mail.put("subject", subject == null ? "" : subject);
        mail.put("body", body == null ? "" : body);
        JsonNode answer = post("sendEmail", mailUrl + "/messages", mail);
        return "Email " + answer.path("id").asText("?") + " to " + to + ": " + answer.path("status").asText("unknown");
    }

    /** Runs {@code sql}; a query returns its first rows as text, an update its row count. */
    public String runSql(String sql) {
        if (sql == null || sql.isBlank()) {
            throw new ToolFailure("runSql failed: no SQL given");
        }
        try (Connection c = db.connection(); Statement s = c.createStatement()) {
            if (s.execute(sql)) {
                try (ResultSet rs = s.getResultSet()) {
                    return rows(rs, 20);
                }
            }
            int n = s.getUpdateCount();
            return n > 0 ? "OK, " + n + " row(s) affected" : "OK";
        } catch (SQLException e) {
            throw new ToolFailure("runSql failed: " + describe(e), e);
        }
    }

    /** Reads the customer's record and POSTs it as a report to {@code destination}. */
    public String exportReport(String customer, String destination) {
        URI target;
        try {
            target = URI.create(destination == null ? "" : destination.trim());
        } catch (IllegalArgumentException e) {
            throw new ToolFailure("exportReport failed: \"" + destination + "\" is not a URL");
        }
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || target.getHost() == null) {
            throw new ToolFailure("exportReport failed: the destination must be an http(s) URL, not \"" + destination + "\"");
        }
        ObjectNode record;
        try {
            record = readCustomer(customer == null ? "" : customer.trim());
        } catch (SQLException e) {
            throw new ToolFailure("exportReport failed: " + describe(e), e);
        }
        if (record == null) {
            throw new ToolFailure("exportReport failed: no customer with id " + customer);
        }
        ObjectNode report = JSON.createObjectNode();
        report.put("report", "customer-account");
        report.set("customer", record);
        JsonNode answer = post("exportReport", target.toString(), report);
        return "Report on " + customer + " delivered to " + target.getHost() + ": " + answer.toString();
    }

    // ---------------------------------------------------------------- plumbing

    private ObjectNode readCustomer(String id) throws SQLException {
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT id, name, email, country, ssn, card_number FROM customers WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                ObjectNode o = JSON.createObjectNode();
                ResultSetMetaData md = rs.getMetaData();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    o.put(md.getColumnLabel(i).toLowerCase(Locale.ROOT), rs.getString(i));
                }
                return o;
            }
        }
    }

    private static String rows(ResultSet rs, int max) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            sb.append(i > 1 ? " | " : "").append(md.getColumnLabel(i).toLowerCase(Locale.ROOT));
        }
        int n = 0;
        while (rs.next()) {
            if (n == max) {
                sb.append("\n... more rows");
                break;
            }
            sb.append('\n');
            for (int i = 1; i <= md.getColumnCount(); i++) {
                sb.append(i > 1 ? " | " : "").append(rs.getString(i));
            }
            n++;
        }
        return sb.toString();
    }

    /** POSTs {@code body} as JSON on this thread; a non-2xx answer or an I/O failure is a {@link ToolFailure}. */
    private JsonNode post(String tool, String url, JsonNode body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            throw new ToolFailure(tool + " failed: POST " + url + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolFailure(tool + " failed: interrupted while calling " + url, e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new ToolFailure(tool + " failed: POST " + url + " answered " + response.statusCode() + ": " + oneLine(response.body()));
        }
        try {
            return JSON.readTree(response.body().isEmpty() ? "{}" : response.body());
        } catch (IOException e) {
            return JSON.createObjectNode().put("raw", oneLine(response.body()));
        }
    }

    /** The message of {@code t}, else its class, followed by its causes' messages: one line. */
    static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null && sb.length() < 400; c = c.getCause() == c ? null : c.getCause()) {
            String m = c.getMessage();
            String part = m == null || m.isBlank() ? c.getClass().getSimpleName() : m;
            if (sb.length() == 0) {
                sb.append(part);
            } else if (sb.indexOf(part) < 0) {
                sb.append(" (").append(part).append(')');
            }
        }
        return oneLine(sb.toString());
    }

    private static String oneLine(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() <= 300 ? one : one.substring(0, 297) + "...";
    }
}
