package dev.warden.examples.world;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;

/**
 * The local mail API the refund agent's {@code sendEmail} tool calls:
 * {@code POST /messages {"to":…,"subject":…,"body":…}} answers {@code 202 {"id":"M-1","status":"queued",…}};
 * {@code GET /messages} lists the messages accepted. Thread-safe (see {@link RecordingService}).
 */
public final class MailService extends RecordingService {

    public MailService(int port) throws IOException {
        super("messages", port);
    }

    @Override
    protected ObjectNode accept(JsonNode request, int seq) throws Invalid {
        String to = text(request, "to");
        if (!to.contains("@")) {
            throw new Invalid("\"to\" must be an email address");
        }
        ObjectNode message = JSON.createObjectNode();
        message.put("id", "M-" + seq);
        message.put("to", to);
        message.put("subject", request.path("subject").asText(""));
        message.put("body", request.path("body").asText(""));
        message.put("status", "queued");
        return message;
    }

    @Override
    protected int createdStatus() {
        return 202;
    }
}
