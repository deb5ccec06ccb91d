package dev.warden.cli.collector;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.scanner.Inventory;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The fleet's exercised capabilities in the scanner's inventory format (schema
 * {@code warden.inventory/1}, discovery-scanner/INVENTORY.md), so {@code warden policy coverage}
 * runs on what the agents really do: tools, hosts (with the HTTP methods seen), tables (with the
 * SQL operations seen) and processes, each {@code source: live} — {@code static+live} when merged
 * into a static scan that found it too — with {@code firstSeen}/{@code lastSeen}/{@code count}
 * summed over the instances. Item ids follow the scanner's live merge ({@code tool:custom:NAME},
 * {@code host:HOST}, {@code table:NAME}, {@code process:COMMAND}); a tool is matched by name.
 *
 * <p>Stateless; any thread.
 */
public final class FleetInventory {
    private FleetInventory() {
    }

    public static Inventory of(JsonNode fleet, Inventory base) {
        Inventory inv = base != null ? base : new Inventory();
        inv.generated = Instant.now().toString();
        inv.generator = base != null ? base.generator + " + warden fleet" : "warden fleet";
        for (JsonNode i : fleet.path("instances")) {
            for (JsonNode c : i.path("capabilities")) {
                add(inv, c);
            }
        }
        return inv;
    }

    private static void add(Inventory inv, JsonNode c) {
        switch (c.path("kind").asText()) {
            case "tool" -> {
                String name = c.path("tool").asText();
                Inventory.Tool t = null;
                for (Inventory.Tool x : inv.tools) {
                    if (name.equals(x.name)) {
                        t = x;
                    }
                }
                if (t == null) {
                    t = new Inventory.Tool();
                    t.id = "tool:custom:" + name;
                    t.name = name;
                    t.framework = "custom";
                    t.source = Inventory.LIVE;
                    inv.tools.add(t);
                }
                seen(t, c);
            }
            case "http" -> {
                String host = c.path("host").asText().toLowerCase(Locale.ROOT);
                Inventory.Host h = Inventory.find(inv.hosts, "host:" + host);
                if (h == null) {
                    h = new Inventory.Host();
                    h.id = "host:" + host;
                    h.host = host;
                    h.source = Inventory.LIVE;
                    inv.hosts.add(h);
                }
                addOnce(h.methods, c.path("method").asText().toUpperCase(Locale.ROOT));
                seen(h, c);
            }
            case "sql" -> {
                String table = c.path("table").asText().toLowerCase(Locale.ROOT);
                if (table.isEmpty()) {
                    return; // a statement whose text the agent never saw names no table
                }
                Inventory.Table t = Inventory.find(inv.tables, "table:" + table);
                if (t == null) {
                    t = new Inventory.Table();
                    t.id = "table:" + table;
                    t.name = table;
                    t.source = Inventory.LIVE;
                    inv.tables.add(t);
                }
                addOnce(t.operations, c.path("operation").asText().toUpperCase(Locale.ROOT));
                seen(t, c);
            }
            case "process" -> {
                String command = c.path("command").asText();
                Inventory.ProcessCommand p = Inventory.find(inv.processes, "process:" + command);
                if (p == null) {
                    p = new Inventory.ProcessCommand();
                    p.id = "process:" + command;
                    p.command = command;
                    p.source = Inventory.LIVE;
                    inv.processes.add(p);
                }
                seen(p, c);
            }
            default -> {
                // a capability kind this build does not know: not an inventory item
            }
        }
    }

    private static void seen(Inventory.Item item, JsonNode c) {
        if (Inventory.STATIC.equals(item.source)) {
            item.source = Inventory.BOTH;
        }
        String first = time(c.path("first").asLong(0));
        String last = time(c.path("last").asLong(0));
        if (first != null && (item.firstSeen == null || first.compareTo(item.firstSeen) < 0)) {
            item.firstSeen = first;
        }
        if (last != null && (item.lastSeen == null || last.compareTo(item.lastSeen) > 0)) {
            item.lastSeen = last;
        }
        item.count = (item.count == null ? 0 : item.count) + c.path("count").asLong(0);
    }

    private static String time(long millis) {
        return millis <= 0 ? null : Instant.ofEpochMilli(millis).toString();
    }

    private static void addOnce(List<String> l, String v) {
        if (!v.isEmpty() && !l.contains(v)) {
            l.add(v);
        }
    }
}
