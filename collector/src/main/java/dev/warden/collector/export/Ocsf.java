package dev.warden.collector.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.rules.evidence.EvidenceRecord;
import java.util.Locale;

/**
 * One evidence record as an OCSF 1.1 <em>API Activity</em> event (class_uid 6003, category 6
 * Application Activity): the agent is the actor ({@code actor.app_name}, {@code actor.session}),
 * Warden's decision is an authorization ({@code actor.authorizations[]} with the policy's uid,
 * name and version), the action is the API call ({@code api.operation}, {@code dst_endpoint} for
 * HTTP, {@code resources} for tables and tools), the outcome is {@code status_id}. Fields OCSF
 * has no place for go under {@code unmapped.warden}.
 *
 * <p>Stateless; any thread.
 */
public final class Ocsf {
    public static final String SCHEMA_VERSION = "1.1.0";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Ocsf() {
    }

    public static String toJson(EvidenceRecord r) {
        return toNode(r).toString();
    }

    public static ObjectNode toNode(EvidenceRecord r) {
        ObjectNode n = JSON.createObjectNode();
        int activity = activity(r);
        n.put("class_uid", 6003).put("class_name", "API Activity")
                .put("category_uid", 6).put("category_name", "Application Activity")
                .put("activity_id", activity).put("activity_name", activityName(activity))
                .put("type_uid", 600300 + activity).put("type_name", "API Activity: " + activityName(activity));
        int severity = "deny".equals(r.decision) ? 4 : "escalate".equals(r.decision) ? 3 : r.type == EvidenceRecord.Type.EVENT ? 2 : 1;
        n.put("severity_id", severity).put("severity", severityName(severity));
        n.put("time", Math.floorDiv(r.timeMicros, 1000));
        int status = status(r);
        n.put("status_id", status).put("status", status == 1 ? "Success" : status == 2 ? "Failure" : "Unknown");
        if (r.reason != null) {
            n.put("status_detail", r.reason);
        }
        if (r.outcomeDetail != null) {
            n.put("message", r.outcomeDetail);
        }
        ObjectNode meta = n.putObject("metadata");
        meta.put("version", SCHEMA_VERSION);
        if (r.instance != null) {
            meta.put("uid", r.id());
        }
        meta.put("log_name", "warden-audit");
        ObjectNode product = meta.putObject("product");
        product.put("name", "Warden").put("vendor_name", "Warden");
        String v = Ocsf.class.getPackage().getImplementationVersion();
        product.put("version", v == null ? "dev" : v);

        ObjectNode actor = n.putObject("actor");
        actor.put("app_name", r.agent);
        if (r.session != null) {
            actor.putObject("session").put("uid", r.session);
        }
        if (r.principal != null) {
            actor.putObject("user").put("name", r.principal);
        }
        if (r.decision != null) {
            ObjectNode auth = actor.putArray("authorizations").addObject();
            auth.put("decision", r.decision);
            ObjectNode policy = auth.putObject("policy");
            policy.put("uid", r.policyVersion);
            policy.put("name", r.policyName);
            policy.put("version", r.policySerial != 0 ? Long.toString(r.policySerial) : r.policyVersion);
            if (!r.rules.isEmpty()) {
                policy.put("desc", "rules: " + String.join(", ", r.rules));
            }
        }
        ObjectNode api = n.putObject("api");
        api.put("operation", operation(r));
        api.putObject("service").put("name", r.kind == null ? "warden" : r.kind);
        if (r.instance != null) {
            api.putObject("request").put("uid", r.id());
        }
        ObjectNode src = n.putObject("src_endpoint");
        src.put("svc_name", r.agent);
        if (r.instance != null) {
            src.put("uid", r.instance);
        }
        String host = r.attributes.get("host");
        if (host != null) {
            ObjectNode dst = n.putObject("dst_endpoint");
            dst.put("hostname", host);
            String port = r.attributes.get("port");
            if (port != null && port.matches("\\d{1,5}")) {
                dst.put("port", Integer.parseInt(port));
            }
        }
        ArrayNode resources = null;
        String tables = r.attributes.get("tables");
        if (tables != null && !tables.isEmpty()) {
            resources = n.putArray("resources");
            for (String t : tables.split("[,\\s]+")) {
                if (!t.isEmpty()) {
                    resources.addObject().put("type", "table").put("name", t);
                }
            }
        }
        String tool = r.attributes.get("tool");
        if (tool != null) {
            (resources == null ? n.putArray("resources") : resources).addObject().put("type", "tool").put("name", tool);
        }
        ObjectNode w = n.putObject("unmapped").putObject("warden");
        w.put("record_type", r.type.label);
        putIf(w, "target", r.target);
        putIf(w, "mode", r.mode);
        putIf(w, "would_decide", r.wouldDecide);
        putIf(w, "event", r.event);
        putIf(w, "args_digest", r.argsDigest);
        if (!r.rules.isEmpty()) {
            ArrayNode a = w.putArray("rules");
            r.rules.forEach(a::add);
        }
        if (!r.controls.isEmpty()) {
            ArrayNode a = w.putArray("controls");
            r.controls.forEach(a::add);
        }
        if (r.approvalId != null) {
            ObjectNode a = w.putObject("approval");
            a.put("id", r.approvalId);
            putIf(a, "approver", r.approver);
            putIf(a, "decision", r.approvalDecision);
            if (r.approvalWaitedMs >= 0) {
                a.put("waited_ms", r.approvalWaitedMs);
            }
        }
        if (r.outcomeStatus != null) {
            ObjectNode o = w.putObject("outcome");
            o.put("status", r.outcomeStatus);
            if (r.outcomeDurationUs >= 0) {
                o.put("duration_us", r.outcomeDurationUs);
            }
        }
        putIf(w, "prev_hash", r.prevHash);
        putIf(w, "hash", r.hash);
        return n;
    }

    private static void putIf(ObjectNode n, String k, String v) {
        if (v != null) {
            n.put(k, v);
        }
    }

    static int activity(EvidenceRecord r) {
        String op = operation(r).toUpperCase(Locale.ROOT);
        if ("http".equals(r.kind) || "sql".equals(r.kind)) {
            switch (op) {
                case "POST", "INSERT" -> {
                    return 1;
                }
                case "GET", "HEAD", "OPTIONS", "SELECT" -> {
                    return 2;
                }
                case "PUT", "PATCH", "UPDATE", "MERGE" -> {
                    return 3;
                }
                case "DELETE" -> {
                    return 4;
                }
                default -> {
                    return 99;
                }
            }
        }
        return r.kind == null ? 0 : 99;
    }

    static String activityName(int id) {
        return switch (id) {
            case 1 -> "Create";
            case 2 -> "Read";
            case 3 -> "Update";
            case 4 -> "Delete";
            case 99 -> "Other";
            default -> "Unknown";
        };
    }

    static String severityName(int id) {
        return switch (id) {
            case 1 -> "Informational";
            case 2 -> "Low";
            case 3 -> "Medium";
            case 4 -> "High";
            default -> "Unknown";
        };
    }

    static int status(EvidenceRecord r) {
        if ("deny".equals(r.decision) || "blocked".equals(r.outcomeStatus) || "error".equals(r.outcomeStatus)) {
            return 2;
        }
        if ("ok".equals(r.outcomeStatus)) {
            return 1;
        }
        return 0;
    }

    /** What the agent tried to do, in one word or a short phrase. */
    static String operation(EvidenceRecord r) {
        String[] keys = {"method", "operation", "tool", "command"};
        for (String k : keys) {
            String v = r.attributes.get(k);
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        if (r.target != null) {
            int sp = r.target.indexOf(' ');
            return sp > 0 ? r.target.substring(0, sp) : r.target;
        }
        return r.event != null ? r.event : r.type.label;
    }
}
