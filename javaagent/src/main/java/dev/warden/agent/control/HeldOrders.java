package dev.warden.agent.control;

import dev.warden.agent.runtime.Governor;
import dev.warden.rules.KillSwitch;
import dev.warden.rules.Policy;
import dev.warden.rules.control.Order;
import dev.warden.rules.control.OrderKeys;
import dev.warden.rules.evidence.wire.Frames;
import dev.warden.rules.policy.PolicyException;
import dev.warden.rules.policy.PolicyParser;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * The control-plane orders this agent holds (issue 9): it verifies each order that arrives
 * (signature under the {@code policy-key}, target, serial newer than what it holds for that
 * order's stream, a policy that parses as {@code policy check} would parse it), applies it
 * atomically (the evaluator installs a whole policy, or publishes the new kill switch, through
 * one volatile reference each), persists what is in force under
 * {@code <evidence>/<agent>/control/orders} (write to a temporary file, then rename), and
 * records every order applied or refused as a {@code control} evidence record.
 *
 * <p>Two serial streams: policies (rollbacks included), and kills with their resumes. An order
 * whose serial is not above what is held for its stream is a replay, unless it is byte for byte
 * an order still held (the policy in force, a kill in force, the newest resume of each scope: a
 * collector re-sends those on every WELCOME): that one is acknowledged as applied again and
 * changes nothing. Replaying the held orders in serial order rebuilds the same state, which is
 * how {@link #restore} works. At start {@link #restore} re-verifies the
 * persisted orders and applies them before the first governed action, collector or not.
 *
 * <p>Thread-safe (every method is synchronized); called on the start-up thread, then on the
 * shipper thread. Never on a hot path.
 */
public final class HeldOrders {
    /** What happened to one order: the acknowledgement the collector gets. */
    public record Outcome(long serial, byte type, boolean applied, String detail, String policyVersion) {
    }

    public static final String DIR = "control";
    public static final String FILE = "orders";
    private static final byte[] MAGIC = "WARDEN-HELD-ORDERS\1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final String agent;
    private final PublicKey key;
    /** Why there is no key (no policy-key given, or an unreadable one), when {@link #key} is null. */
    private final String keyProblem;
    private final Path file;
    private final Governor governor;

    private Order policy;
    private final List<Order> kills = new ArrayList<>();
    /** The newest resume of each scope ("" = everything, else a tool): a re-delivery of one is recognised, not refused. */
    private final java.util.Map<String, Order> resumes = new java.util.HashMap<>();
    private long policySerial;
    private long killSerial;

    public HeldOrders(String agent, PublicKey key, String keyProblem, Path evidenceDir, Governor governor) {
        this.agent = agent;
        this.key = key;
        this.keyProblem = keyProblem;
        this.file = evidenceDir.resolve(agent).resolve(DIR).resolve(FILE);
        this.governor = governor;
    }

    /** Loads {@code policy-key=FILE}; throws with one line naming the file and the problem. */
    public static PublicKey readKey(Path file) throws IOException {
        return OrderKeys.readPublic(file);
    }

    public Path file() {
        return file;
    }

    /** The policy order in force, or null (the local file's policy applies). */
    public synchronized Order policyOrder() {
        return policy;
    }

    /** The kill orders in force. */
    public synchronized List<Order> kills() {
        return List.copyOf(kills);
    }

    /** An ORDER frame's order bytes: decoded, verified, applied or refused, recorded, persisted. */
    public synchronized Outcome receive(byte[] b, int off, int len) {
        Order o;
        try {
            o = Order.decode(b, off, len);
        } catch (IllegalArgumentException e) {
            return refuse(null, "malformed order: " + e.getMessage());
        }
        return receive(o);
    }

    public synchronized Outcome receive(Order o) {
        String problem = check(o);
        if (problem != null) {
            return refuse(o, problem);
        }
        if (isHeld(o)) {
            return new Outcome(o.serial, o.type, true, "already in force: " + applied(o), version());
        }
        String replay = replay(o);
        if (replay != null) {
            return refuse(o, replay);
        }
        Policy parsed = null;
        if (o.type == Order.POLICY) {
            try {
                parsed = parse(o);
            } catch (PolicyException e) {
                return refuse(o, "invalid policy: " + e.firstProblem()
                        + (e.problems().size() > 1 ? " (and " + (e.problems().size() - 1) + " more)" : ""));
            }
        }
        apply(o, parsed);
        String persistProblem = persist();
        String detail = applied(o);
        record(o, true, detail + (persistProblem == null ? "" : "; " + persistProblem));
        return new Outcome(o.serial, o.type, true, detail, version());
    }

    /**
     * At start, before the first governed action: re-verifies the persisted orders against the
     * key and applies them in serial order. Returns the problems to print (one line each).
     */
    public synchronized List<String> restore() {
        List<String> problems = new ArrayList<>();
        List<Order> saved;
        try {
            saved = read(file);
        } catch (NoSuchFileException e) {
            return problems;
        } catch (IOException | IllegalArgumentException e) {
            problems.add(file + ": cannot be read (" + e.getMessage() + "); no pushed policy or kill order is restored");
            return problems;
        }
        saved.sort(Comparator.comparingLong(x -> x.serial));
        if (key == null) {
            problems.add(file + ": " + saved.size() + " held order(s) not restored (no policy-key: " + keyProblem + ")");
            for (Order o : saved) {
                record(o, false, "not restored at start: no policy-key: " + keyProblem);
            }
            return problems;
        }
        for (Order o : saved) {
            String problem = check(o);
            if (problem == null && replay(o) != null) {
                problem = replay(o);
            }
            Policy parsed = null;
            if (problem == null && o.type == Order.POLICY) {
                try {
                    parsed = parse(o);
                } catch (PolicyException e) {
                    problem = "invalid policy: " + e.firstProblem();
                }
            }
            if (problem != null) {
                problems.add(file + ": " + o.typeName() + " #" + o.serial + " is not restored (" + problem + ")");
                record(o, false, "not restored at start: " + problem);
                continue;
            }
            apply(o, parsed);
            record(o, true, "restored at start from " + file + ": " + applied(o));
        }
        return problems;
    }

    /**
     * Signs and verifies one throwaway order: a cold JVM's first Ed25519 verification costs tens
     * of milliseconds (class loading, interpreted arithmetic), which must not delay the first kill.
     * Shipper thread, once; touches no state.
     */
    public void warmUp() {
        if (key == null) {
            return;
        }
        try {
            java.security.KeyPair throwaway = OrderKeys.generate();
            new Order(Order.RESUME, 1, agent, null, "warm-up", null, 0, null, 0, null, null).sign(throwaway.getPrivate())
                    .verify(throwaway.getPublic());
        } catch (RuntimeException e) {
            // no Ed25519 here: the first real order reports it
        }
    }

    /** Signature, key and target: null when the order may be considered. */
    private String check(Order o) {
        if (key == null) {
            return "no policy-key: " + keyProblem;
        }
        if (o.signature() == null) {
            return "unsigned order";
        }
        if (!o.verify(key)) {
            return "bad signature: not signed by the collector key " + OrderKeys.fingerprint(key) + " (policy-key)";
        }
        if (!o.targets(agent)) {
            return "wrong target: the order is for " + o.target + ", this agent is " + agent;
        }
        return null;
    }

    private boolean isHeld(Order o) {
        byte[] wire = o.encode();
        if (policy != null && Arrays.equals(policy.encode(), wire)) {
            return true;
        }
        for (Order k : resumes.values()) {
            if (Arrays.equals(k.encode(), wire)) {
                return true;
            }
        }
        for (Order k : kills) {
            if (Arrays.equals(k.encode(), wire)) {
                return true;
            }
        }
        return false;
    }

    private String replay(Order o) {
        boolean policyStream = o.type == Order.POLICY;
        long held = policyStream ? policySerial : killSerial;
        if (o.serial == held) {
            return "replayed: serial " + o.serial + " is already held with other content";
        }
        if (o.serial < held) {
            return "replayed: serial " + o.serial + " is older than the " + (policyStream ? "policy" : "kill/resume")
                    + " serial " + held + " this agent holds";
        }
        return null;
    }

    private static Policy parse(Order o) throws PolicyException {
        String name = o.contentName == null || o.contentName.isBlank() ? "pushed-policy#" + o.serial : o.contentName;
        return PolicyParser.parse(o.content(), name).withSerial(o.serial, "collector");
    }

    private void apply(Order o, Policy parsed) {
        switch (o.type) {
            case Order.POLICY -> {
                governor.install(parsed);
                policy = o;
                policySerial = o.serial;
            }
            case Order.KILL -> {
                kills.removeIf(k -> java.util.Objects.equals(k.tool, o.tool));
                kills.add(o);
                killSerial = o.serial;
                publishKills();
            }
            default -> { // RESUME
                kills.removeIf(k -> o.tool == null || o.tool.equals(k.tool));
                resumes.put(o.tool == null ? "" : o.tool, o);
                killSerial = o.serial;
                publishKills();
            }
        }
    }

    private void publishKills() {
        List<KillSwitch.Order> in = new ArrayList<>();
        for (Order k : kills) {
            in.add(new KillSwitch.Order(k.serial, k.tool, k.issuer == null ? "?" : k.issuer, k.reason == null ? "" : k.reason));
        }
        governor.evaluator().kill(KillSwitch.of(in));
    }

    private String applied(Order o) {
        return switch (o.type) {
            case Order.POLICY -> o.typeName() + " #" + o.serial + ": policy " + governor.policy().name + " " + governor.policy().version
                    + (o.rollbackOf > 0 ? " (rollback to the content of #" + o.rollbackOf + ")" : "") + " in force";
            case Order.KILL -> "kill-" + o.serial + " in force: every " + (o.tool == null ? "governed action" : "call of tool " + o.tool)
                    + " is denied";
            default -> "resume #" + o.serial + ": " + (o.tool == null ? "every kill order" : "the kill order of tool " + o.tool)
                    + " lifted; " + (kills.isEmpty() ? "none in force" : kills.size() + " still in force");
        };
    }

    private String version() {
        return governor.policy().version;
    }

    private Outcome refuse(Order o, String why) {
        record(o, false, why);
        return new Outcome(o == null ? 0 : o.serial, o == null ? 0 : o.type, false, why, version());
    }

    private void record(Order o, boolean applied, String reason) {
        governor.control(r -> {
            r.event = applied ? "order-applied" : "order-refused";
            r.decision = applied ? "allow" : "deny";
            r.target = o == null ? "undecodable order" : o.typeName() + " #" + o.serial + " -> " + o.target
                    + (o.tool == null ? "" : " tool " + o.tool) + " by " + (o.issuer == null ? "unknown" : o.issuer);
            r.reason = (o == null || o.reason == null ? "" : "order reason: " + o.reason + "; ") + reason;
            if (o != null && o.type == Order.KILL && applied) {
                r.rules.add("kill-" + o.serial);
                r.controls.add("kill-switch");
            }
        });
    }

    /** Writes what is in force, atomically; returns a problem line, or null. */
    private String persist() {
        TreeMap<Long, Order> keep = new TreeMap<>();
        if (policy != null) {
            keep.put(policy.serial, policy);
        }
        for (Order k : kills) {
            keep.put(k.serial, k);
        }
        for (Order r : resumes.values()) {
            keep.put(r.serial, r);
        }
        try {
            write(file, new ArrayList<>(keep.values()));
            return null;
        } catch (IOException e) {
            return "not persisted (" + e.getMessage() + "): it is lost if this JVM restarts";
        }
    }

    static void write(Path file, List<Order> orders) throws IOException {
        Files.createDirectories(file.getParent());
        Frames.Out out = new Frames.Out(4096);
        out.bytes(MAGIC, 0, MAGIC.length).i32(orders.size());
        for (Order o : orders) {
            byte[] w = o.encode();
            out.i32(w.length).bytes(w, 0, w.length);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(out.buffer(), 0, out.length()));
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static List<Order> read(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        Frames.In in = new Frames.In().wrap(b, 0, b.length);
        for (byte m : MAGIC) {
            if ((byte) in.u8() != m) {
                throw new IOException("not a Warden held-orders file");
            }
        }
        int n = in.i32();
        if (n < 0 || n > 1024) {
            throw new IOException("implausible order count " + n);
        }
        List<Order> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int l = in.i32();
            int at = in.position();
            in.skip(l);
            out.add(Order.decode(b, at, l));
        }
        return out;
    }
}
