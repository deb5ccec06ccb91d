package dev.warden.scanner.policy;

import dev.warden.scanner.Inventory;
import dev.warden.scanner.Risk;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code warden policy suggest INVENTORY [--evidence DIR]}: a least-privilege starter policy.
 * {@code default: deny}; one {@code allow} per tool, host, table operation and process command
 * that was discovered (or observed live); {@code escalate} for what looks consequential (a tool
 * with a consequential risk factor, a process launch, a schema change); model traffic allowed.
 * Every rule carries a comment saying why it is there and where its subject was found, so a
 * person can review it. It starts in {@code mode: monitor}, so adopting it blocks nothing until
 * someone switches it to {@code enforce}.
 *
 * <p>The text is valid policy language 1 ({@code PolicyParser.parse} accepts it; tested).
 * Stateless; any thread.
 */
public final class PolicySuggester {
    private PolicySuggester() {
    }

    public static String suggest(Inventory inv, String inventoryName) {
        StringBuilder y = new StringBuilder(8192);
        Set<String> ids = new HashSet<>();
        y.append("# Starter policy suggested by `warden policy suggest` from ").append(oneLine(inventoryName)).append('\n');
        y.append("# (").append(oneLine(inv.generator)).append(", ").append(oneLine(inv.generated)).append(").\n");
        y.append("# Least privilege: everything not allowed below is denied. Review every rule before you\n");
        y.append("# switch `mode` to enforce; until then the agent records what it would have blocked.\n");
        y.append("version: 1\n");
        y.append("name: ").append(q(name(inv))).append('\n');
        y.append("default: deny\n");
        y.append("mode: monitor\n");
        y.append("rules:\n");

        y.append("\n  # The chat-completion requests the framework makes on the agent's behalf.\n");
        rule(y, ids, "allow-model-traffic", "the agent's own model calls", "{ kind: http, parent: model }", "allow", null);

        if (!inv.tools.isEmpty()) {
            y.append("\n  # ---- tools ----\n");
        }
        for (Inventory.Tool t : inv.tools) {
            List<String> consequential = new ArrayList<>();
            if (t.risk != null) {
                for (Inventory.Reason r : t.risk.reasons) {
                    if (Risk.CONSEQUENTIAL.contains(r.factor)) {
                        consequential.add(r.factor);
                    }
                }
            }
            y.append("  # ").append(oneLine(t.name)).append(" (").append(oneLine(t.framework)).append(", ").append(origin(t))
                    .append(t.risk == null ? "" : ", risk " + t.risk.level + " " + t.risk.score).append(")\n");
            if (t.risk != null) {
                for (Inventory.Reason r : t.risk.reasons) {
                    y.append("  #   +").append(r.points).append(' ').append(r.factor).append(": ").append(oneLine(r.detail)).append('\n');
                }
            }
            String match = "{ kind: tool, tool: " + q(t.name) + " }";
            if (consequential.isEmpty()) {
                rule(y, ids, "allow-tool-" + t.name, "Discovered tool " + t.name, match, "allow", null);
            } else {
                rule(y, ids, "escalate-tool-" + t.name, "A person approves each call of " + t.name + " (" + String.join(", ", consequential) + ")",
                        match, "escalate", "{ timeout: 5m, on_timeout: deny }");
            }
        }

        List<Inventory.Host> hosts = inv.hosts;
        if (!hosts.isEmpty() || hasRunTime(inv, "http")) {
            y.append("\n  # ---- hosts the application calls (tool traffic; model traffic is allowed above) ----\n");
        }
        for (Inventory.Host h : hosts) {
            y.append("  # ").append(oneLine(h.host)).append(Boolean.FALSE.equals(h.external) ? " (internal" : " (external").append(", ")
                    .append(origin(h)).append(h.urls.isEmpty() ? "" : ", e.g. " + oneLine(h.urls.get(0))).append(")\n");
            rule(y, ids, "allow-host-" + h.host, "Discovered host " + h.host, "{ kind: http, host: " + q(h.host) + " }", "allow", null);
        }
        runTime(y, inv, "http", "HTTP calls whose destination is only known at run time: add the hosts they may call, or they stay denied");

        List<Inventory.Table> tables = inv.tables;
        if (!tables.isEmpty() || hasRunTime(inv, "sql")) {
            y.append("\n  # ---- tables, with exactly the operations seen on each ----\n");
        }
        for (Inventory.Table t : tables) {
            List<String> allowed = new ArrayList<>();
            boolean ddl = false;
            for (String op : t.operations) {
                if (op.equals("DDL")) {
                    ddl = true;
                } else {
                    allowed.add(op);
                }
            }
            y.append("  # ").append(oneLine(t.name)).append(" (").append(origin(t))
                    .append(t.statements.isEmpty() ? "" : ", e.g. " + oneLine(t.statements.get(0))).append(")\n");
            if (!allowed.isEmpty()) {
                rule(y, ids, "allow-sql-" + t.name, "Discovered " + String.join("/", allowed) + " on " + t.name,
                        "{ kind: sql, tables: " + q(t.name) + ", operation: [" + String.join(", ", allowed) + "] }", "allow", null);
            }
            if (ddl) {
                rule(y, ids, "escalate-ddl-" + t.name, "Schema changes to " + t.name + " need a person",
                        "{ kind: sql, tables: " + q(t.name) + ", operation: [DDL] }", "escalate", "{ timeout: 5m, on_timeout: deny }");
            }
        }
        runTime(y, inv, "sql", "SQL whose text is only known at run time: add the tables and operations it may use, or it stays denied");

        if (!inv.processes.isEmpty() || hasRunTime(inv, "process")) {
            y.append("\n  # ---- processes: every launch needs a person ----\n");
        }
        runTime(y, inv, "process", "processes launched with a command known only at run time: they stay denied");
        for (Inventory.ProcessCommand p : inv.processes) {
            y.append("  # ").append(oneLine(p.command)).append(p.args.isEmpty() ? "" : " " + oneLine(String.join(" ", p.args.get(0))))
                    .append(" (").append(origin(p)).append(")\n");
            rule(y, ids, "escalate-process-" + p.command, "Launching " + p.command + " needs a person",
                    "{ kind: process, command: " + q(p.command) + " }", "escalate", "{ timeout: 5m, on_timeout: deny }");
        }
        if (!inv.files.isEmpty() || hasRunTime(inv, "file")) {
            y.append("\n  # File writes found (policy language 1 has no file kind; they are not governed by this policy):\n");
            for (Inventory.FileTarget f : inv.files) {
                y.append("  #   ").append(oneLine(f.path)).append('\n');
            }
            runTime(y, inv, "file", "files written to a path only known at run time");
        }
        return y.toString();
    }

    private static boolean hasRunTime(Inventory inv, String kind) {
        return inv.dynamic.stream().anyMatch(d -> kind.equals(d.kind));
    }

    /** A comment listing the run-time destinations of one kind (nothing can be allowed for them by name). */
    private static void runTime(StringBuilder y, Inventory inv, String kind, String what) {
        List<Inventory.Dynamic> list = new ArrayList<>();
        for (Inventory.Dynamic d : inv.dynamic) {
            if (kind.equals(d.kind)) {
                list.add(d);
            }
        }
        if (list.isEmpty()) {
            return;
        }
        y.append("  # ").append(what).append(":\n");
        for (Inventory.Dynamic d : list) {
            y.append("  #   ").append(oneLine(d.site)).append(d.hints.isEmpty() ? "" : " (" + oneLine(String.join("; ", d.hints)) + ")").append('\n');
        }
    }

    private static void rule(StringBuilder y, Set<String> ids, String id, String description, String match, String action, String approval) {
        String rid = uniqueId(ids, id);
        y.append("  - id: ").append(rid).append('\n');
        y.append("    description: ").append(q(description)).append('\n');
        y.append("    match: ").append(match).append('\n');
        y.append("    action: ").append(action).append('\n');
        if (approval != null) {
            y.append("    approval: ").append(approval).append('\n');
        }
    }

    /** Rule ids may hold letters, digits and {@code _ . : / -}. */
    private static String uniqueId(Set<String> ids, String raw) {
        String base = raw.replaceAll("[^A-Za-z0-9_.:/-]", "-");
        String id = base;
        for (int i = 2; !ids.add(id); i++) {
            id = base + "-" + i;
        }
        return id;
    }

    private static String origin(Inventory.Item i) {
        String src = i.source == null ? Inventory.STATIC : i.source;
        String where = i.locations.isEmpty() ? "" : " in " + oneLine(i.locations.get(0).className != null ? i.locations.get(0).className
                : i.locations.get(0).file != null ? i.locations.get(0).file : String.valueOf(i.locations.get(0).artifact));
        String seen = i.count == null ? "" : ", seen " + i.count + "x";
        return ("static".equals(src) ? "found" : "static+live".equals(src) ? "found and observed" : "observed") + where + seen;
    }

    private static String name(Inventory inv) {
        if (inv.agents.size() == 1) {
            return inv.agents.get(0).name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-") + "-starter";
        }
        return "suggested-starter";
    }

    /** A YAML double-quoted scalar (JSON escaping is valid YAML). */
    static String q(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.append('"').toString();
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }
}
