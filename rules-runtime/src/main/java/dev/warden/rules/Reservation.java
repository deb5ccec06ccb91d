package dev.warden.rules;

import dev.warden.rules.state.BudgetWindow;
import dev.warden.rules.state.SessionStore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The budget reservations one decision made (policy language 1.1), copied out of the
 * {@link Decision} so they outlive it: an agent reuses one Decision per thread, and whether a
 * call provably had no effect (a connection refused, nothing sent) is often known only after the
 * thread has evaluated other calls. Holds the budget windows themselves (resolved at
 * reservation time, in the decision's session, principal or agent scope), the amounts and when
 * they were reserved; {@link #release} gives them back once.
 *
 * <p>Made only for decisions that reserved something ({@link #of} returns null otherwise, without
 * allocating). {@link #release} is safe from any thread and idempotent.
 */
public final class Reservation {
    private final BudgetWindow[] windows;
    private final long[] cents;
    private final String[] rules;
    private final long reservedAt;
    private final AtomicBoolean released = new AtomicBoolean();

    private Reservation(BudgetWindow[] windows, long[] cents, String[] rules, long reservedAt) {
        this.windows = windows;
        this.cents = cents;
        this.rules = rules;
        this.reservedAt = reservedAt;
    }

    /** What {@code d} (just evaluated by {@code e} for {@code a}) reserved, or null when it reserved nothing. */
    public static Reservation of(Evaluator e, Action a, Decision d) {
        int n = d.reservedCount;
        if (n == 0) {
            return null;
        }
        BudgetWindow[] windows = new BudgetWindow[n];
        long[] cents = new long[n];
        String[] rules = new String[n];
        SessionStore sessions = e.sessions();
        RuleTable t = d.table;
        for (int i = 0; i < n; i++) {
            Rule r = d.reserved[i];
            // the same owner Evaluator.budget resolves: the agent, the session or the principal's pseudo-session
            String owner = r.budget.scope() == Rule.Scope.SESSION ? a.session
                    : d.principalKey != null ? d.principalKey
                    : a.principal == null ? "principal:" : "principal:" + a.principal;
            windows[i] = (r.budget.scope() == Rule.Scope.AGENT ? sessions.agent() : sessions.get(owner, d.timeMillis))
                    .budget(t.budgetSlot[r.index], r.budget.max(), r.budget.perMillis());
            cents[i] = d.reservedCents[i];
            rules[i] = r.id;
        }
        return new Reservation(windows, cents, rules, d.timeMillis);
    }

    /**
     * Gives every reservation back (the call provably had no effect). Returns false when it was
     * already released. An amount whose bucket has left the window is gone with it.
     */
    public boolean release(long nowMillis) {
        if (!released.compareAndSet(false, true)) {
            return false;
        }
        for (int i = 0; i < windows.length; i++) {
            windows[i].release(cents[i], reservedAt, Math.max(nowMillis, reservedAt));
        }
        return true;
    }

    public boolean released() {
        return released.get();
    }

    /** The ids of the budget rules that reserved, in policy order. */
    public String rules() {
        return String.join(",", rules);
    }
}
