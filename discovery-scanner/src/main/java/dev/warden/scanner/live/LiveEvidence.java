package dev.warden.scanner.live;

import dev.warden.rules.evidence.EvidenceRecord;
import dev.warden.scanner.Inventory;
import dev.warden.scanner.Systems;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Merges what a running agent actually did (its evidence {@code decision} records) into an
 * {@link Inventory}: tools invoked, hosts contacted, tables touched, processes started. Items
 * seen only live get {@code source: live}; items also found statically become
 * {@code static+live}; both get {@code firstSeen}, {@code lastSeen} and {@code count}. A tool
 * call's HTTP/SQL/process children (the record's {@code parent}) become live edges.
 *
 * <p>Reads what the agent writes into the record's attributes: HTTP {@code method}, {@code host},
 * {@code port}, {@code client} (the scheme and the redacted URL come from the {@code target}
 * {@code "POST https://host/path"}); SQL {@code operation}, {@code tables}, {@code statement};
 * process {@code command}. A statement whose text the agent never saw names no table and adds
 * none. Not thread-safe: one thread feeds it.
 */
public final class LiveEvidence {
    private final Inventory inv;
    private final Map<String, Inventory.Edge> edges = new LinkedHashMap<>();
    private long records;
    private long blocked;

    public LiveEvidence(Inventory inv) {
        this.inv = inv;
        for (Inventory.Edge e : inv.edges) {
            edges.put(e.from + "->" + e.to, e);
        }
    }

    public long records() {
        return records;
    }

    /** Decisions that did not let the call go ahead (zero when the agent only observes). */
    public long blocked() {
        return blocked;
    }

    private static Integer port(String s) {
        try {
            return s == null ? null : Integer.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Takes one evidence record; anything but a decision is ignored. */
    public void accept(EvidenceRecord r) {
        if (r.type != EvidenceRecord.Type.DECISION || r.kind == null) {
            return;
        }
        records++;
        if (r.decision != null && !r.decision.equals("allow")) {
            blocked++;
        }
        String when = Instant.ofEpochSecond(r.timeMicros / 1_000_000, (r.timeMicros % 1_000_000) * 1000).truncatedTo(ChronoUnit.MILLIS).toString();
        Map<String, String> a = r.attributes;
        String target = r.target == null ? "" : r.target;
        switch (r.kind) {
            case "tool": {
                String name = first(a.get("tool"), target);
                String framework = first(a.get("framework"), "custom");
                Inventory.Tool t = findTool(name);
                if (t == null) {
                    t = new Inventory.Tool();
                    t.id = "tool:" + framework + ":" + name;
                    t.name = name;
                    t.framework = framework;
                    t.source = Inventory.LIVE;
                    inv.tools.add(t);
                }
                seen(t, when);
                if (r.agent != null) {
                    Inventory.Agent ag = agent(r.agent, framework);
                    if (!ag.tools.contains(t.id)) {
                        ag.tools.add(t.id);
                    }
                    if (!t.agents.contains(ag.id)) {
                        t.agents.add(ag.id);
                    }
                    seen(ag, when);
                    edge(ag.id, t.id, null, when);
                }
                break;
            }
            case "http": {
                // the agent writes method, host, port, path and client as attributes; the scheme and the
                // redacted URL (no userinfo, query values removed) only in the target "METHOD URL"
                String host = a.get("host");
                int sp = target.indexOf(' ');
                Systems.Url u = sp > 0 ? Systems.url(target.substring(sp + 1)) : null;
                if (host == null || host.isEmpty()) {
                    host = u == null ? null : u.host();
                }
                if (host == null || host.isEmpty()) {
                    return;
                }
                String method = a.get("method");
                String id = "host:" + host;
                Inventory.Host h = Inventory.find(inv.hosts, id);
                if (h == null) {
                    h = new Inventory.Host();
                    h.id = id;
                    h.host = host;
                    h.external = Systems.isExternal(host);
                    h.source = Inventory.LIVE;
                    inv.hosts.add(h);
                }
                if (u != null) {
                    addOnce(h.schemes, u.scheme());
                    if (h.urls.size() < 10) {
                        addOnce(h.urls, u.sanitized());
                    }
                }
                Integer port = port(a.get("port"));
                if (port != null && !h.ports.contains(port)) {
                    h.ports.add(port);
                }
                addOnce(h.methods, method);
                addOnce(h.clients, a.get("client"));
                seen(h, when);
                if (isToolParent(r.parent)) {
                    edge(toolId(r.parent), id, method, when);
                }
                break;
            }
            case "sql": {
                // operation, tables (comma-separated, lower case), statement (literals as ?), database and driver
                String op = a.get("operation");
                List<String> tables = new ArrayList<>();
                if (a.get("tables") != null) {
                    for (String t : a.get("tables").split("[,\\s]+")) {
                        if (!t.isEmpty()) {
                            tables.add(t.toLowerCase(Locale.ROOT));
                        }
                    }
                }
                // no tables: a statement prepared before the agent was attached, or one naming no table (SELECT 1)
                for (String name : tables) {
                    String id = "table:" + name;
                    Inventory.Table tb = Inventory.find(inv.tables, id);
                    if (tb == null) {
                        tb = new Inventory.Table();
                        tb.id = id;
                        tb.name = name;
                        tb.source = Inventory.LIVE;
                        inv.tables.add(tb);
                    }
                    addOnce(tb.operations, op);
                    if (a.get("statement") != null && tb.statements.size() < 5) {
                        addOnce(tb.statements, a.get("statement"));
                    }
                    seen(tb, when);
                    if (isToolParent(r.parent)) {
                        edge(toolId(r.parent), id, op, when);
                    }
                }
                break;
            }
            case "process": {
                String command = a.get("command");
                if (command == null || command.isEmpty()) {
                    return;
                }
                String id = "process:" + command;
                Inventory.ProcessCommand p = Inventory.find(inv.processes, id);
                if (p == null) {
                    p = new Inventory.ProcessCommand();
                    p.id = id;
                    p.command = command;
                    p.source = Inventory.LIVE;
                    inv.processes.add(p);
                }
                seen(p, when);
                if (isToolParent(r.parent)) {
                    edge(toolId(r.parent), id, null, when);
                }
                break;
            }
            default:
                break;
        }
    }

    private boolean isToolParent(String parent) {
        return parent != null && !parent.equals("model") && !parent.isEmpty();
    }

    private String toolId(String parent) {
        Inventory.Tool t = findTool(parent);
        return t != null ? t.id : "tool:custom:" + parent;
    }

    private Inventory.Tool findTool(String name) {
        for (Inventory.Tool t : inv.tools) {
            if (t.name.equals(name)) {
                return t;
            }
        }
        return null;
    }

    private Inventory.Agent agent(String name, String framework) {
        for (Inventory.Agent a : inv.agents) {
            if (a.name.equals(name) || a.id.endsWith(":" + name)) {
                return a;
            }
        }
        Inventory.Agent a = new Inventory.Agent();
        a.id = "agent:live:" + name;
        a.name = name;
        a.framework = framework;
        a.kind = "running-agent";
        a.source = Inventory.LIVE;
        inv.agents.add(a);
        return a;
    }

    private void edge(String from, String to, String op, String when) {
        Inventory.Edge e = edges.get(from + "->" + to);
        if (e == null) {
            e = new Inventory.Edge();
            e.from = from;
            e.to = to;
            e.source = Inventory.LIVE;
            edges.put(from + "->" + to, e);
            inv.edges.add(e);
        } else if (Inventory.STATIC.equals(e.source)) {
            e.source = Inventory.BOTH;
        }
        addOnce(e.operations, op);
        e.count = e.count == null ? 1 : e.count + 1;
    }

    private static void seen(Inventory.Item item, String when) {
        if (Inventory.STATIC.equals(item.source)) {
            item.source = Inventory.BOTH;
        }
        if (item.firstSeen == null || when.compareTo(item.firstSeen) < 0) {
            item.firstSeen = when;
        }
        if (item.lastSeen == null || when.compareTo(item.lastSeen) > 0) {
            item.lastSeen = when;
        }
        item.count = item.count == null ? 1 : item.count + 1;
    }

    private static void addOnce(List<String> l, String v) {
        if (v != null && !v.isEmpty() && !l.contains(v)) {
            l.add(v);
        }
    }

    private static String first(String a, String b) {
        return a != null && !a.isEmpty() ? a : b;
    }
}
