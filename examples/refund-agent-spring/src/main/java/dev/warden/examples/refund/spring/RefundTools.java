package dev.warden.examples.refund.spring;

import dev.warden.examples.support.SupportDesk;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;

/**
 * The refund agent's tools as Spring AI {@code @Tool} methods, with the same names as the LangChain4j
 * variant (lookupCustomer, issueRefund, sendEmail, runSql, exportReport). Spring AI runs them on the
 * {@code ChatClient.call()} thread, one after another, and each delegates to {@link SupportDesk}, whose
 * SQL and HTTP happen on that thread. Results go to the model as plain text ({@link PlainTextResult});
 * a {@code ToolFailure} is a RuntimeException, which Spring AI turns into a result text carrying its
 * message. Thread-safe.
 */
public final class RefundTools {

    private final SupportDesk desk;

    public RefundTools(SupportDesk desk) {
        this.desk = desk;
    }

    @Tool(description = "Looks up a customer's record (name, email, country, payment details) by customer id, e.g. C-17",
            resultConverter = PlainTextResult.class)
    public String lookupCustomer(@ToolParam(description = "the customer id, e.g. C-17") String id) {
        return desk.lookupCustomer(id);
    }

    @Tool(description = "Issues a refund in EUR to a customer through the payments service", resultConverter = PlainTextResult.class)
    public String issueRefund(@ToolParam(description = "the customer id") String customer,
                              @ToolParam(description = "the amount in EUR") double amount) {
        return desk.issueRefund(customer, amount);
    }

    @Tool(description = "Sends an email to a customer", resultConverter = PlainTextResult.class)
    public String sendEmail(@ToolParam(description = "recipient email address") String to,
                            @ToolParam(description = "subject line") String subject,
                            @ToolParam(description = "plain-text body") String body) {
        return desk.sendEmail(to, subject, body);
    }

    @Tool(description = "Admin tool: runs one SQL statement on the customer database and returns its result", resultConverter = PlainTextResult.class)
    public String runSql(@ToolParam(description = "the SQL statement") String sql) {
        return desk.runSql(sql);
    }

    @Tool(description = "Exports a customer's account report to a destination URL", resultConverter = PlainTextResult.class)
    public String exportReport(@ToolParam(description = "the customer id") String customer,
                               @ToolParam(description = "the http(s) URL to upload the report to") String destination) {
        return desk.exportReport(customer, destination);
    }
}
