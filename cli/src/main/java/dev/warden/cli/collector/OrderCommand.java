package dev.warden.cli.collector;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/**
 * What the order-issuing commands ({@code policy push}, {@code policy rollback}, {@code kill},
 * {@code resume}) share: issue the order, then follow its rollout in {@code GET /api/fleet} for
 * up to {@code --wait} seconds and print, per instance, whether it applied or refused it. Exit 1
 * when an instance refused it. One command thread.
 */
abstract class OrderCommand extends ControlClient {
    @Option(names = "--wait", paramLabel = "SECONDS", description = "follow the rollout this long (default 5; 0: do not wait)")
    double waitSeconds = 5;

    /** Prints the issued order and its rollout; returns the exit code. */
    int issued(JsonNode order, String token, PrintWriter out, PrintWriter err) {
        long serial = order.path("serial").asLong();
        JsonNode sent = order.path("sent_to");
        out.printf("issued %s%n", order.path("description").asText("#" + serial));
        if (sent.isMissingNode()) {
            out.println("  not yet sent (the collector is busy); it reaches every instance when it next connects");
            out.flush();
            return 0;
        }
        if (sent.isEmpty()) {
            out.println("  no instance of the target is connected now; each gets it when it connects");
            out.flush();
            return 0;
        }
        long deadline = System.currentTimeMillis() + (long) (waitSeconds * 1000);
        JsonNode rollout = null;
        while (true) {
            JsonNode fleet = send("GET", "/api/fleet", null, token, err);
            for (JsonNode o : fleet.path("orders")) {
                if (o.path("serial").asLong() == serial) {
                    rollout = o.path("rollout");
                }
            }
            int answered = 0;
            for (JsonNode i : sent) {
                String s = rollout == null ? "sent" : rollout.path(i.asText()).asText("sent");
                answered += s.equals("sent") ? 0 : 1;
            }
            if (answered == sent.size() || System.currentTimeMillis() >= deadline) {
                break;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int refused = 0;
        int pending = 0;
        JsonNode statuses = fleetStatuses(token, serial, err);
        for (JsonNode i : sent) {
            String instance = i.asText();
            JsonNode st = statuses.path(instance);
            String s = st.path("status").asText("sent");
            refused += s.equals("refused") ? 1 : 0;
            pending += s.equals("sent") ? 1 : 0;
            out.printf("  %-30s %s%s%n", instance, s.equals("sent") ? "sent, no acknowledgement yet" : s,
                    st.path("detail").isTextual() ? ": " + st.path("detail").asText() : "");
        }
        out.printf("%d instance(s): %d applied, %d refused, %d pending%n", sent.size(), sent.size() - refused - pending, refused, pending);
        out.flush();
        return refused > 0 ? 1 : 0;
    }

    /** instance -> {status, detail} of one order, from each instance's order list. */
    private JsonNode fleetStatuses(String token, long serial, PrintWriter err) {
        var m = JSON.createObjectNode();
        for (JsonNode i : send("GET", "/api/fleet", null, token, err).path("instances")) {
            for (JsonNode o : i.path("orders")) {
                if (o.path("serial").asLong() == serial) {
                    m.set(i.path("instance").asText(), o);
                }
            }
        }
        return m;
    }
}
