package dev.warden.scanner.report;

import dev.warden.scanner.Inventory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Renders an {@link Inventory} as one self-contained HTML page (inline CSS, no script, no
 * external resource): a summary, then agents with their tools, each tool with its risk and the
 * reasons, what it reaches and through which calls, then systems, data, frameworks and the
 * problems met. Everything is escaped. Stateless; any thread.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    public static String render(Inventory inv) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!doctype html><html lang=en><head><meta charset=utf-8><title>Warden inventory</title><style>")
                .append("body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#1d232a;padding:0 1em}")
                .append("h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:2px solid #e3e7ec;padding-bottom:.2em}")
                .append("table{border-collapse:collapse;width:100%;margin:.5em 0}td,th{border-bottom:1px solid #e3e7ec;padding:.35em .5em;text-align:left;vertical-align:top}")
                .append("th{background:#f5f7f9;font-weight:600}code{font:12px ui-monospace,monospace;background:#f3f4f6;padding:0 .25em;border-radius:3px}")
                .append(".card{border:1px solid #dde2e8;border-radius:8px;padding:.8em 1em;margin:1em 0}.muted{color:#68727d}")
                .append(".risk{display:inline-block;border-radius:10px;padding:0 .6em;font-weight:600;color:#fff}")
                .append(".low{background:#3b8f5a}.medium{background:#c28a12}.high{background:#d4571c}.critical{background:#b3172b}")
                .append(".pill{display:inline-block;background:#eef1f4;border-radius:10px;padding:0 .5em;margin:.1em}")
                .append(".summary td{font-size:1.1em}ul{margin:.2em 0 .2em 1.2em;padding:0}")
                .append("</style></head><body>");
        h.append("<h1>Capability inventory</h1><p class=muted>").append(esc(inv.generator)).append(" · ").append(esc(inv.generated))
                .append(" · schema <code>").append(esc(inv.schema)).append("</code></p>");
        h.append("<p>Inputs: ");
        for (Inventory.Input in : inv.inputs) {
            h.append("<code>").append(esc(in.path)).append("</code> (").append(esc(in.kind)).append(", ").append(in.classes)
                    .append(" classes, ").append(in.applicationClasses).append(" application) ");
        }
        h.append("</p>");

        h.append("<table class=summary><tr>");
        cell(h, inv.agents.size(), "agents");
        cell(h, inv.tools.size(), "tools");
        cell(h, inv.hosts.size(), "hosts");
        cell(h, inv.tables.size(), "tables");
        cell(h, inv.databases.size(), "databases");
        cell(h, inv.processes.size(), "process commands");
        cell(h, inv.dynamic.size(), "run-time destinations");
        cell(h, inv.problems.size(), "skipped inputs");
        h.append("</tr></table>");

        h.append("<h2>Agents</h2>");
        if (inv.agents.isEmpty()) {
            h.append("<p class=muted>No agent found.</p>");
        }
        List<Inventory.Agent> agents = new ArrayList<>(inv.agents);
        agents.sort(Comparator.comparingInt((Inventory.Agent a) -> a.risk == null ? 0 : -a.risk.score));
        for (Inventory.Agent a : agents) {
            h.append("<div class=card><h3>").append(esc(a.name)).append(" ").append(risk(a.risk)).append("</h3><p class=muted>")
                    .append(esc(a.framework)).append(" · ").append(esc(a.kind));
            if (Boolean.TRUE.equals(a.inferred)) {
                h.append(" · tool binding inferred");
            }
            h.append(" · <code>").append(esc(a.id)).append("</code></p>");
            reasons(h, a.risk);
            h.append("<p>Tools: ");
            for (String t : a.tools) {
                Inventory.Tool tool = inv.tool(t);
                h.append("<a class=pill href='#").append(anchor(t)).append("'>").append(esc(tool == null ? t : tool.name)).append("</a> ");
            }
            h.append("</p>");
            location(h, a.locations);
            h.append("</div>");
        }

        h.append("<h2>Tools</h2>");
        List<Inventory.Tool> tools = new ArrayList<>(inv.tools);
        tools.sort(Comparator.comparingInt((Inventory.Tool t) -> t.risk == null ? 0 : -t.risk.score).thenComparing(t -> t.name));
        for (Inventory.Tool t : tools) {
            h.append("<div class=card id='").append(anchor(t.id)).append("'><h3><code>").append(esc(t.name)).append("</code> ").append(risk(t.risk))
                    .append("</h3><p>").append(esc(t.description == null ? "" : t.description)).append("</p><p class=muted>")
                    .append(esc(t.framework)).append(" · declared by ").append(esc(t.declaredBy)).append(" · <code>")
                    .append(esc(t.className == null ? "" : t.className)).append(t.method == null ? "" : "#" + esc(t.method)).append("</code></p>");
            if (!t.parameters.isEmpty()) {
                h.append("<table><tr><th>parameter</th><th>type</th><th>description</th></tr>");
                for (Inventory.Parameter p : t.parameters) {
                    h.append("<tr><td><code>").append(esc(p.name)).append("</code></td><td>").append(esc(p.type)).append(" <span class=muted>")
                            .append(esc(p.javaType)).append("</span></td><td>").append(esc(p.description == null ? "" : p.description)).append("</td></tr>");
                }
                h.append("</table>");
            }
            reasons(h, t.risk);
            List<Inventory.Edge> out = new ArrayList<>();
            for (Inventory.Edge e : inv.edges) {
                if (e.from.equals(t.id)) {
                    out.add(e);
                }
            }
            if (out.isEmpty()) {
                h.append("<p class=muted>Reaches no system the call graph shows.</p>");
            } else {
                h.append("<table><tr><th>reaches</th><th>how</th><th>through</th></tr>");
                for (Inventory.Edge e : out) {
                    h.append("<tr><td><code>").append(esc(e.to)).append("</code>");
                    if (e.hint != null) {
                        h.append("<br><span class=muted>").append(esc(e.hint)).append("</span>");
                    }
                    h.append("</td><td>").append(esc(String.join(", ", e.operations)))
                            .append("</td><td>").append(esc(String.join(" → ", e.via))).append("</td></tr>");
                }
                h.append("</table>");
            }
            location(h, t.locations);
            h.append("</div>");
        }

        h.append("<h2>Systems</h2><h3>Hosts</h3>");
        table(h, new String[] {"host", "external", "clients", "example URLs", "found in"}, inv.hosts, x -> new String[] {
            x.host, x.external == null ? "" : x.external ? "yes" : "no", String.join(", ", x.clients), String.join("\n", x.urls), locs(x.locations)});
        h.append("<h3>Databases</h3>");
        table(h, new String[] {"JDBC URL", "vendor", "database", "found in"}, inv.databases, x -> new String[] {x.url, x.vendor, x.database, locs(x.locations)});
        h.append("<h3>Tables</h3>");
        table(h, new String[] {"table", "operations", "statements", "found in"}, inv.tables, x -> new String[] {
            x.name, String.join(", ", x.operations), String.join("\n", x.statements), locs(x.locations)});
        h.append("<h3>Processes</h3>");
        table(h, new String[] {"command", "arguments", "found in"}, inv.processes, x -> new String[] {
            x.command, x.args.stream().map(a -> String.join(" ", a)).reduce((p, q) -> p + "\n" + q).orElse(""), locs(x.locations)});
        h.append("<h3>Files written</h3>");
        table(h, new String[] {"path", "found in"}, inv.files, x -> new String[] {x.path, locs(x.locations)});
        h.append("<h3>Destinations known only at run time</h3>");
        table(h, new String[] {"kind", "call in", "what the code shows", "clients"}, inv.dynamic, x -> new String[] {
            x.kind, x.site, String.join("\n", x.hints), String.join(", ", x.clients)});
        h.append("<h3>MCP servers this application connects to</h3>");
        table(h, new String[] {"name", "transport", "URL or command", "found in"}, inv.mcpServers, x -> new String[] {
            x.name, x.transport, x.url != null ? x.url : x.command + " " + String.join(" ", x.args), locs(x.locations)});

        h.append("<h2>Frameworks and libraries</h2>");
        table(h, new String[] {"framework", "version", "governed", "why"}, inv.frameworks, x -> new String[] {x.name, x.version, x.governed, x.governance});
        table(h, new String[] {"library", "kind", "version", "governed"}, inv.libraries, x -> new String[] {
            x.name, x.category, x.version, x.governed == null ? "" : x.governed ? "yes" : "no"});

        h.append("<h2>Skipped</h2>");
        if (inv.problems.isEmpty()) {
            h.append("<p class=muted>Everything was read.</p>");
        } else {
            h.append("<table><tr><th>where</th><th>why</th></tr>");
            for (Inventory.Problem p : inv.problems) {
                h.append("<tr><td><code>").append(esc(p.location)).append("</code></td><td>").append(esc(p.problem)).append("</td></tr>");
            }
            h.append("</table>");
        }
        h.append("<p class=muted>Risk is the sum of the listed factors (capped at 100): low &lt; 20 ≤ medium &lt; 50 ≤ high &lt; 80 ≤ critical. ")
                .append("Scanned in ").append(inv.stats.durationMillis).append(" ms.</p></body></html>\n");
        return h.toString();
    }

    private static void cell(StringBuilder h, int n, String label) {
        h.append("<td><b>").append(n).append("</b> ").append(label).append("</td>");
    }

    private static String risk(Inventory.Risk r) {
        if (r == null) {
            return "";
        }
        return "<span class='risk " + r.level + "'>" + r.level + " " + r.score + "</span>";
    }

    private static void reasons(StringBuilder h, Inventory.Risk r) {
        if (r == null || r.reasons.isEmpty()) {
            return;
        }
        h.append("<ul>");
        for (Inventory.Reason x : r.reasons) {
            h.append("<li><b>+").append(x.points).append("</b> ").append(esc(x.factor)).append(": ").append(esc(x.detail)).append("</li>");
        }
        h.append("</ul>");
    }

    private static void location(StringBuilder h, List<Inventory.Location> locs) {
        if (!locs.isEmpty()) {
            h.append("<p class=muted>Found in ").append(esc(locs(locs))).append("</p>");
        }
    }

    private static String locs(List<Inventory.Location> locs) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < locs.size() && i < 3; i++) {
            sb.append(i == 0 ? "" : "\n").append(locs.get(i));
        }
        if (locs.size() > 3) {
            sb.append("\n… and ").append(locs.size() - 3).append(" more");
        }
        return sb.toString();
    }

    private static <T> void table(StringBuilder h, String[] head, List<T> rows, java.util.function.Function<T, String[]> cols) {
        if (rows.isEmpty()) {
            h.append("<p class=muted>None found.</p>");
            return;
        }
        h.append("<table><tr>");
        for (String c : head) {
            h.append("<th>").append(esc(c)).append("</th>");
        }
        h.append("</tr>");
        for (T r : rows) {
            h.append("<tr>");
            for (String c : cols.apply(r)) {
                h.append("<td>").append(esc(c == null ? "" : c).replace("\n", "<br>")).append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</table>");
    }

    private static String anchor(String id) {
        return id.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<': sb.append("&lt;"); break;
                case '>': sb.append("&gt;"); break;
                case '&': sb.append("&amp;"); break;
                case '"': sb.append("&quot;"); break;
                case '\'': sb.append("&#39;"); break;
                default: sb.append(c);
            }
        }
        return sb.toString();
    }
}
