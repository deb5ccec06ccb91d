package dev.warden.collector.control;

import dev.warden.rules.KillSwitch;
import dev.warden.rules.Policy;
import dev.warden.rules.control.Order;
import dev.warden.rules.control.OrderKeys;
import dev.warden.rules.policy.PolicyException;
import dev.warden.rules.policy.PolicyParser;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every control order the collector has issued, numbered from one monotonic serial and signed
 * with the collector's order key ({@code STORE/keys/order-signing.key}, public half
 * {@code order-signing.pub}, which agents are started with as {@code policy-key=}). Each order is
 * appended to {@code STORE/control/orders.log} (one base64 line of {@link Order#encode()}) before
 * it is sent, so a restarted collector keeps the serial counter, the orders in force and the
 * rollback history.
 *
 * <p>What is in force for an agent is computed from the log: the newest POLICY order targeting
 * it or {@code *}; the kill orders left after replaying its KILL and RESUME orders in serial order
 * exactly as the agent's {@link KillSwitch} does ({@code with} / {@code without}). A rollback
 * re-issues the content of the policy pushed to the same target before the current one, under a
 * new serial ({@code rollbackOf} names the serial whose content it carries); rolling back again
 * goes one step further back.
 *
 * <p>Thread-safe: every method is synchronized (issued from HTTP threads, read by the ingest
 * thread); never on a hot path.
 */
public final class OrderBook implements AutoCloseable {
    public static final String KEY = "order-signing.key";
    public static final String PUBLIC_KEY = "order-signing.pub";
    public static final String LOG = "orders.log";

    private final KeyPair keys;
    private final Path publicKeyFile;
    private final BufferedWriter log;
    private final List<Order> orders = new ArrayList<>();
    /** Per target: the pushes (not rollbacks) whose content is reachable by rolling back; the top is in force. */
    private final Map<String, Deque<Order>> history = new HashMap<>();
    private final Map<Long, Policy> parsed = new HashMap<>();
    private long serial;

    public OrderBook(Path store) throws IOException {
        Path keyDir = store.resolve("keys");
        this.publicKeyFile = keyDir.resolve(PUBLIC_KEY);
        this.keys = OrderKeys.loadOrCreate(keyDir.resolve(KEY), publicKeyFile);
        Path dir = store.resolve("control");
        Files.createDirectories(dir);
        Path f = dir.resolve(LOG);
        if (Files.exists(f)) {
            int n = 0;
            for (String line : Files.readAllLines(f, StandardCharsets.US_ASCII)) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    byte[] b = Base64.getDecoder().decode(line.trim());
                    Order o = Order.decode(b, 0, b.length);
                    if (!o.verify(keys.getPublic())) {
                        throw new IOException(f + ":" + n + ": an order not signed by " + publicKeyFile + " (the key or the log was replaced)");
                    }
                    remember(o);
                } catch (IllegalArgumentException e) {
                    // a torn last line after a crash: that order was never sent (it is logged before sending)
                }
            }
        }
        this.log = Files.newBufferedWriter(f, StandardCharsets.US_ASCII, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    public Path publicKeyFile() {
        return publicKeyFile;
    }

    public String fingerprint() {
        return OrderKeys.fingerprint(keys.getPublic());
    }

    public synchronized long serial() {
        return serial;
    }

    /** Validates the policy exactly as {@code policy check} does, then signs and logs it; PolicyException lists the problems. */
    public synchronized Order push(String target, String fileName, byte[] content, String issuer) throws PolicyException, IOException {
        checkTarget(target);
        PolicyParser.parse(content, fileName);
        if (content.length > Order.MAX_CONTENT) {
            throw new IllegalArgumentException(fileName + ": " + content.length + " bytes; a pushed policy is at most " + Order.MAX_CONTENT + " bytes");
        }
        return issue(new Order(Order.POLICY, serial + 1, target, null, issuer, null, nowMicros(), fileName, 0, content, null));
    }

    /** Re-issues the policy pushed to {@code target} before the current one, under a new serial. */
    public synchronized Order rollback(String target, String issuer) throws IOException {
        checkTarget(target);
        Deque<Order> h = history.get(target);
        if (h == null || h.isEmpty()) {
            throw new IllegalArgumentException("no policy was pushed to " + describe(target) + ": nothing to roll back");
        }
        if (h.size() < 2) {
            throw new IllegalArgumentException("policy #" + h.peekLast().serial + " is the first pushed to " + describe(target)
                    + ": there is no earlier one to roll back to");
        }
        Order current = h.pollLast();
        Order previous = h.peekLast();
        h.addLast(current); // remember() pops it again when the rollback is logged
        return issue(new Order(Order.POLICY, serial + 1, target, null, issuer, "rollback of #" + current.serial, nowMicros(),
                previous.contentName, previous.serial, previous.content(), null));
    }

    public synchronized Order kill(String target, String tool, String issuer, String reason) throws IOException {
        checkTarget(target);
        return issue(new Order(Order.KILL, serial + 1, target, tool, issuer, reason, nowMicros(), null, 0, null, null));
    }

    public synchronized Order resume(String target, String tool, String issuer, String reason) throws IOException {
        checkTarget(target);
        return issue(new Order(Order.RESUME, serial + 1, target, tool, issuer, reason, nowMicros(), null, 0, null, null));
    }

    private static void checkTarget(String target) {
        if (target == null || target.isBlank()) {
            throw new IllegalArgumentException("an order needs a target: an agent id or * (all)");
        }
    }

    private static String describe(String target) {
        return Order.ALL.equals(target) ? "all agents (--all)" : "agent " + target;
    }

    private Order issue(Order unsigned) throws IOException {
        Order o = unsigned.sign(keys.getPrivate());
        log.write(Base64.getEncoder().encodeToString(o.encode()));
        log.write('\n');
        log.flush();
        remember(o);
        return o;
    }

    private void remember(Order o) {
        orders.add(o);
        serial = Math.max(serial, o.serial);
        if (o.type == Order.POLICY) {
            Deque<Order> h = history.computeIfAbsent(o.target, k -> new ArrayDeque<>());
            if (o.rollbackOf > 0) {
                h.pollLast();
            } else {
                h.addLast(o);
            }
        }
    }

    /** Every order issued, oldest first. */
    public synchronized List<Order> all() {
        return List.copyOf(orders);
    }

    /** The newest POLICY order concerning {@code agent}, or null. */
    public synchronized Order policyFor(String agent) {
        for (int i = orders.size() - 1; i >= 0; i--) {
            Order o = orders.get(i);
            if (o.type == Order.POLICY && o.targets(agent)) {
                return o;
            }
        }
        return null;
    }

    /** The kill orders in force for {@code agent}, oldest first. */
    public synchronized List<Order> killsFor(String agent) {
        List<Order> inForce = new ArrayList<>();
        for (Order o : orders) {
            if (!o.targets(agent)) {
                continue;
            }
            if (o.type == Order.KILL) {
                inForce.removeIf(k -> java.util.Objects.equals(k.tool, o.tool));
                inForce.add(o);
            } else if (o.type == Order.RESUME) {
                if (o.tool == null) {
                    inForce.clear();
                } else {
                    inForce.removeIf(k -> o.tool.equals(k.tool));
                }
            }
        }
        return inForce;
    }

    /**
     * What an instance of {@code agent} is sent when it (re)connects, in serial order: the newest
     * policy concerning it, the kill orders in force, and for each scope (everything, and each
     * tool) the newest resume concerning it. An up-to-date agent holds each of them already (it
     * keeps its policy, its kills and the newest resume per scope) and acknowledges them again;
     * an agent that was offline applies the newer ones in order and ends in the collector's state.
     */
    public synchronized List<Order> resendFor(String agent) {
        List<Order> out = new ArrayList<>(killsFor(agent));
        Order p = policyFor(agent);
        if (p != null) {
            out.add(p);
        }
        Map<String, Order> newestResume = new HashMap<>();
        for (Order o : orders) {
            if (o.type == Order.RESUME && o.targets(agent)) {
                newestResume.put(o.tool == null ? "" : "tool:" + o.tool, o);
            }
        }
        out.addAll(newestResume.values());
        out.sort(java.util.Comparator.comparingLong(o -> o.serial));
        return out;
    }

    /** The parsed policy an order carries (for its name and version), or null when it is not a policy order. */
    public synchronized Policy policyOf(Order o) {
        if (o.type != Order.POLICY) {
            return null;
        }
        return parsed.computeIfAbsent(o.serial, s -> {
            try {
                return PolicyParser.parse(o.content(), o.contentName == null ? "pushed-policy" : o.contentName);
            } catch (PolicyException e) {
                return null;
            }
        });
    }

    static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    @Override
    public synchronized void close() throws IOException {
        log.close();
    }
}
