package dev.warden.cli.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.cli.Main;
import dev.warden.collector.Tokens;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code warden approvals list|approve ID|deny ID --as NAME}: human approvals through the
 * collector's HTTP API. The token is {@code --token}, else {@code WARDEN_TOKEN}, else (on the
 * collector's host) the named approver's line of {@code STORE/http-tokens}.
 */
@Command(name = "approvals", description = "List, approve and deny escalated actions waiting in the collector.",
        subcommands = {ApprovalsCommand.ListCmd.class, ApprovalsCommand.Approve.class, ApprovalsCommand.Deny.class})
public final class ApprovalsCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Connection options shared by the subcommands. */
    static class Conn {
        @Option(names = "--collector", paramLabel = "URL", description = "the collector's HTTP API (default http://127.0.0.1:8181)")
        String url = "http://127.0.0.1:8181";
        @Option(names = "--token", description = "a bearer token (default: $WARDEN_TOKEN, or the name's token in --store)")
        String token;
        @Option(names = "--store", paramLabel = "DIR", description = "the collector's store, to read a token from http-tokens")
        Path store;

        String token(String name) {
            if (token != null) {
                return token;
            }
            String env = System.getenv("WARDEN_TOKEN");
            if (env != null && !env.isEmpty()) {
                return env;
            }
            if (store != null) {
                Path f = store.resolve(Tokens.FILE);
                try {
                    for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                        String[] p = line.trim().split("\\s+");
                        if (p.length == 2 && p[0].equals(name)) {
                            return p[1];
                        }
                    }
                } catch (IOException e) {
                    throw new Main.UserError("cannot read " + f + ": " + e.getMessage());
                }
                throw new Main.UserError(f + " has no token for " + name);
            }
            throw new Main.UserError("no token: give --token, set WARDEN_TOKEN, or --store DIR on the collector's host");
        }

        JsonNode call(String method, String path, String token) {
            HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + token);
            b = method.equals("POST") ? b.POST(HttpRequest.BodyPublishers.noBody()) : b.GET();
            HttpResponse<String> r;
            try {
                r = c.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new Main.UserError("cannot reach the collector at " + url + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Main.UserError("interrupted");
            }
            JsonNode body;
            try {
                body = JSON.readTree(r.body());
            } catch (IOException e) {
                throw new Main.UserError("the collector answered " + r.statusCode() + " with a body that is not JSON");
            }
            if (r.statusCode() != 200) {
                throw new Main.UserError("collector: " + r.statusCode() + " " + body.path("error").asText(r.body()));
            }
            return body;
        }
    }

    @Command(name = "list", description = "Pending approvals.")
    static final class ListCmd extends Conn implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Option(names = "--as", paramLabel = "NAME", description = "read as this approver (default admin)") String as = Tokens.ADMIN;

        @Override
        public Integer call() {
            JsonNode body = call("GET", "/api/approvals", token(as));
            var out = spec.commandLine().getOut();
            if (body.path("approvals").isEmpty()) {
                out.println("no pending approvals");
            }
            for (JsonNode a : body.path("approvals")) {
                out.printf("%s  agent=%s session=%s expires=%s%n    %s%n    action %s%n", a.path("id").asText(), a.path("agent").asText(),
                        a.path("session").asText("-"), a.path("expires_at").asText(), a.path("summary").asText(""),
                        a.path("action_digest").asText("-"));
            }
            out.flush();
            return 0;
        }
    }

    abstract static class Decide extends Conn implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Parameters(paramLabel = "ID") String id;
        @Option(names = "--as", required = true, paramLabel = "NAME", description = "the approver (their token decides)") String as;

        abstract String verb();

        @Override
        public Integer call() {
            JsonNode r = call("POST", "/api/approvals/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20") + "/" + verb()
                    + "?as=" + URLEncoder.encode(as, StandardCharsets.UTF_8), token(as));
            spec.commandLine().getOut().println(id + ": " + r.path("decision").asText() + " by " + r.path("approver").asText());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "approve", description = "Approve a pending action (releases the waiting agent thread).")
    static final class Approve extends Decide {
        @Override
        String verb() {
            return "approve";
        }
    }

    @Command(name = "deny", description = "Deny a pending action.")
    static final class Deny extends Decide {
        @Override
        String verb() {
            return "deny";
        }
    }
}
