package dev.warden.collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.warden.collector.control.ControlPlane;
import dev.warden.collector.export.ExportFilter;
import dev.warden.collector.export.Exporter;
import dev.warden.rules.control.Order;
import dev.warden.rules.evidence.EvidenceJson;
import dev.warden.rules.policy.PolicyException;
import dev.warden.rules.evidence.EvidenceRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * The collector's HTTP API (JDK {@code HttpServer}, loopback by default), every endpoint behind a
 * bearer token ({@link Tokens}); no token or an unknown one gets 401.
 *
 * <pre>
 * GET  /api/evidence?from=&amp;to=&amp;agent=&amp;session=&amp;decision=&amp;control=&amp;limit=&amp;cursor=
 *                                      records as JSON (decisions joined with outcomes), paged by cursor
 * GET  /api/approvals                  pending approvals
 * POST /api/approvals/{id}/approve     as the token's approver (body {"approver":"alice"} must match it)
 * POST /api/approvals/{id}/deny
 * POST /api/approvers/{name}           admin only: create the approver's token
 * GET  /api/fleet                      the fleet: instances, state, capabilities, orders and their rollout
 * POST /api/orders/policy              admin only: {"target": AGENT|"*", "file": NAME, "content": YAML}; 400 with
 *                                      "problems" (file:line:col lines) when the policy does not pass policy check
 * POST /api/orders/rollback            admin only: {"target"}: the previous policy of that target under a new serial
 * POST /api/orders/kill                {"target", "tool"?, "reason", "issuer"?}: issued as the token's name
 * POST /api/orders/resume              {"target", "tool"?, "reason"?, "issuer"?}
 * GET  /metrics                        Prometheus text
 * </pre>
 *
 * <p>Only an approver's own token decides as that approver; the admin token reads but never
 * approves; agents hold no token; nobody decides a request made on their own behalf (403).
 * Requests run on two daemon threads named {@code warden-collector-http}.
 */
public final class HttpApi implements AutoCloseable {
    private static final java.util.concurrent.atomic.AtomicInteger HTTP_THREADS = new java.util.concurrent.atomic.AtomicInteger();

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService pool;
    private final Path store;
    private final Tokens tokens;
    private final ApprovalRegistry approvals;
    private final Metrics metrics;
    private final ControlPlane control;
    private SingleChronicleQueue queue;

    private HttpApi(HttpServer server, ExecutorService pool, Path store, Tokens tokens, ApprovalRegistry approvals, Metrics metrics,
                    ControlPlane control) {
        this.control = control;
        this.server = server;
        this.pool = pool;
        this.store = store;
        this.tokens = tokens;
        this.approvals = approvals;
        this.metrics = metrics;
    }

    public static HttpApi start(String host, int port, Path store, Tokens tokens, ApprovalRegistry approvals, Metrics metrics,
                                ControlPlane control) throws IOException {
        HttpServer s;
        try {
            s = HttpServer.create(new InetSocketAddress(host, port), 64);
        } catch (IOException e) {
            throw new IOException("cannot listen for HTTP on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "warden-collector-http-" + HTTP_THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        s.setExecutor(pool);
        HttpApi api = new HttpApi(s, pool, store, tokens, approvals, metrics, control);
        s.createContext("/", api::handle);
        s.start();
        return api;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            route(ex);
        }
    }

    /** Answers one request (the exchange is still open in the catch clauses, so errors get their status). */
    private void route(HttpExchange ex) throws IOException {
        try {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            String who = auth != null && auth.startsWith("Bearer ") ? tokens.nameFor(auth.substring(7).trim()) : null;
            if (who == null) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"warden\"");
                send(ex, 401, error("a bearer token is required (Authorization: Bearer <token>)"));
                return;
            }
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            if (path.equals("/metrics") && method.equals("GET")) {
                byte[] body = metrics.render().getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(body);
                }
            } else if (path.equals("/api/evidence") && method.equals("GET")) {
                evidence(ex, q);
            } else if (path.equals("/api/approvals") && method.equals("GET")) {
                ArrayNode list = JSON.createArrayNode();
                for (ApprovalRegistry.Pending p : approvals.list()) {
                    list.add(toJson(p));
                }
                ObjectNode body = JSON.createObjectNode();
                body.set("approvals", list);
                send(ex, 200, body);
            } else if (path.startsWith("/api/approvals/") && method.equals("POST")) {
                decide(ex, who, path, q);
            } else if (path.equals("/api/fleet") && method.equals("GET") && control != null) {
                send(ex, 200, control.view(System.currentTimeMillis()));
            } else if (path.startsWith("/api/orders/") && method.equals("POST") && control != null) {
                order(ex, who, path.substring("/api/orders/".length()));
            } else if (path.startsWith("/api/approvers/") && method.equals("POST")) {
                if (!Tokens.ADMIN.equals(who)) {
                    send(ex, 403, error("only the admin token creates approver tokens"));
                    return;
                }
                String name = path.substring("/api/approvers/".length());
                try {
                    String tok = tokens.addApprover(name);
                    send(ex, 200, JSON.createObjectNode().put("name", name).put("token", tok));
                } catch (IllegalArgumentException e) {
                    send(ex, 400, error(e.getMessage()));
                }
            } else {
                send(ex, 404, error("no such endpoint: " + method + " " + path));
            }
        } catch (IllegalArgumentException e) {
            send(ex, 400, error(e.getMessage()));
        } catch (RuntimeException e) {
            send(ex, 500, error("internal error: " + e));
        }
    }

    private void decide(HttpExchange ex, String who, String path, Map<String, String> q) throws IOException {
        String rest = path.substring("/api/approvals/".length());
        int slash = rest.lastIndexOf('/');
        if (slash <= 0) {
            send(ex, 404, error("expected /api/approvals/{id}/approve or /deny"));
            return;
        }
        String id = URLDecoder.decode(rest.substring(0, slash), StandardCharsets.UTF_8);
        String verb = rest.substring(slash + 1);
        if (!verb.equals("approve") && !verb.equals("deny")) {
            send(ex, 404, error("expected /approve or /deny"));
            return;
        }
        String named = q.get("as");
        byte[] body = ex.getRequestBody().readNBytes(64 * 1024);
        if (body.length > 0) {
            JsonNode n;
            try {
                n = JSON.readTree(body);
            } catch (IOException e) {
                send(ex, 400, error("the body is not JSON: " + e.getMessage()));
                return;
            }
            if (n.hasNonNull("approver")) {
                named = n.get("approver").asText();
            }
        }
        if (Tokens.ADMIN.equals(who)) {
            send(ex, 403, error("the admin token cannot approve or deny: use the approver's own token"));
            return;
        }
        if (named != null && !named.equals(who)) {
            send(ex, 403, error("this token belongs to " + who + ", not " + named));
            return;
        }
        switch (approvals.decide(id, verb.equals("approve"), who)) {
            case DECIDED -> send(ex, 200, JSON.createObjectNode().put("id", id).put("decision", verb.equals("approve") ? "approved" : "denied")
                    .put("approver", who));
            case NOT_FOUND -> send(ex, 404, error("no pending approval " + id + " (decided, expired or unknown)"));
            case OWN_REQUEST -> send(ex, 403, error(who + " cannot decide a request made on their own behalf"));
            default -> throw new IllegalStateException();
        }
    }

    /** Issues a control order (signed, logged, sent by the ingest thread) and answers with where it went. */
    private void order(HttpExchange ex, String who, String verb) throws IOException {
        byte[] raw = ex.getRequestBody().readNBytes(1 << 20); // a policy too large for an order is refused by name below
        JsonNode body;
        try {
            body = raw.length == 0 ? JSON.createObjectNode() : JSON.readTree(raw);
        } catch (IOException e) {
            send(ex, 400, error("the body is not JSON: " + e.getMessage()));
            return;
        }
        String target = body.path("target").asText(null);
        String tool = body.path("tool").asText(null);
        String reason = body.path("reason").asText(null);
        String named = body.path("issuer").asText(null);
        if (named != null && !named.equals(who)) {
            send(ex, 403, error("this token belongs to " + who + ", not " + named));
            return;
        }
        boolean policy = verb.equals("policy") || verb.equals("rollback");
        if (policy && !Tokens.ADMIN.equals(who)) {
            send(ex, 403, error("only the admin token pushes or rolls back policies"));
            return;
        }
        Order o;
        try {
            switch (verb) {
                case "policy" -> {
                    String file = body.path("file").asText("pushed-policy.yaml");
                    if (!body.hasNonNull("content")) {
                        send(ex, 400, error("a policy push needs \"content\" (the policy YAML)"));
                        return;
                    }
                    o = control.book.push(target, file, body.get("content").asText().getBytes(StandardCharsets.UTF_8), who);
                }
                case "rollback" -> o = control.book.rollback(target, who);
                case "kill" -> {
                    if (reason == null || reason.isBlank()) {
                        send(ex, 400, error("a kill order needs a reason"));
                        return;
                    }
                    o = control.book.kill(target, tool, who, reason);
                }
                case "resume" -> o = control.book.resume(target, tool, who, reason);
                default -> {
                    send(ex, 404, error("no such order: " + verb + " (policy, rollback, kill, resume)"));
                    return;
                }
            }
        } catch (PolicyException e) {
            ObjectNode err = error("the policy does not pass policy check (" + e.problems().size() + " problem"
                    + (e.problems().size() == 1 ? "" : "s") + " above); nothing was issued");
            ArrayNode problems = err.putArray("problems");
            e.problems().forEach(problems::add);
            send(ex, 400, err);
            return;
        } catch (IOException e) {
            send(ex, 500, error("the order could not be logged, so it was not issued: " + e.getMessage()));
            return;
        }
        List<String> sentTo;
        try {
            sentTo = control.submit(o).sentTo().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sentTo = List.of();
        } catch (ExecutionException | TimeoutException e) {
            sentTo = null; // issued and logged; the ingest thread sends it (or re-sends it on reconnection)
        }
        ObjectNode r = JSON.createObjectNode().put("serial", o.serial).put("type", o.typeName()).put("target", o.target)
                .put("tool", o.tool).put("issuer", o.issuer).put("description", control.describe(o));
        if (o.rollbackOf > 0) {
            r.put("rollback_of", o.rollbackOf);
        }
        if (sentTo != null) {
            ArrayNode a = r.putArray("sent_to");
            sentTo.forEach(a::add);
        }
        send(ex, 200, r);
    }

    private void evidence(HttpExchange ex, Map<String, String> q) throws IOException {
        ExportFilter f = new ExportFilter();
        if (q.containsKey("from")) {
            f.fromMicros = ExportFilter.parseTime(q.get("from"), "from");
        }
        if (q.containsKey("to")) {
            f.toMicros = ExportFilter.parseTime(q.get("to"), "to");
        }
        f.agent = q.get("agent");
        f.session = q.get("session");
        f.decision = q.get("decision");
        f.control = q.get("control");
        int limit = q.containsKey("limit") ? Integer.parseInt(q.get("limit")) : 100;
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException("limit must be 1-10000");
        }
        long cursor = q.containsKey("cursor") ? Long.parseLong(q.get("cursor")) : Long.MIN_VALUE;
        ArrayNode records = JSON.createArrayNode();
        long next;
        synchronized (this) {
            if (queue == null) {
                queue = AuditStore.open(store);
            }
        }
        try (StoreScan scan = new StoreScan(queue)) {
            EvidenceRecord outcome = new EvidenceRecord();
            next = scan.forEach(cursor, (r, e) -> {
                if (r.type == EvidenceRecord.Type.OUTCOME) {
                    return true; // shown with its decision
                }
                if (r.type == EvidenceRecord.Type.DECISION) {
                    findOutcome(scan, r, e, outcome);
                }
                if (f.matches(r)) {
                    try {
                        records.add(JSON.readTree(EvidenceJson.toJson(r)));
                    } catch (IOException io) {
                        throw new IllegalStateException(io);
                    }
                }
                return records.size() < limit;
            });
        }
        ObjectNode body = JSON.createObjectNode();
        body.set("records", records);
        if (next == Long.MIN_VALUE) {
            body.putNull("next");
        } else {
            body.put("next", Long.toString(next));
        }
        send(ex, 200, body);
    }

    /** Looks a little way ahead for the decision's outcome (outcomes follow their decisions closely). */
    private static void findOutcome(StoreScan scan, EvidenceRecord decision, StoreEntry e, EvidenceRecord outcome) {
        String inst = decision.instance;
        long seq = decision.seq;
        // the outcome usually follows closely; a bounded look-ahead keeps pages fast (exports join exactly)
        for (int i = 1; i <= 256; i++) {
            if (!scan.read(e.index + i, outcome)) {
                break;
            }
            if (outcome.type == EvidenceRecord.Type.OUTCOME && seq == outcome.seq && inst != null && inst.equals(outcome.instance)) {
                Exporter.join(decision, outcome);
                return;
            }
        }
    }

    private static ObjectNode toJson(ApprovalRegistry.Pending p) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", p.id()).put("agent", p.agent()).put("instance", p.instance()).put("session", p.session())
                .put("principal", p.principal()).put("summary", p.summary()).put("action_digest", p.actionDigest())
                .put("requested_at", EvidenceJson.formatTime(p.requestedAtMillis() * 1000))
                .put("expires_at", EvidenceJson.formatTime(p.expiresAtMillis() * 1000));
        return n;
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] b = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }

    static Map<String, String> query(String raw) {
        Map<String, String> m = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return m;
        }
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            m.put(k, v);
        }
        return m;
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
        synchronized (this) {
            if (queue != null) {
                queue.close();
            }
        }
    }
}
