package dev.warden.bench.rules;

import dev.warden.rules.Action;
import dev.warden.rules.Kind;
import dev.warden.rules.SqlOperation;
import java.util.ArrayList;
import java.util.List;

/**
 * A realistic synthetic policy of N rules and the same policy written in Cedar, so the two
 * engines decide the same questions. The mix: 40% tool rules (exact names, a quarter with an
 * argument threshold), 30% HTTP rules (exact hosts, one in five a {@code *.suffix}), 20% SQL
 * rules (tables and operations), 5% process rules, 5% stateful rules (sequences and rate limits)
 * — plus an egress allowlist and a no-DDL rule, as every real policy has them.
 */
public final class PolicyGenerator {
    private PolicyGenerator() {
    }

    public static String wardenYaml(int n) {
        StringBuilder sb = new StringBuilder();
        sb.append("version: 1\nname: generated-").append(n).append("\ndefault: allow\nrules:\n");
        sb.append("  - id: egress-allowlist\n    match: { kind: http, parent: { not: model }, host: { not: ['*.corp.example', 'payments.internal.example'] } }\n    action: deny\n");
        sb.append("  - id: no-ddl\n    match: { kind: sql, operation: DDL }\n    action: deny\n");
        for (int i = 0; i < n - 2; i++) {
            int bucket = i % 20;
            String id = "  - id: r" + i + "\n";
            if (bucket < 8) {
                if (bucket < 2) {
                    sb.append(id).append("    match: { kind: tool, tool: tool").append(i).append(", args.amount: { gt: ").append(100 + i % 900).append(" } }\n    action: escalate\n");
                } else {
                    sb.append(id).append("    match: { kind: tool, tool: tool").append(i).append(" }\n    action: ").append(i % 3 == 0 ? "deny" : "allow").append("\n");
                }
            } else if (bucket < 14) {
                String host = bucket == 8 ? "'*.zone" + i + ".corp.example'" : "svc" + i + ".corp.example";
                sb.append(id).append("    match: { kind: http, host: ").append(host).append(", method: [POST, PUT] }\n    action: deny\n");
            } else if (bucket < 18) {
                sb.append(id).append("    match: { kind: sql, tables: table").append(i).append(", operation: [DELETE, UPDATE] }\n    action: escalate\n");
            } else if (bucket == 18) {
                if (i % 40 == 18) {
                    sb.append(id).append("    match: { kind: process, command: cmd").append(i).append(" }\n    action: deny\n");
                } else {
                    sb.append(id).append("    match: { kind: tool, tool: mail").append(i).append(" }\n    limit: { max: 20, per: 1h }\n    action: deny\n");
                }
            } else {
                sb.append(id).append("    match: { kind: http, host: out").append(i).append(".corp.example, method: POST }\n")
                  .append("    after: { kind: sql, tables: table").append(i - 1).append(", operation: SELECT }\n    action: deny\n");
            }
        }
        return sb.toString();
    }

    /** The same rules in Cedar: a permit-all (Warden's default allow) and one forbid per deny/escalate rule. */
    public static String cedar(int n) {
        StringBuilder sb = new StringBuilder();
        sb.append("permit(principal, action, resource);\n");
        sb.append("forbid(principal, action == Action::\"http\", resource) unless { context.parent == \"model\" || context.host like \"*.corp.example\" || context.host == \"payments.internal.example\" };\n");
        sb.append("forbid(principal, action == Action::\"sql\", resource) when { context.operation == \"DDL\" };\n");
        for (int i = 0; i < n - 2; i++) {
            int bucket = i % 20;
            if (bucket < 8) {
                if (bucket < 2) {
                    sb.append("forbid(principal, action == Action::\"tool\", resource == Tool::\"tool").append(i).append("\") when { context.amount > ").append(100 + i % 900).append(" };\n");
                } else if (i % 3 == 0) {
                    sb.append("forbid(principal, action == Action::\"tool\", resource == Tool::\"tool").append(i).append("\");\n");
                } else {
                    sb.append("permit(principal, action == Action::\"tool\", resource == Tool::\"tool").append(i).append("\");\n");
                }
            } else if (bucket < 14) {
                String cond = bucket == 8 ? "context.host like \"*.zone" + i + ".corp.example\"" : "context.host == \"svc" + i + ".corp.example\"";
                sb.append("forbid(principal, action == Action::\"http\", resource) when { ").append(cond).append(" && [\"POST\", \"PUT\"].contains(context.method) };\n");
            } else if (bucket < 18) {
                sb.append("forbid(principal, action == Action::\"sql\", resource) when { context.tables.contains(\"table").append(i).append("\") && [\"DELETE\", \"UPDATE\"].contains(context.operation) };\n");
            } else if (bucket == 18) {
                if (i % 40 == 18) {
                    sb.append("forbid(principal, action == Action::\"process\", resource) when { context.command == \"cmd").append(i).append("\" };\n");
                } else {
                    // Cedar has no rate limits: the closest stateless equivalent is a counter passed in the context
                    sb.append("forbid(principal, action == Action::\"tool\", resource == Tool::\"mail").append(i).append("\") when { context.count > 20 };\n");
                }
            } else {
                // Cedar has no sequences: the caller must pass what happened earlier in the session
                sb.append("forbid(principal, action == Action::\"http\", resource) when { context.host == \"out").append(i)
                  .append(".corp.example\" && context.method == \"POST\" && context.history.contains(\"select:table").append(i - 1).append("\") };\n");
            }
        }
        return sb.toString();
    }

    /** 16 actions over every kind: some hit an indexed rule, some a wildcard, some nothing. */
    public static List<Action> actions(int n) {
        List<Action> out = new ArrayList<>();
        int t = pick(n, 2);   // a tool rule (allow/deny)
        int ta = pick(n, 0);  // a tool threshold
        int h = pick(n, 9);   // an exact host
        int hz = pick(n, 8);  // a wildcard host
        int s = pick(n, 14);  // a table
        int o = pick(n, 19);  // a sequence
        out.add(tool("tool" + t, "{\"x\":1}"));
        out.add(tool("tool" + ta, "{\"amount\": 5000, \"customer\": \"C-1\"}"));
        out.add(tool("tool" + ta, "{\"amount\": 50}"));
        out.add(tool("unknownTool", "{}"));
        out.add(http("POST", "svc" + h + ".corp.example"));
        out.add(http("GET", "svc" + h + ".corp.example"));
        out.add(http("POST", "a.b.zone" + hz + ".corp.example"));
        out.add(http("POST", "evil.example"));
        out.add(http("POST", "api.model.example").parent("model"));
        out.add(http("POST", "out" + o + ".corp.example"));
        out.add(sql(SqlOperation.DELETE, "table" + s));
        out.add(sql(SqlOperation.SELECT, "table" + s, "customers"));
        out.add(sql(SqlOperation.DDL, "customers"));
        out.add(new Action().reset().kind(Kind.PROCESS).command("cmd18").processArgs("-x").session("bench"));
        out.add(tool("tool" + t, null));
        out.add(http("PUT", "payments.internal.example"));
        return out;
    }

    private static int pick(int n, int bucket) {
        for (int i = 0; i < n - 2; i++) {
            if (i % 20 == bucket && i > n / 2) {
                return i;
            }
        }
        return bucket;
    }

    private static Action tool(String name, String args) {
        return new Action().reset().kind(Kind.TOOL).tool(name).args(args).session("bench").agent("bench");
    }

    private static Action http(String method, String host) {
        return new Action().reset().kind(Kind.HTTP).method(method).scheme("https").host(host).port(443).path("/v1/x").session("bench").agent("bench");
    }

    private static Action sql(SqlOperation op, String... tables) {
        return new Action().reset().kind(Kind.SQL).operation(op).tables(tables).session("bench").agent("bench");
    }
}
