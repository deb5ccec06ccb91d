package dev.warden.cli.collector;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.cli.Main;
import dev.warden.collector.Tokens;
import dev.warden.scanner.Inventory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code warden fleet}: the agent instances the collector knows — state (live / stale / gone),
 * the policy each enforces, kill orders, last heartbeat, capabilities exercised — as a table, as
 * JSON ({@code --json}, the whole {@code GET /api/fleet}), or as a capability inventory
 * ({@code --inventory FILE}, optionally merged into a static scan with {@code --merge}) for
 * {@code warden policy coverage}. Runs on the command's thread.
 */
@Command(name = "fleet", description = "The running agent instances: state, policy, kill orders, capabilities exercised.")
public final class FleetCommand extends ControlClient implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "print the collector's whole fleet view as JSON")
    boolean json;

    @Option(names = "--inventory", paramLabel = "FILE", description = "write the capabilities the fleet exercised as an inventory (for policy coverage)")
    Path inventory;

    @Option(names = "--merge", paramLabel = "INVENTORY", description = "with --inventory: merge into this static inventory (warden scan) instead of an empty one")
    Path merge;

    @Option(names = "--as", paramLabel = "NAME", description = "read with this name's token from --store (default admin)")
    String as = Tokens.ADMIN;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (merge != null && inventory == null) {
            throw new Main.UserError("--merge needs --inventory FILE (where to write the merged inventory)");
        }
        Inventory base = null;
        if (merge != null) {
            try {
                base = Inventory.read(merge);
            } catch (IOException e) {
                throw new Main.UserError(e.getMessage());
            }
        }
        JsonNode fleet = send("GET", "/api/fleet", null, token(as), err);
        if (inventory != null) {
            Inventory inv = FleetInventory.of(fleet, base);
            try {
                inv.write(inventory);
            } catch (IOException e) {
                throw new Main.UserError("cannot write " + inventory + ": " + e.getMessage());
            }
            out.printf("%s: %d tools, %d hosts, %d tables, %d processes exercised by %d instances%n", inventory, inv.tools.size(), inv.hosts.size(),
                    inv.tables.size(), inv.processes.size(), fleet.path("instances").size());
        } else if (json) {
            out.println(fleet.toPrettyString());
        } else {
            table(fleet, out);
        }
        out.flush();
        return 0;
    }

    static void table(JsonNode fleet, PrintWriter out) {
        if (fleet.path("instances").isEmpty()) {
            out.println("no agent instance has reported to this collector yet (agents need collector=HOST:PORT)");
        } else {
            instances(fleet, out);
        }
        orders(fleet, out);
    }

    private static void instances(JsonNode fleet, PrintWriter out) {
        out.printf("%-16s %-22s %-22s %-6s %-26s %-14s %-10s %s%n", "AGENT", "INSTANCE", "HOST/PID", "STATE", "POLICY (SERIAL)", "KILL",
                "HEARTBEAT", "CAPABILITIES");
        Instant now = Instant.now();
        for (JsonNode i : fleet.path("instances")) {
            JsonNode p = i.path("policy");
            String policy = p.path("name").asText("-") + " (" + (p.path("serial").asLong(0) == 0 ? "file" : "#" + p.path("serial").asLong()) + ")";
            long pushed = i.path("pushed_policy_serial").asLong(0);
            if (pushed > 0 && pushed != p.path("serial").asLong(0) && !i.path("state").asText().equals("gone")) {
                policy += " ->#" + pushed;
            }
            StringBuilder kill = new StringBuilder();
            for (JsonNode k : i.path("kill")) {
                kill.append(kill.length() == 0 ? "" : ",").append('#').append(k.path("serial").asLong())
                        .append(k.path("tool").isTextual() ? "(" + k.path("tool").asText() + ")" : "");
            }
            long last = i.path("last_heartbeat_ms").asLong(0);
            String ago = last == 0 ? "-" : ago(Duration.between(Instant.ofEpochMilli(last), now));
            out.printf("%-16s %-22s %-22s %-6s %-26s %-14s %-10s %d%n", clip(i.path("agent").asText("-"), 16), clip(i.path("instance").asText(), 22),
                    clip(i.path("host").asText("?") + "/" + i.path("pid").asText("?"), 22), i.path("state").asText(), clip(policy, 26),
                    kill.length() == 0 ? "-" : clip(kill.toString(), 14), ago, i.path("capabilities").size());
        }
    }

    private static void orders(JsonNode fleet, PrintWriter out) {
        JsonNode orders = fleet.path("orders");
        if (!orders.isEmpty()) {
            out.println();
            out.println("recent orders:");
            for (int x = Math.max(0, orders.size() - 5); x < orders.size(); x++) {
                JsonNode o = orders.get(x);
                String what = (o.path("policy_name").isTextual() ? "'" + o.path("policy_name").asText() + "'" : o.path("reason").asText(""))
                        + (o.path("tool").isTextual() ? " (tool " + o.path("tool").asText() + ")" : "");
                out.printf("  #%-4d %-8s -> %-12s by %-10s %s%d applied, %d refused%n", o.path("serial").asLong(), o.path("type").asText(),
                        o.path("target").asText().equals("*") ? "all" : o.path("target").asText(), o.path("issuer").asText("-"),
                        what.isBlank() ? "" : what.trim() + ": ", o.path("applied").asInt(), o.path("refused").asInt());
            }
        }
    }

    private static String ago(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s < 120 ? s + "s ago" : s < 7200 ? s / 60 + "m ago" : s / 3600 + "h ago";
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }
}
