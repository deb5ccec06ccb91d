package dev.warden.bench.workload;

import com.cedarpolicy.BasicAuthorizationEngine;
import com.cedarpolicy.model.AuthorizationRequest;
import com.cedarpolicy.model.AuthorizationResponse;
import com.cedarpolicy.model.AuthorizationSuccessResponse;
import com.cedarpolicy.model.exception.AuthException;
import com.cedarpolicy.model.policy.PolicySet;
import com.cedarpolicy.value.CedarList;
import com.cedarpolicy.value.EntityUID;
import com.cedarpolicy.value.PrimBool;
import com.cedarpolicy.value.PrimLong;
import com.cedarpolicy.value.PrimString;
import com.cedarpolicy.value.Value;
import dev.warden.examples.support.ToolFailure;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a Java team writes by hand to get the refund agent's policy from Cedar instead of Warden:
 * cedar-java's authorizer ({@code com.cedarpolicy:cedar-java}, the Rust engine over JNI) asked before
 * every tool call, HTTP request and SQL statement, with the policy of {@code refund-agent.cedar}, plus
 * the session facts Cedar cannot keep itself (customer records read, an EU customer looked up, emails
 * in the last minute), kept per thread — each workload thread is one session. The policy set is parsed
 * once and cached on the native side ({@code PolicySet.cache()}), the most favourable setting for Cedar.
 * A forbidden request throws the example's {@link ToolFailure}, as Warden's refusal reads to the model.
 *
 * <p>Thread-safe: the engine and the cached policy set are shared; the session facts are per thread.
 * Allocates per call (the request, its context map and values), as any caller of cedar-java does.
 */
final class CedarGuard {
    private static final EntityUID PRINCIPAL = uid("Agent", "overhead-bench");
    private static final EntityUID TOOL = uid("Action", "tool");
    private static final EntityUID HTTP = uid("Action", "http");
    private static final EntityUID SQL = uid("Action", "sql");
    private static final Set<String> EU = Set.of("DE", "FR", "IT", "ES", "NL");

    /** The per-session facts the YAML policy's sequence and rate-limit rules need. */
    private static final class Session {
        boolean customersRead;
        boolean euCustomerLookedUp;
        final ArrayDeque<Long> emails = new ArrayDeque<>();
    }

    private final BasicAuthorizationEngine engine = new BasicAuthorizationEngine();
    private final PolicySet policies;
    private final Map<String, EntityUID> tools = new HashMap<>();
    private final ThreadLocal<Session> session = ThreadLocal.withInitial(Session::new);

    CedarGuard() throws Exception {
        String text;
        try (InputStream in = CedarGuard.class.getResourceAsStream("refund-agent.cedar")) {
            if (in == null) {
                throw new IOException("refund-agent.cedar is missing from the workload jar");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        policies = PolicySet.parsePolicies(text);
        policies.cache();
        for (String t : List.of("lookupCustomer", "issueRefund", "sendEmail", "runSql", "exportReport")) {
            tools.put(t, uid("Tool", t));
        }
    }

    /** Before a tool runs: {@code amount} for issueRefund (else 0), {@code country} when the arguments carry one. */
    void tool(String name, double amount, String country) {
        Session s = session.get();
        long now = System.nanoTime();
        while (!s.emails.isEmpty() && now - s.emails.peekFirst() > 60_000_000_000L) {
            s.emails.pollFirst();
        }
        Map<String, Value> ctx = new HashMap<>();
        ctx.put("amountCents", new PrimLong(Math.round(amount * 100)));
        ctx.put("approved", new PrimBool(false));
        ctx.put("emailsLastMinute", new PrimLong(s.emails.size()));
        authorize(TOOL, tools.get(name), ctx, "tool " + name);
        if (name.equals("sendEmail")) {
            s.emails.addLast(now);
        }
        if (name.equals("lookupCustomer") && country != null && EU.contains(country)) {
            s.euCustomerLookedUp = true;
        }
    }

    /** Before an HTTP request of a tool (the model's own requests are not checked: a team would not wrap them). */
    void http(String method, String url) {
        Session s = session.get();
        String host = URI.create(url).getHost();
        Map<String, Value> ctx = new HashMap<>();
        ctx.put("host", new PrimString(host));
        ctx.put("method", new PrimString(method));
        ctx.put("parent", new PrimString("tool"));
        ctx.put("customersRead", new PrimBool(s.customersRead));
        ctx.put("euCustomerLookedUp", new PrimBool(s.euCustomerLookedUp));
        authorize(HTTP, uid("Host", host), ctx, method + " " + url);
    }

    /** Before a SQL statement: its operation (SELECT, INSERT, ..., DDL) and tables, as the caller classifies them. */
    void sql(String operation, List<String> tables) {
        CedarList t = new CedarList();
        for (String table : tables) {
            t.add(new PrimString(table));
        }
        Map<String, Value> ctx = new HashMap<>();
        ctx.put("operation", new PrimString(operation));
        ctx.put("tables", t);
        ctx.put("approved", new PrimBool(false));
        authorize(SQL, uid("Db", "support"), ctx, operation + " " + tables);
        if (operation.equals("SELECT") && tables.contains("customers")) {
            session.get().customersRead = true;
        }
    }

    private void authorize(EntityUID action, EntityUID resource, Map<String, Value> ctx, String what) {
        AuthorizationResponse r;
        try {
            r = engine.isAuthorized(new AuthorizationRequest(PRINCIPAL, action, resource, ctx), policies, Set.of());
        } catch (AuthException e) {
            throw new IllegalStateException("cedar failed on " + what + ": " + e.getMessage(), e);
        }
        if (r.success.isEmpty()) {
            throw new IllegalStateException("cedar failed on " + what + ": " + r.errors);
        }
        AuthorizationSuccessResponse s = r.success.get();
        if (!s.getErrors().isEmpty()) {
            // an erroring forbid is skipped by Cedar, which would silently allow: refuse instead
            throw new IllegalStateException("cedar policy error on " + what + ": " + s.getErrors());
        }
        if (!s.isAllowed()) {
            throw new ToolFailure("Blocked by Cedar policy " + s.getReason() + ": " + what);
        }
    }

    private static EntityUID uid(String type, String id) {
        return EntityUID.parse(type + "::\"" + id.replace("\"", "\\\"") + "\"").orElseThrow();
    }
}
