package dev.warden.bench.rules;

import com.cedarpolicy.BasicAuthorizationEngine;
import com.cedarpolicy.model.AuthorizationRequest;
import com.cedarpolicy.model.AuthorizationResponse;
import com.cedarpolicy.model.policy.PolicySet;
import com.cedarpolicy.value.CedarList;
import com.cedarpolicy.value.EntityUID;
import com.cedarpolicy.value.PrimLong;
import com.cedarpolicy.value.PrimString;
import com.cedarpolicy.value.Value;
import dev.warden.rules.Action;
import dev.warden.rules.match.JsonSlice;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cedar (cedar-java, the native Rust engine behind JNI) deciding the generated policy: the
 * alternative a Java team would most likely pick. Requests are built once per action, so the
 * benchmark measures only {@code isAuthorized}, and the policy set is cached natively
 * ({@code PolicySet.cache()}): the most favourable comparison for Cedar.
 */
public final class CedarEquivalent {
    private final BasicAuthorizationEngine engine = new BasicAuthorizationEngine();
    private final PolicySet policies;

    public CedarEquivalent(int rules) throws Exception {
        policies = PolicySet.parsePolicies(PolicyGenerator.cedar(rules));
        // the fairest setting for Cedar: the policy set is kept parsed on the native side
        // instead of being serialised and parsed again on every call
        policies.cache();
    }

    public boolean isAllowed(AuthorizationRequest request) throws Exception {
        AuthorizationResponse r = engine.isAuthorized(request, policies, Set.of());
        if (r.success.isEmpty()) {
            throw new IllegalStateException("cedar failed: " + r.errors);
        }
        return r.success.get().isAllowed();
    }

    /** The Cedar request equivalent to a Warden action. */
    public static AuthorizationRequest request(Action a) {
        Map<String, Value> ctx = new HashMap<>();
        EntityUID resource;
        switch (a.kind()) {
            case TOOL: {
                resource = uid("Tool", a.tool());
                JsonSlice s = new JsonSlice();
                long amount = s.find(a.args(), new String[] {"amount"}) ? (long) s.number() : 0;
                ctx.put("amount", new PrimLong(amount));
                ctx.put("count", new PrimLong(0));
                break;
            }
            case HTTP:
                resource = uid("Host", a.host());
                ctx.put("host", new PrimString(a.host()));
                ctx.put("method", new PrimString(a.method()));
                ctx.put("parent", new PrimString(a.parent() == null ? "" : a.parent()));
                ctx.put("history", new CedarList(List.of()));
                break;
            case SQL: {
                resource = uid("Db", "db");
                CedarList tables = new CedarList();
                for (String t : a.tables()) {
                    tables.add(new PrimString(t));
                }
                ctx.put("tables", tables);
                ctx.put("operation", new PrimString(a.operation().name()));
                break;
            }
            default:
                resource = uid("Process", a.command());
                ctx.put("command", new PrimString(a.command()));
        }
        return new AuthorizationRequest(uid("Agent", "bench"), uid("Action", a.kind().label), resource, ctx);
    }

    private static EntityUID uid(String type, String id) {
        return EntityUID.parse(type + "::\"" + id.replace("\"", "\\\"") + "\"").orElseThrow();
    }
}
