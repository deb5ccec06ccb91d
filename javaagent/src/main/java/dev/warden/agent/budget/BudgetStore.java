package dev.warden.agent.budget;

import dev.warden.agent.runtime.Log;
import dev.warden.rules.Evaluator;
import dev.warden.rules.Policy;
import dev.warden.rules.Rule;
import dev.warden.rules.state.BudgetWindow;
import dev.warden.rules.state.SessionStore;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps {@code scope: agent} budgets (policy language 1.1) across agent restarts: their windows'
 * buckets ({@link BudgetWindow#snapshot()}) are written to {@code DIR/<agent>/budgets.bin} beside
 * the evidence (written to a temporary file, then renamed atomically), restored when the agent
 * starts, and saved again once a second when they changed and at exit. A budget is matched by its
 * rule's {@link Rule#budgetKey()} (rule id and budget text), the same key that keeps it across a
 * hot reload; an entry whose rule is gone is dropped. Session and principal budgets live with
 * their sessions and are not persisted.
 *
 * <p>{@link #save()} and {@link #restore(long)} may be called from any thread; the saver is one
 * daemon thread ({@code warden-budgets}).
 */
public final class BudgetStore {
    private static final int MAGIC = 0x57424731; // "WBG1"

    private final Evaluator evaluator;
    private final Path file;
    private final Map<String, long[]> lastSaved = new LinkedHashMap<>();

    public BudgetStore(Evaluator evaluator, Path file) {
        this.evaluator = evaluator;
        this.file = file;
    }

    /** {@code DIR/<agent>/budgets.bin}. */
    public static Path fileFor(Path evidenceRoot, String agent) {
        return evidenceRoot.resolve(agent.replaceAll("[^A-Za-z0-9._-]", "_")).resolve("budgets.bin");
    }

    /** Restores the saved budgets, then saves on a daemon thread once a second (when changed) and at exit. */
    public static BudgetStore start(Evaluator evaluator, Path file) {
        BudgetStore s = new BudgetStore(evaluator, file);
        s.restore(System.currentTimeMillis());
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                s.save();
            }
        }, "warden-budgets");
        t.setDaemon(true);
        t.start();
        Runtime.getRuntime().addShutdownHook(new Thread(s::save, "warden-budgets-save"));
        return s;
    }

    /** The agent-scoped budget windows of the installed policy, by budget key. */
    private Map<String, BudgetWindow> windows() {
        Map<String, BudgetWindow> out = new LinkedHashMap<>();
        Policy p = evaluator.policy();
        SessionStore sessions = evaluator.sessions();
        for (Rule r : p.rules) {
            if (r.budget != null && r.budget.scope() == Rule.Scope.AGENT) {
                String key = r.budgetKey();
                int slot = sessions.registry().limitSlot(key);
                out.put(key, sessions.agent().budget(slot, r.budget.max(), r.budget.perMillis()));
            }
        }
        return out;
    }

    /** Writes the budgets when they changed since the last save; a failure is reported once and retried next time. */
    public synchronized void save() {
        try {
            Map<String, long[]> now = new LinkedHashMap<>();
            windows().forEach((k, w) -> now.put(k, w.snapshot()));
            if (sameAs(now) && (Files.exists(file) || now.isEmpty())) {
                return;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(MAGIC);
                out.writeInt(now.size());
                for (Map.Entry<String, long[]> e : now.entrySet()) {
                    out.writeUTF(e.getKey());
                    out.writeInt(e.getValue().length);
                    for (long b : e.getValue()) {
                        out.writeLong(b);
                    }
                }
            }
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, bytes.toByteArray());
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            lastSaved.clear();
            lastSaved.putAll(now);
        } catch (IOException | RuntimeException e) {
            Log.once("budgets-save:" + e.getClass().getName(), "could not save the agent's budgets to " + file + " (" + e + "); they are kept in memory");
        }
    }

    private boolean sameAs(Map<String, long[]> now) {
        if (now.size() != lastSaved.size()) {
            return false;
        }
        for (Map.Entry<String, long[]> e : now.entrySet()) {
            if (!Arrays.equals(e.getValue(), lastSaved.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** Loads the saved budgets into the installed policy's windows; returns how many were restored. */
    public synchronized int restore(long nowMillis) {
        if (!Files.isRegularFile(file)) {
            return 0;
        }
        Map<String, long[]> saved = new LinkedHashMap<>();
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a Warden budget file");
            }
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String key = in.readUTF();
                int len = in.readInt();
                if (len < 0 || len > 1 << 16) {
                    throw new IOException("corrupt budget entry " + key);
                }
                long[] buckets = new long[len];
                for (int j = 0; j < len; j++) {
                    buckets[j] = in.readLong();
                }
                saved.put(key, buckets);
            }
        } catch (IOException | RuntimeException e) {
            Log.line("warden: could not read the saved budgets " + file + " (" + e.getMessage() + "); budgets start empty");
            return 0;
        }
        int restored = 0;
        for (Map.Entry<String, BudgetWindow> e : windows().entrySet()) {
            long[] buckets = saved.get(e.getKey());
            if (buckets != null) {
                e.getValue().restore(buckets, nowMillis);
                restored++;
            }
        }
        lastSaved.clear();
        lastSaved.putAll(saved);
        return restored;
    }
}
