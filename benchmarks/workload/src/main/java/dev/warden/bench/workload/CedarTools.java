package dev.warden.bench.workload;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.warden.examples.refund.RefundTools;
import java.util.List;

/**
 * The refund agent's five tools as the {@code cedar} variant exposes them to LangChain4j: the same
 * names, descriptions and parameters as the example's {@link RefundTools} (so the model sees identical
 * requests), each asking {@link CedarGuard} first — the tool call itself, then the SQL or HTTP the tool
 * is about to do — and then delegating to the example's tool. This is the hand-written wiring Warden
 * replaces with one JVM flag.
 *
 * <p>Thread-safe (stateless; the guard keeps per-thread session facts).
 */
public final class CedarTools {
    private static final List<String> CUSTOMERS = List.of("customers");

    private final RefundTools tools;
    private final CedarGuard guard;
    private final String paymentsUrl;
    private final String mailUrl;

    CedarTools(RefundTools tools, CedarGuard guard, String paymentsUrl, String mailUrl) {
        this.tools = tools;
        this.guard = guard;
        this.paymentsUrl = paymentsUrl;
        this.mailUrl = mailUrl;
    }

    @Tool("Looks up a customer's record (name, email, country, payment details) by customer id, e.g. C-17")
    public String lookupCustomer(@P("the customer id, e.g. C-17") String id) {
        guard.tool("lookupCustomer", 0, null);
        guard.sql("SELECT", CUSTOMERS);
        return tools.lookupCustomer(id);
    }

    @Tool("Issues a refund in EUR to a customer through the payments service")
    public String issueRefund(@P("the customer id") String customer, @P("the amount in EUR") double amount) {
        guard.tool("issueRefund", amount, null);
        guard.http("POST", paymentsUrl + "/refunds");
        return tools.issueRefund(customer, amount);
    }

    @Tool("Sends an email to a customer")
    public String sendEmail(@P("recipient email address") String to, @P("subject line") String subject, @P("plain-text body") String body) {
        guard.tool("sendEmail", 0, null);
        guard.http("POST", mailUrl + "/messages");
        return tools.sendEmail(to, subject, body);
    }

    @Tool("Admin tool: runs one SQL statement on the customer database and returns its result")
    public String runSql(@P("the SQL statement") String sql) {
        guard.tool("runSql", 0, null);
        // a hand-written guard has no SQL parser: the strongest keyword decides, as Warden does for unreadable SQL
        String head = sql == null ? "" : sql.strip().split("\\s+", 2)[0].toUpperCase(java.util.Locale.ROOT);
        guard.sql(List.of("CREATE", "ALTER", "DROP", "TRUNCATE").contains(head) ? "DDL" : head, List.of());
        return tools.runSql(sql);
    }

    @Tool("Exports a customer's account report to a destination URL")
    public String exportReport(@P("the customer id") String customer, @P("the http(s) URL to upload the report to") String destination) {
        guard.tool("exportReport", 0, null);
        guard.sql("SELECT", CUSTOMERS);
        guard.http("POST", destination);
        return tools.exportReport(customer, destination);
    }
}
