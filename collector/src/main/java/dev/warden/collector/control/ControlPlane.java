package dev.warden.collector.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.rules.Policy;
import dev.warden.rules.control.Order;
import dev.warden.rules.evidence.EvidenceJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The collector's control plane: the {@link OrderBook} (what was ordered, signed and logged),
 * the {@link Fleet} (who is running and what they acknowledged), and the hand-over of new
 * orders from the HTTP threads that issue them to the ingest thread, the only one that sends on
 * Aeron: {@link #submit} queues an order, the ingest thread {@link #poll}s it within a
 * millisecond, sends it to every reachable targeted instance and completes the dispatch with
 * the instances it went to.
 *
 * <p>Thread-safe.
 */
public final class ControlPlane implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An order on its way to the ingest thread; {@code sentTo} completes with the instances addressed. */
    public record Dispatch(Order order, CompletableFuture<List<String>> sentTo) {
    }

    public final OrderBook book;
    public final Fleet fleet;
    private final ConcurrentLinkedQueue<Dispatch> outbox = new ConcurrentLinkedQueue<>();
    /** Run after an order is queued (the ingest thread's wake-up). */
    private volatile Runnable onSubmit = () -> { };

    public ControlPlane(Path store) throws IOException {
        this.book = new OrderBook(store);
        this.fleet = new Fleet(store);
    }

    /** Queues an issued order for sending. */
    public Dispatch submit(Order o) {
        Dispatch d = new Dispatch(o, new CompletableFuture<>());
        outbox.add(d);
        onSubmit.run();
        return d;
    }

    /** Sets what runs after each queued order; it must be cheap and must not throw. */
    public void onSubmit(Runnable r) {
        onSubmit = r;
    }

    /** The next order to send, or null (ingest thread). */
    public Dispatch poll() {
        return outbox.poll();
    }

    /** {@code GET /api/fleet}: the instances, the orders with their rollout, the signing key. */
    public ObjectNode view(long now) {
        ObjectNode root = JSON.createObjectNode();
        root.put("generated", EvidenceJson.formatTime(now * 1000));
        root.put("serial", book.serial());
        root.put("order_key", book.publicKeyFile().toAbsolutePath().toString());
        root.put("order_key_fingerprint", book.fingerprint());
        ArrayNode instances = fleet.view(now);
        for (JsonNode n : instances) {
            String agent = n.path("agent").asText(null);
            if (agent == null) {
                continue;
            }
            ObjectNode i = (ObjectNode) n;
            Order p = book.policyFor(agent);
            if (p != null) {
                i.put("pushed_policy_serial", p.serial);
            }
            ArrayNode kills = i.putArray("kill_orders_in_force");
            for (Order k : book.killsFor(agent)) {
                kills.add(k.serial);
            }
        }
        root.set("instances", instances);
        ArrayNode orders = root.putArray("orders");
        List<Order> all = book.all();
        for (int x = Math.max(0, all.size() - 100); x < all.size(); x++) {
            Order o = all.get(x);
            ObjectNode n = orders.addObject();
            n.put("serial", o.serial).put("type", o.typeName()).put("target", o.target);
            n.put("tool", o.tool).put("issuer", o.issuer).put("reason", o.reason);
            n.put("issued_at", EvidenceJson.formatTime(o.issuedAtMicros));
            if (o.type == Order.POLICY) {
                Policy pol = book.policyOf(o);
                n.put("file", o.contentName);
                if (pol != null) {
                    n.put("policy_name", pol.name).put("policy_version", pol.version);
                }
                if (o.rollbackOf > 0) {
                    n.put("rollback_of", o.rollbackOf);
                }
            }
            ObjectNode rollout = n.putObject("rollout");
            int applied = 0;
            int refused = 0;
            for (Map.Entry<String, String> e : fleet.rollout(o.serial).entrySet()) {
                rollout.put(e.getKey(), e.getValue());
                applied += e.getValue().equals("applied") ? 1 : 0;
                refused += e.getValue().equals("refused") ? 1 : 0;
            }
            n.put("applied", applied).put("refused", refused);
        }
        return root;
    }

    /** A short description of an order for the collector's own evidence and log lines. */
    public String describe(Order o) {
        if (o.type != Order.POLICY) {
            return o.toString();
        }
        Policy p = book.policyOf(o);
        return o + (p == null ? "" : " (policy '" + p.name + "' " + p.version + ")");
    }

    @Override
    public void close() throws IOException {
        try {
            fleet.saveIfDirty();
        } finally {
            book.close();
        }
    }
}
