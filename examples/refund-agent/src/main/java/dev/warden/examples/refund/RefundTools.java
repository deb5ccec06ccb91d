package dev.warden.examples.refund;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.warden.examples.support.SupportDesk;

/**
 * The refund agent's tools as LangChain4j {@code @Tool} methods. The names are part of the contract
 * with the demo policy ({@code examples/policies/refund-agent.yaml}): lookupCustomer, issueRefund,
 * sendEmail, runSql, exportReport. Each delegates to {@link SupportDesk}, which does its SQL and HTTP
 * on the calling thread — LangChain4j runs tools on the AI-service caller's thread (no concurrent tool
 * execution is configured), so every such action happens inside its tool call. A failure is thrown
 * as {@code ToolFailure}; LangChain4j sends its message to the model as an error result.
 *
 * <p>Thread-safe (stateless apart from the thread-safe desk).
 */
public final class RefundTools {

    private final SupportDesk desk;

    public RefundTools(SupportDesk desk) {
        this.desk = desk;
    }

    @Tool("Looks up a customer's record (name, email, country, payment details) by customer id, e.g. C-17")
    public String lookupCustomer(@P("the customer id, e.g. C-17") String id) {
        return desk.lookupCustomer(id);
    }

    @Tool("Issues a refund in EUR to a customer through the payments service")
    public String issueRefund(@P("the customer id") String customer, @P("the amount in EUR") double amount) {
        return desk.issueRefund(customer, amount);
    }

    @Tool("Sends an email to a customer")
    public String sendEmail(@P("recipient email address") String to, @P("subject line") String subject, @P("plain-text body") String body) {
        return desk.sendEmail(to, subject, body);
    }

    @Tool("Admin tool: runs one SQL statement on the customer database and returns its result")
    public String runSql(@P("the SQL statement") String sql) {
        return desk.runSql(sql);
    }

    @Tool("Exports a customer's account report to a destination URL")
    public String exportReport(@P("the customer id") String customer, @P("the http(s) URL to upload the report to") String destination) {
        return desk.exportReport(customer, destination);
    }
}
