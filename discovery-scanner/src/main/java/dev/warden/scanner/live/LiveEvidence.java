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
 * <p>Reads the record's attributes where the agent wrote them ({@code host}, {@code method},
 * {@code tables}, {@code operation}, {@code command}, ...) and falls back to its {@code target}
 * text ({@code POST https://host/path}, {@code UPDATE orders,customers}, a tool name, a
 * command). Not thread-safe: one thread feeds it.
 */
public final class LiveEvidence {
    private final Inventory inv;
    private final Map<String, Inventory.Edge> edges = new LinkedHashMap<>();
    private long records;

    public LiveEvidence(Inventory inv) {
        this.inv = inv;
        for (Inventory.Edge e : inv.edges) {
            edges.put(e.from + "->" + e.to, e);
        }
    }

    public long records() {
        return records;
    }

    /** Takes one evidence record; anything but a decision is ignored. */
    public void accept(EvidenceRecord r) {
        if (r.type != EvidenceRecord.Type.DECISION || r.kind == null) {
            return;
        }
        records++;
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
                String url = a.get("url");
                String method = a.get("method");
                if (url == null) {
                    int sp = target.indexOf(' ');
                    url = sp > 0 ? target.substring(sp + 1) : target;
                    method = method != null ? method : sp > 0 ? target.substring(0, sp) : null;
                }
                Systems.Url u = Systems.url(url);
                String host = a.get("host") != null ? a.get("host") : u == null ? null : u.host();
                if (host == null) {
                    return;
                }
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
                String scheme = a.get("scheme") != null ? a.get("scheme") : u == null ? null : u.scheme();
                addOnce(h.schemes, scheme);
                addOnce(h.methods, method);
                addOnce(h.clients, a.get("client"));
                if (u != null && h.urls.size() < 10) {
                    addOnce(h.urls, u.sanitized());
                }
                seen(h, when);
                if (isToolParent(r.parent)) {
                    edge(toolId(r.parent), id, method, when);
                }
                break;
            }
            case "sql": {
                String op = a.get("operation");
                List<String> tables = new ArrayList<>();
                if (a.get("tables") != null) {
                    for (String t : a.get("tables").split("[,\\s]+")) {
                        if (!t.isEmpty()) {
                            tables.add(t.toLowerCase(Locale.ROOT));
                        }
                    }
                } else {
                    String[] parts = target.split(" ", 2);
                    op = op != null ? op : parts[0];
                    if (parts.length > 1) {
                        for (String t : parts[1].split(",")) {
                            if (!t.isBlank()) {
                                tables.add(t.strip().toLowerCase(Locale.ROOT));
                            }
                        }
                    }
                }
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
                String command = first(a.get("command"), target.split(" ", 2)[0]);
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
