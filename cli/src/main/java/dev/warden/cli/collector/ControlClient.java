package dev.warden.cli.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The control-plane commands' connection to the collector's HTTP API: the collector and token
 * options of {@link ApprovalsCommand} ({@code --collector}, {@code --token}, {@code WARDEN_TOKEN},
 * {@code --store}), JSON bodies, and one clear error line for a collector that is down, a token
 * it does not know, or an order it refuses (an invalid policy prints policy check's
 * {@code file:line:col: message} lines). One command thread.
 */
class ControlClient extends ApprovalsCommand.Conn {
    static final ObjectMapper JSON = new ObjectMapper();

    /** The order's target from {@code --agent ID} / {@code --all}: an agent id or {@code *}; exactly one unless {@code toolGiven} (a kill or resume of one tool on every agent). */
    static String target(String agent, boolean all, boolean toolGiven, boolean toolAllowed) {
        if (agent != null && all) {
            throw new Main.UserError("give --agent ID or --all, not both");
        }
        if (agent == null && !all && !toolGiven) {
            throw new Main.UserError("give --agent ID or --all" + (toolAllowed ? " (or --tool NAME)" : "") + " to say which agents the order is for");
        }
        if (agent != null && agent.isBlank()) {
            throw new Main.UserError("--agent needs an agent id");
        }
        return agent != null ? agent : "*";
    }

    /** Sends a request; returns the JSON body of a 200 or throws a UserError (printing policy problems to {@code err} first). */
    JsonNode send(String method, String path, JsonNode body, String token, PrintWriter err) {
        HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest.Builder b;
        try {
            b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(15)).header("Authorization", "Bearer " + token);
        } catch (IllegalArgumentException e) {
            throw new Main.UserError("--collector " + url + ": not a URL (expected e.g. http://127.0.0.1:8181)");
        }
        if (method.equals("POST")) {
            b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body == null ? "{}" : body.toString()));
        } else {
            b.GET();
        }
        HttpResponse<String> r;
        try {
            r = c.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new Main.UserError("cannot reach the collector at " + url + " (is `warden collector` running there? --collector URL)");
        } catch (IOException e) {
            throw new Main.UserError("cannot reach the collector at " + url + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Main.UserError("interrupted");
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new Main.UserError("the collector at " + url + " answered " + r.statusCode() + " with a body that is not JSON");
        }
        if (r.statusCode() == 401) {
            throw new Main.UserError("the collector at " + url + " does not accept this token (401): give --token, WARDEN_TOKEN or --store DIR");
        }
        if (r.statusCode() != 200) {
            if (answer.has("problems")) {
                for (JsonNode p : answer.get("problems")) {
                    err.println(p.asText());
                }
                err.flush();
            }
            throw new Main.UserError("collector: " + answer.path("error").asText(r.body()) + " (" + r.statusCode() + ")");
        }
        return answer;
    }
}
