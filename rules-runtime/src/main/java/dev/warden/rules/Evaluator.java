package dev.warden.rules;

import dev.warden.rules.state.BudgetWindow;
import dev.warden.rules.state.SessionState;
import dev.warden.rules.state.Sightings;
import dev.warden.rules.state.SessionStore;
import dev.warden.rules.state.SlidingWindow;
import java.util.function.LongSupplier;

/**
 * Decides actions against the installed policy.
 *
 * <p>Hot path: {@link #evaluate} is lock-free and allocation-free. It reads the current
 * {@link RuleTable} once through a volatile reference (a hot swap by {@link #install} is seen
 * whole or not at all), visits only the rules the table's index offers for the action, and
 * writes its result into the caller's reusable {@link Decision}. Stateless rules touch no shared
 * mutable state; {@code after} reads a session bit set; {@code limit} uses a lock-free sliding
 * window. Shared session state is only written when an action goes ahead and matters to a
 * stateful rule. Any number of threads may evaluate at once.
 *
 * <p>Semantics (DESIGN.md): every rule whose match (and after, and limit) holds applies; the most
 * restrictive action wins; with none, the default decides. Monitor rules never change what is
 * enforced; {@link Decision#wouldDecide()} says what would have happened had they been enforced.
 * A {@code limit} counts only calls that went ahead and applies only to the call that exceeds it.
 */
public final class Evaluator {
    private volatile RuleTable table;
    private volatile KillSwitch kill = KillSwitch.NONE;
    private final SessionStore sessions;
    private final LongSupplier clock;

    public Evaluator(Policy policy) {
        this(policy, new SessionStore(), System::currentTimeMillis);
    }

    public Evaluator(Policy policy, SessionStore sessions, LongSupplier clock) {
        this.sessions = sessions;
        this.clock = clock;
        install(policy);
    }

    /** Compiles and atomically publishes a new policy; evaluations in flight finish on the old one. */
    public void install(Policy policy) {
        this.table = RuleTable.compile(policy, sessions.registry());
    }

    public Policy policy() {
        return table.policy;
    }

    /**
     * Publishes the kill orders in force ({@link KillSwitch#NONE} lifts them all). A covered
     * action is denied before any rule is consulted, whatever the policy or its mode says.
     */
    public void kill(KillSwitch k) {
        this.kill = k == null ? KillSwitch.NONE : k;
    }

    public KillSwitch killSwitch() {
        return kill;
    }

    public RuleTable table() {
        return table;
    }

    public SessionStore sessions() {
        return sessions;
    }

    /** Evaluates {@code a} and fills {@code d}; returns {@code d}. */
    public Decision evaluate(Action a, Decision d) {
        RuleTable t = table;
        d.begin(t);
        d.timeMillis = a.timeMillis; // 0: the clock is read if and when a rule needs the time (now(d))
        KillSwitch.Order stop = kill.covering(a);
        if (stop != null) {
            d.killed(stop.rule);
            return d;
        }
        if (a.kind == Kind.HTTP && !a.regionResolved) {
            a.region = t.regionOf(a.host);
            a.regionResolved = true;
        }
        int n = t.collectRules(a, d.candidates, d.stamps, d.epoch);
        SessionState session = null;
        for (int i = 0; i < n; i++) {
            Rule r = (Rule) d.candidates[i];
            if (!t.matchRest[r.index].matches(a, d.json)) { // the index already tested an exact tool name or command
                continue;
            }
            if (r.when != null && !r.when.contains(now(d))) {
                continue;
            }
            if (r.requires != null && predecessorSeen(t, r, a, d, now(d))) {
                continue;
            }
            if (r.after != null) {
                if (session == null) {
                    session = sessions.find(a.session);
                }
                if (session == null || !session.hasSeen(t.afterSlot[r.index])) {
                    continue;
                }
            }
            if (r.limit != null) {
                long now = now(d);
                if (!window(t, r, a, now).isFull(now)) {
                    d.addPending(r);
                    continue;
                }
            }
            if (r.budget != null) {
                // an amount that cannot be read cannot be accounted: the rule applies (fail closed)
                double amount = d.json.find(a.args, r.budget.path()) ? d.json.number() : Double.NaN;
                if (!Double.isNaN(amount)) {
                    // checked once every rule is matched: a modify rule may clamp the amount first
                    d.addPendingBudget(r, Double.doubleToRawLongBits(amount));
                    continue;
                }
            }
            d.addMatched(r);
        }
        if (d.pendingBudgetCount > 0) {
            checkBudgets(t, a, d, now(d));
        }
        decide(t, d);
        if (d.verdict.proceeds() && d.pendingCount > 0) {
            acquireLimits(t, a, d, now(d));
        }
        if (d.verdict.proceeds() && d.pendingBudgetCount > 0) {
            reserveBudgets(t, a, d, now(d));
        }
        if (d.verdict.proceeds()) {
            remember(t, a, d);
        }
        return d;
    }

    /**
     * The decision's time: the action's own, else the clock's, read once per decision and only
     * when something needs it (a stateless decision reads no clock).
     */
    private long now(Decision d) {
        long now = d.timeMillis;
        if (now == 0) {
            now = clock.getAsLong();
            d.timeMillis = now;
        }
        return now;
    }

    /**
     * Checks the budgets of the rules that matched everything else, each with the amount the
     * call will actually carry: after the clamps and sets of the enforced modify rules that
     * matched, in policy order (a refund clamped to 500 counts 500). A budget the amount would
     * take over its maximum applies (its rule is matched); the others stay pending, to be
     * reserved when the call proceeds. {@code pendingCents} holds the raw amount's bits until here.
     */
    private void checkBudgets(RuleTable t, Action a, Decision d, long now) {
        int kept = 0;
        for (int i = 0; i < d.pendingBudgetCount; i++) {
            Rule r = d.pendingBudget[i];
            double amount = modified(t, d, r.budget.key(), Double.longBitsToDouble(d.pendingCents[i]));
            long cents = BudgetWindow.cents(Math.max(0, amount));
            BudgetWindow w = budget(t, r, a, d, now);
            if (w.wouldExceed(cents, now)) {
                d.addMatched(r);
            } else {
                // references stored only when they change (see Decision.begin): the same rule and window as last time cost nothing
                if (d.pendingBudget[kept] != r) {
                    d.pendingBudget[kept] = r;
                }
                if (d.pendingWindow[kept] != w) {
                    d.pendingWindow[kept] = w;
                }
                d.pendingCents[kept++] = cents;
            }
        }
        d.pendingBudgetCount = kept;
    }

    /** {@code amount} of the argument {@code key} after the argument edits of the enforced modify rules that matched (policy order). */
    private static double modified(RuleTable t, Decision d, String key, double amount) {
        if (t.policy.mode != Mode.ENFORCE) {
            return amount; // a monitor policy changes nothing: the call carries the original amount
        }
        for (int i = 0; i < d.matchedCount; i++) {
            Rule m = d.matched[i];
            if (m.action != Verdict.MODIFY || m.mode != Mode.ENFORCE || m.modify == null) {
                continue;
            }
            java.util.List<Modify.ArgEdit> edits = m.modify.args;
            for (int k = 0; k < edits.size(); k++) {
                Modify.ArgEdit e = edits.get(k);
                if (!e.key().equals(key)) {
                    continue;
                }
                if (e.op() == Modify.Op.CLAMP) {
                    amount = Math.max(e.min(), Math.min(e.max(), amount));
                } else if (e.op() == Modify.Op.SET && e.value() != null && e.value().isNumber()) {
                    amount = e.value().asDouble();
                }
            }
        }
        return amount;
    }

    /**
     * An escalated call was approved and goes ahead: count it in its rate limits (including the
     * limit that escalated it) and remember it for sequence rules.
     */
    public void approved(Action a, Decision d) {
        RuleTable t = d.table;
        long now = now(d);
        for (int i = 0; i < d.pendingCount; i++) {
            window(t, d.pending[i], a, now).forceAcquire(now);
        }
        for (int i = 0; i < d.matchedCount; i++) {
            Rule r = d.matched[i];
            if (r.limit != null) {
                window(t, r, a, now).forceAcquire(now);
            }
            if (r.budget != null && d.json.find(a.args, r.budget.path())) {
                double amount = modified(t, d, r.budget.key(), d.json.number());
                if (!Double.isNaN(amount)) {
                    long cents = BudgetWindow.cents(Math.max(0, amount));
                    budget(t, r, a, d, now).forceReserve(cents, now);
                    d.addReserved(r, cents);
                }
            }
        }
        for (int i = 0; i < d.pendingBudgetCount; i++) {
            budget(t, d.pendingBudget[i], a, d, now).forceReserve(d.pendingCents[i], now);
            d.addReserved(d.pendingBudget[i], d.pendingCents[i]);
        }
        d.pendingBudgetCount = 0;
        remember(t, a, d);
    }

    /**
     * The call provably had no effect (refused by an approver, or failed before any byte left
     * the process): give back the budget it reserved. A call that may have had an effect (timed
     * out after sending) keeps its reservation: do not call this for it.
     */
    public void release(Action a, Decision d) {
        RuleTable t = d.table;
        long now = clock.getAsLong();
        for (int i = 0; i < d.reservedCount; i++) {
            budget(t, d.reserved[i], a, d, d.timeMillis).release(d.reservedCents[i], d.timeMillis, Math.max(now, d.timeMillis));
        }
        d.reservedCount = 0;
    }

    private void reserveBudgets(RuleTable t, Action a, Decision d, long now) {
        for (int i = 0; i < d.pendingBudgetCount; i++) {
            Rule r = d.pendingBudget[i];
            long cents = d.pendingCents[i];
            BudgetWindow w = d.pendingWindow[i]; // set by checkBudgets in this evaluation
            if ((w != null ? w : budget(t, r, a, d, now)).tryReserve(cents, now)) {
                d.addReserved(r, cents);
                continue;
            }
            // another call took the rest of the budget since our check: the budget rule applies
            d.addMatched(r);
            decide(t, d);
            if (!d.verdict.proceeds()) {
                // give back what this call reserved so far; the rule's action decides (e.g. escalate, then approved() reserves)
                for (int k = 0; k < d.reservedCount; k++) {
                    budget(t, d.reserved[k], a, d, now).release(d.reservedCents[k], now, now);
                }
                d.reservedCount = 0;
                // every other budget stays pending, those just given back included, so that an
                // approval (approved()) reserves each of them exactly once; r itself is matched now
                System.arraycopy(d.pendingBudget, i + 1, d.pendingBudget, i, d.pendingBudgetCount - i - 1);
                System.arraycopy(d.pendingCents, i + 1, d.pendingCents, i, d.pendingBudgetCount - i - 1);
                d.pendingBudgetCount--;
                java.util.Arrays.fill(d.pendingWindow, 0, d.pendingWindow.length, null); // approved() looks them up again
                return;
            }
        }
        d.pendingBudgetCount = 0;
    }

    private BudgetWindow budget(RuleTable t, Rule r, Action a, Decision d, long now) {
        SessionState owner = r.budget.scope() == Rule.Scope.AGENT ? sessions.agent()
                : sessions.get(r.budget.scope() == Rule.Scope.PRINCIPAL ? principalKey(a, d) : a.session, now);
        return owner.budget(t.budgetSlot[r.index], r.budget.max(), r.budget.perMillis());
    }

    /** True when the predecessor a requires rule asks for went ahead in this session within the window. */
    private boolean predecessorSeen(RuleTable t, Rule r, Action a, Decision d, long now) {
        SessionState s = sessions.find(a.session);
        if (s == null) {
            if (sessions.wasEvicted(a.session)) {
                d.stateLost = true;
            }
            return false;
        }
        Sightings sg = s.sightingsOrNull(t.requiresSlot[r.index]);
        if (sg == null) {
            return false;
        }
        CharSequence key = null;
        if (r.requires.bound()) {
            if (!d.json.find(a.args, r.requires.currentPath())) {
                return false;
            }
            key = d.json;
        }
        return sg.seenWithin(key, now, r.requires.withinMillis());
    }

    private void decide(RuleTable t, Decision d) {
        Policy p = t.policy;
        Verdict enforced = null;
        Verdict would = null;
        for (int i = 0; i < d.matchedCount; i++) {
            Rule r = d.matched[i];
            would = r.action.max(would);
            if (r.mode == Mode.ENFORCE) {
                enforced = r.action.max(enforced);
            }
        }
        d.wouldDecide = would == null ? p.defaultVerdict : would;
        d.defaulted = enforced == null;
        Verdict v = enforced == null ? p.defaultVerdict : enforced;
        if (p.mode == Mode.MONITOR) {
            v = Verdict.ALLOW;
        }
        d.verdict = v;
        d.decisiveCount = 0;
        if (!d.defaulted) {
            for (int i = 0; i < d.matchedCount; i++) {
                Rule r = d.matched[i];
                if (r.mode == Mode.ENFORCE && r.action == enforced) {
                    d.addDecisive(r);
                }
            }
        }
        d.reason = d.stateLost && d.decisiveCount > 0 && d.decisive[0].requires != null
                ? d.decisive[0].reason + " (the session's history was evicted under memory pressure; requires fails closed)"
                : d.decisiveCount > 0 ? d.decisive[0].reason
                : d.matchedCount > 0 ? "monitored: " + d.matched[0].reason
                : p.defaultVerdict == Verdict.DENY ? DEFAULT_DENY : DEFAULT_ALLOW;
    }

    private static final String DEFAULT_DENY = "no rule allows this action (policy default: deny)";
    private static final String DEFAULT_ALLOW = "no rule applies (policy default: allow)";

    private void acquireLimits(RuleTable t, Action a, Decision d, long now) {
        for (int i = 0; i < d.pendingCount; i++) {
            Rule r = d.pending[i];
            if (!window(t, r, a, now).tryAcquire(now)) {
                // another thread took the last slot between our check and now: the limit applies
                d.addMatched(r);
                System.arraycopy(d.pending, i + 1, d.pending, i, d.pendingCount - i - 1);
                d.pendingCount--;
                decide(t, d);
                if (!d.verdict.proceeds()) {
                    return;
                }
                i--;
            }
        }
        d.pendingCount = 0;
    }

    private SlidingWindow window(RuleTable t, Rule r, Action a, long now) {
        SessionState owner = r.limit.scope() == Rule.Scope.AGENT ? sessions.agent()
                : sessions.get(r.limit.scope() == Rule.Scope.PRINCIPAL ? principalKey(a, null) : a.session, now);
        return owner.window(t.limitSlot[r.index], r.limit.max(), r.limit.perMillis());
    }

    /** The pseudo-session holding a principal's counters (allocates the key once per decision). */
    private static String principalKey(Action a, Decision d) {
        if (d != null && d.principalKey != null) {
            return d.principalKey;
        }
        String k = a.principal == null ? "principal:" : "principal:" + a.principal;
        if (d != null) {
            d.principalKey = k;
        }
        return k;
    }

    /** Records, in the action's session, each {@code after} condition this action satisfies. */
    private void remember(RuleTable t, Action a, Decision d) {
        if (!t.hasConditions) {
            return;
        }
        // re-use the scratch: the rule candidates are no longer needed
        int epoch = ++d.epoch;
        int n = t.collectConditions(a, d.candidates, d.stamps, epoch);
        SessionState session = null;
        for (int i = 0; i < n; i++) {
            RuleTable.Condition c = (RuleTable.Condition) d.candidates[i];
            if (c.rest.matches(a, d.json)) {
                if (session == null) {
                    session = sessions.get(a.session, now(d));
                }
                if (!c.sighting) {
                    session.markSeen(c.slot);
                } else {
                    String bound = c.bindPath == null ? null : d.json.find(a.args, c.bindPath) ? d.json.toString() : null;
                    if (c.bindPath == null || bound != null) {
                        session.sightings(c.slot).record(now(d), bound);
                    }
                }
            }
        }
    }
}
