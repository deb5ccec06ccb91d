package dev.warden.collector.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.rules.control.Order;
import dev.warden.rules.evidence.EvidenceJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fleet as the collector sees it: every agent instance that said HELLO, what its heartbeats
 * describe (agent, host, pid, JDK, mode, hooks, libraries, policy, kill orders, backlog), the
 * capabilities it has exercised (merged: earliest first, latest last, highest cumulative count
 * and denied count)
 * and what became of each order sent to it (sent, applied, refused with the agent's detail).
 *
 * <p>State of an instance: {@code live} while its last heartbeat is at most three of its
 * heartbeat intervals old, {@code stale} after that, {@code gone} once stale for
 * {@link #GONE_AFTER_MILLIS} or when a newer instance of the same agent reports the same host and
 * pid (the process is not there any more). Instances that said HELLO but never sent a heartbeat
 * (a feed of an earlier instance's leftover evidence, or a JVM still starting) are reachable for
 * orders but not listed.
 *
 * <p>The view is saved to {@code STORE/control/fleet.json} (atomically, by the ingest thread at
 * most every two seconds) and loaded at start, so a restarted collector still knows the fleet's
 * last state; an instance silent for a week is forgotten. Thread-safe: every method is synchronized; never on a hot path.
 */
public final class Fleet {
    public static final String FILE = "fleet.json";
    static final long GONE_AFTER_MILLIS = 10 * 60_000;
    static final long DEFAULT_INTERVAL_MILLIS = 5_000;
    /** An instance not heard from for this long leaves the view (the audit trail keeps its history). */
    static final long FORGET_AFTER_MILLIS = 7L * 24 * 3600 * 1000;
    static final int MAX_CAPABILITIES = 10_000;
    /** Order statuses kept per instance (the newest). */
    static final int MAX_ORDER_STATUSES = 64;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One order's status on one instance; {@code laterRefusal}: a re-delivery the instance refused
     * after it had applied the order (a replay of a superseded order), which does not undo the rollout.
     */
    record Status(String status, String detail, String policyVersion, long atMillis, String laterRefusal) {
        Status(String status, String detail, String policyVersion, long atMillis) {
            this(status, detail, policyVersion, atMillis, null);
        }
    }

    static final class Instance {
        final String instance;
        String agent;
        String endpoint;
        long firstSeen;
        long helloAt;
        long lastHeartbeat;
        long heartbeats;
        long intervalMillis = DEFAULT_INTERVAL_MILLIS;
        long session;
        long counter;
        boolean replaced;
        ObjectNode report = JSON.createObjectNode();
        final Map<String, ObjectNode> capabilities = new LinkedHashMap<>();
        final TreeMap<Long, Status> orders = new TreeMap<>();

        Instance(String instance) {
            this.instance = instance;
        }

        String state(long now) {
            if (replaced || (lastHeartbeat > 0 && now - lastHeartbeat > 3 * intervalMillis + GONE_AFTER_MILLIS)) {
                return "gone";
            }
            // once an instance heartbeats, only heartbeats keep it live: a successor JVM shipping its leftover
            // evidence says HELLO for it, which proves nothing about the instance itself
            long last = heartbeats > 0 ? lastHeartbeat : helloAt;
            return now - last > 3 * intervalMillis ? "stale" : "live";
        }
    }

    private final Path file;
    private final Map<String, Instance> instances = new LinkedHashMap<>();
    private boolean dirty;

    /** A fleet saved in {@code store/control/fleet.json}; loads what an earlier run saved. */
    public Fleet(Path store) throws IOException {
        this.file = store.resolve("control").resolve(FILE);
        Files.createDirectories(file.getParent());
        if (Files.exists(file)) {
            load();
        }
    }

    /** An instance said HELLO (its orders are re-sent next): reachable at {@code endpoint}. */
    public synchronized void hello(String instance, String agent, String endpoint, long now) {
        Instance i = instances.computeIfAbsent(instance, Instance::new);
        if (i.firstSeen == 0) {
            i.firstSeen = now;
        }
        i.agent = agent;
        i.endpoint = endpoint;
        i.helloAt = now;
        dirty = true;
    }

    /**
     * A heartbeat (already authenticated) from the instance's current session {@code session}
     * with frame counter {@code counter}; false when the counter is not above the last one (replayed).
     */
    public synchronized boolean heartbeat(String instance, String agent, String endpoint, long session, long counter, JsonNode json, long now) {
        Instance i = instances.computeIfAbsent(instance, Instance::new);
        if (session == i.session && counter <= i.counter) {
            return false;
        }
        i.session = session;
        i.counter = counter;
        if (i.firstSeen == 0) {
            i.firstSeen = now;
        }
        i.agent = agent;
        i.endpoint = endpoint;
        i.lastHeartbeat = now;
        i.heartbeats++;
        i.replaced = false;
        long interval = json.path("interval_ms").asLong(DEFAULT_INTERVAL_MILLIS);
        i.intervalMillis = interval > 0 ? Math.min(interval, 3_600_000) : DEFAULT_INTERVAL_MILLIS;
        ObjectNode report = json.isObject() ? ((ObjectNode) json).deepCopy() : JSON.createObjectNode();
        JsonNode caps = report.remove("capabilities");
        i.report = report;
        if (caps != null && caps.isArray()) {
            for (JsonNode c : caps) {
                mergeCapability(i, c);
            }
        }
        // the same process cannot be two instances: an older one on the same host and pid has gone
        String host = report.path("host").asText(null);
        long pid = report.path("pid").asLong(-1);
        if (host != null && pid > 0) {
            for (Instance o : instances.values()) {
                if (o != i && !o.replaced && agent != null && agent.equals(o.agent) && host.equals(o.report.path("host").asText(null))
                        && pid == o.report.path("pid").asLong(-2) && o.lastHeartbeat < i.lastHeartbeat) {
                    o.replaced = true;
                }
            }
        }
        dirty = true;
        return true;
    }

    private static void mergeCapability(Instance i, JsonNode c) {
        String kind = c.path("kind").asText("");
        String key = switch (kind) {
            case "tool" -> "tool\0" + c.path("tool").asText("");
            case "http" -> "http\0" + c.path("host").asText("") + "\0" + c.path("method").asText("");
            case "sql" -> "sql\0" + c.path("database").asText("") + "\0" + c.path("table").asText("") + "\0" + c.path("operation").asText("");
            case "process" -> "process\0" + c.path("command").asText("");
            default -> null;
        };
        if (key == null) {
            return;
        }
        ObjectNode have = i.capabilities.get(key);
        if (have == null) {
            if (i.capabilities.size() >= MAX_CAPABILITIES) {
                return;
            }
            ObjectNode n = JSON.createObjectNode();
            n.put("kind", kind);
            switch (kind) {
                case "tool" -> n.put("tool", c.path("tool").asText(""));
                case "http" -> n.put("host", c.path("host").asText("")).put("method", c.path("method").asText(""));
                case "sql" -> n.put("database", c.path("database").asText("")).put("table", c.path("table").asText(""))
                        .put("operation", c.path("operation").asText(""));
                default -> n.put("command", c.path("command").asText(""));
            }
            n.put("first", c.path("first").asLong(0)).put("last", c.path("last").asLong(0)).put("count", c.path("count").asLong(0));
            if (c.has("denied")) {
                n.put("denied", c.path("denied").asLong(0));
            }
            i.capabilities.put(key, n);
            return;
        }
        long first = c.path("first").asLong(0);
        if (first > 0 && (have.path("first").asLong(0) == 0 || first < have.path("first").asLong())) {
            have.put("first", first);
        }
        have.put("last", Math.max(have.path("last").asLong(0), c.path("last").asLong(0)));
        have.put("count", Math.max(have.path("count").asLong(0), c.path("count").asLong(0)));
        if (c.has("denied")) {
            have.put("denied", Math.max(have.path("denied").asLong(0), c.path("denied").asLong(0)));
        }
    }

    /** The order was sent to the instance. */
    public synchronized void sent(String instance, long serial, long now) {
        Instance i = instances.get(instance);
        if (i != null && !i.orders.containsKey(serial)) {
            i.orders.put(serial, new Status("sent", null, null, now));
            trim(i);
            dirty = true;
        }
    }

    /**
     * The instance acknowledged an order; true when this is news worth recording: the first
     * "applied" (a re-delivery acknowledged again is not), or a refusal not reported before.
     */
    public synchronized boolean ack(String instance, long serial, boolean applied, String policyVersion, String detail, long now) {
        Instance i = instances.computeIfAbsent(instance, Instance::new);
        Status prev = i.orders.get(serial);
        boolean wasApplied = prev != null && prev.status().equals("applied");
        if (applied && wasApplied) {
            return false;
        }
        if (!applied && prev != null && java.util.Objects.equals(detail, wasApplied ? prev.laterRefusal() : prev.detail())
                && (wasApplied || prev.status().equals("refused"))) {
            return false;
        }
        Status next = !applied && wasApplied
                ? new Status("applied", prev.detail(), prev.policyVersion(), prev.atMillis(), detail)
                : new Status(applied ? "applied" : "refused", detail, policyVersion, now);
        i.orders.put(serial, next);
        trim(i);
        dirty = true;
        return true;
    }

    private static void trim(Instance i) {
        while (i.orders.size() > MAX_ORDER_STATUSES) {
            i.orders.pollFirstEntry();
        }
    }

    /** The agent id an instance speaks for, or null. */
    public synchronized String agentOf(String instance) {
        Instance i = instances.get(instance);
        return i == null ? null : i.agent;
    }

    /**
     * The instances an order goes to: every instance of a targeted agent that is not gone. The
     * feeds of one JVM share its control endpoint and the agent acts only on orders addressed to
     * its own instance, so each is addressed (which one is the JVM's own is not known before its
     * first heartbeat); a stale instance's frames are ignored or lost, harmlessly.
     */
    public synchronized List<String> reachable(Order o, long now) {
        List<String> out = new ArrayList<>();
        for (Instance i : instances.values()) {
            if (i.agent == null || i.endpoint == null || !o.targets(i.agent) || i.state(now).equals("gone")) {
                continue;
            }
            if (i.heartbeats == 0 && now - i.helloAt > 3 * DEFAULT_INTERVAL_MILLIS) {
                continue; // never heartbeated and quiet: a leftover feed, not a running instance
            }
            out.add(i.instance);
        }
        return out;
    }

    /** True when the instance is live now (heartbeating, or just connected). */
    public synchronized boolean isLive(String instance, long now) {
        Instance i = instances.get(instance);
        return i != null && i.state(now).equals("live");
    }

    /** The status of an order on each instance that has one: instance -> status. */
    public synchronized Map<String, String> rollout(long serial) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Instance i : instances.values()) {
            Status s = i.orders.get(serial);
            if (s != null) {
                m.put(i.instance, s.status());
            }
        }
        return m;
    }

    /** Instances listed in the view (heartbeat at least once) by state, for the metrics. */
    public synchronized long count(String state, long now) {
        long n = 0;
        for (Instance i : instances.values()) {
            if (i.heartbeats > 0 && i.state(now).equals(state)) {
                n++;
            }
        }
        return n;
    }

    /** The fleet as JSON: one object per instance that has sent a heartbeat. */
    public synchronized ArrayNode view(long now) {
        ArrayNode list = JSON.createArrayNode();
        for (Instance i : instances.values()) {
            if (i.heartbeats == 0) {
                continue;
            }
            ObjectNode n = JSON.createObjectNode();
            n.put("agent", i.agent).put("instance", i.instance).put("state", i.state(now));
            n.put("last_heartbeat", EvidenceJson.formatTime(i.lastHeartbeat * 1000));
            n.put("last_heartbeat_ms", i.lastHeartbeat);
            n.put("first_seen", EvidenceJson.formatTime(i.firstSeen * 1000));
            n.put("heartbeats", i.heartbeats).put("interval_ms", i.intervalMillis).put("control_endpoint", i.endpoint);
            Iterator<Map.Entry<String, JsonNode>> f = i.report.fields();
            while (f.hasNext()) {
                Map.Entry<String, JsonNode> e = f.next();
                if (!n.has(e.getKey())) {
                    n.set(e.getKey(), e.getValue().deepCopy());
                }
            }
            ArrayNode caps = n.putArray("capabilities");
            i.capabilities.values().forEach(c -> caps.add(c.deepCopy()));
            ArrayNode orders = n.putArray("orders");
            for (Map.Entry<Long, Status> e : i.orders.entrySet()) {
                ObjectNode o = orders.addObject().put("serial", e.getKey()).put("status", e.getValue().status());
                if (e.getValue().detail() != null) {
                    o.put("detail", e.getValue().detail());
                }
                if (e.getValue().policyVersion() != null) {
                    o.put("policy_version", e.getValue().policyVersion());
                }
                if (e.getValue().laterRefusal() != null) {
                    o.put("later_refusal", e.getValue().laterRefusal());
                }
                o.put("at", EvidenceJson.formatTime(e.getValue().atMillis() * 1000));
            }
            list.add(n);
        }
        return list;
    }

    // ---------------------------------------------------------------- persistence

    /** Writes the fleet file when something changed since the last save (forgetting instances silent for a week). */
    public synchronized void saveIfDirty() throws IOException {
        if (!dirty) {
            return;
        }
        long now = System.currentTimeMillis();
        instances.values().removeIf(i -> now - Math.max(i.lastHeartbeat, i.helloAt) > FORGET_AFTER_MILLIS);
        ArrayNode list = JSON.createArrayNode();
        for (Instance i : instances.values()) {
            ObjectNode n = list.addObject();
            n.put("instance", i.instance).put("agent", i.agent).put("endpoint", i.endpoint).put("first_seen", i.firstSeen)
                    .put("hello_at", i.helloAt).put("last_heartbeat", i.lastHeartbeat).put("heartbeats", i.heartbeats)
                    .put("interval_ms", i.intervalMillis).put("replaced", i.replaced);
            n.set("report", i.report);
            ArrayNode caps = n.putArray("capabilities");
            i.capabilities.values().forEach(caps::add);
            ArrayNode orders = n.putArray("orders");
            for (Map.Entry<Long, Status> e : i.orders.entrySet()) {
                orders.addObject().put("serial", e.getKey()).put("status", e.getValue().status()).put("detail", e.getValue().detail())
                        .put("policy_version", e.getValue().policyVersion()).put("at", e.getValue().atMillis())
                        .put("later_refusal", e.getValue().laterRefusal());
            }
        }
        Path tmp = file.resolveSibling(FILE + ".tmp");
        Files.write(tmp, JSON.writeValueAsBytes(JSON.createObjectNode().set("instances", list)));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        dirty = false;
    }

    private void load() throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not readable as the fleet file (" + e.getMessage() + "); move it away to start with an empty fleet");
        }
        for (JsonNode n : root.path("instances")) {
            Instance i = new Instance(n.path("instance").asText());
            i.agent = n.path("agent").asText(null);
            i.endpoint = n.path("endpoint").asText(null);
            i.firstSeen = n.path("first_seen").asLong();
            i.helloAt = n.path("hello_at").asLong();
            i.lastHeartbeat = n.path("last_heartbeat").asLong();
            i.heartbeats = n.path("heartbeats").asLong();
            i.intervalMillis = n.path("interval_ms").asLong(DEFAULT_INTERVAL_MILLIS);
            i.replaced = n.path("replaced").asBoolean();
            if (n.path("report").isObject()) {
                i.report = (ObjectNode) n.path("report");
            }
            for (JsonNode c : n.path("capabilities")) {
                mergeCapability(i, c);
            }
            for (JsonNode o : n.path("orders")) {
                i.orders.put(o.path("serial").asLong(), new Status(o.path("status").asText(), o.path("detail").asText(null),
                        o.path("policy_version").asText(null), o.path("at").asLong(), o.path("later_refusal").asText(null)));
            }
            instances.put(i.instance, i);
        }
    }
}
