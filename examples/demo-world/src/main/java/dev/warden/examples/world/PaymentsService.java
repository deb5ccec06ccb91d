package dev.warden.examples.world;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;

/**
 * The local payments service the refund agent's {@code issueRefund} tool calls:
 * {@code POST /refunds {"customer":"C-17","amount":120.00,"currency":"EUR"}} answers
 * {@code 201 {"id":"R-1001","customer":…,"amount":…,"currency":…,"status":"issued"}};
 * {@code GET /refunds} lists the refunds issued. Thread-safe (see {@link RecordingService}).
 */
public final class PaymentsService extends RecordingService {

    public PaymentsService(int port) throws IOException {
        super("refunds", port);
    }

    @Override
    protected ObjectNode accept(JsonNode request, int seq) throws Invalid {
        String customer = text(request, "customer");
        JsonNode amount = request.get("amount");
        if (amount == null || !amount.isNumber() || !(amount.decimalValue().signum() > 0)) {
            throw new Invalid("\"amount\" must be a positive number");
        }
        ObjectNode refund = JSON.createObjectNode();
        refund.put("id", "R-" + (1000 + seq));
        refund.put("customer", customer);
        refund.put("amount", amount.decimalValue());
        refund.put("currency", request.path("currency").asText("EUR"));
        refund.put("status", "issued");
        return refund;
    }

    @Override
    protected int createdStatus() {
        return 201;
    }
}
