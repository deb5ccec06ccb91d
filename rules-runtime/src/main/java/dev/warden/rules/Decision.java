package dev.warden.rules;

import dev.warden.rules.match.JsonSlice;
import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of evaluating one action: the verdict, the rules that produced it, why, and which
 * policy version decided. Also the evaluating thread's scratch space.
 *
 * <p>Mutable and reusable, like {@link Action}: the agent keeps one per thread and the
 * {@link Evaluator} refills it, so evaluation allocates nothing. Confined to one thread. A
 * call still in flight (waiting for an approver, or whose budget reservation may have to be
 * released) needs its own Decision: nested calls on the same thread must not reuse it.
 */
public final class Decision {
    Verdict verdict;
    Verdict wouldDecide;
    boolean defaulted;
    String reason;
    RuleTable table;
    long timeMillis;

    Rule[] decisive = new Rule[8];
    int decisiveCount;
    Rule[] matched = new Rule[8];
    int matchedCount;
    Rule[] pending = new Rule[4];
    int pendingCount;

    Rule[] pendingBudget = new Rule[2];
    long[] pendingCents = new long[2];
    /**
     * The budget window each pending budget was checked against, reserved in the same evaluation
     * (one lookup). Valid only between the check and the reservation of one evaluation; entries
     * are left behind afterwards (a store of the same window next time costs nothing).
     */
    dev.warden.rules.state.BudgetWindow[] pendingWindow = new dev.warden.rules.state.BudgetWindow[2];
    int pendingBudgetCount;
    /** Budget reservations this decision made: released if the call provably had no effect. */
    Rule[] reserved = new Rule[2];
    long[] reservedCents = new long[2];
    int reservedCount;
    String principalKey;
    /** True when a requires rule applied because the session's history was evicted (fail closed). */
    boolean stateLost;

    // scratch
    Object[] candidates = new Object[16];
    int[] stamps = new int[16];
    int epoch;
    final JsonSlice json = new JsonSlice();

    void begin(RuleTable t) {
        // reference stores are written only when they change: under G1 a store of a reference into
        // an old object costs a card-marking barrier with a fence, a compare costs nothing
        if (table != t) {
            table = t;
        }
        verdict = null;
        wouldDecide = null;
        defaulted = false;
        reason = null;
        decisiveCount = 0;
        matchedCount = 0;
        pendingCount = 0;
        pendingBudgetCount = 0;
        reservedCount = 0;
        principalKey = null;
        stateLost = false;
        if (stamps.length < t.maxEntries) {
            stamps = new int[t.maxEntries];
            candidates = new Object[t.maxEntries];
            epoch = 0;
        }
        if (++epoch >= Integer.MAX_VALUE - 4) {
            java.util.Arrays.fill(stamps, 0);
            epoch = 1;
        }
    }

    void addMatched(Rule r) {
        if (matchedCount == matched.length) {
            matched = java.util.Arrays.copyOf(matched, matchedCount * 2);
        }
        // keep policy order (insertion sort; lists are short)
        int i = matchedCount++;
        while (i > 0 && matched[i - 1].index > r.index) {
            matched[i] = matched[i - 1];
            i--;
        }
        matched[i] = r;
    }

    /** Denied by a kill order: {@code r} is the order's synthetic rule. */
    void killed(Rule r) {
        verdict = Verdict.DENY;
        wouldDecide = Verdict.DENY;
        defaulted = false;
        addMatched(r);
        addDecisive(r);
        reason = r.reason;
    }

    /** True when a kill order, not the policy, decided (the primary rule is the order's). */
    public boolean killed() {
        return decisiveCount > 0 && decisive[0].index < 0 && decisive[0].id.startsWith("kill-");
    }

    void addPending(Rule r) {
        if (pendingCount == pending.length) {
            pending = java.util.Arrays.copyOf(pending, pendingCount * 2);
        }
        pending[pendingCount++] = r;
    }

    void addPendingBudget(Rule r, long cents) {
        if (pendingBudgetCount == pendingBudget.length) {
            pendingBudget = java.util.Arrays.copyOf(pendingBudget, pendingBudgetCount * 2);
            pendingCents = java.util.Arrays.copyOf(pendingCents, pendingBudgetCount * 2);
            pendingWindow = java.util.Arrays.copyOf(pendingWindow, pendingBudgetCount * 2);
        }
        // pendingWindow is set by the budget check before it is read (no store here)
        if (pendingBudget[pendingBudgetCount] != r) {
            pendingBudget[pendingBudgetCount] = r;
        }
        pendingCents[pendingBudgetCount++] = cents;
    }

    void addReserved(Rule r, long cents) {
        if (reservedCount == reserved.length) {
            reserved = java.util.Arrays.copyOf(reserved, reservedCount * 2);
            reservedCents = java.util.Arrays.copyOf(reservedCents, reservedCount * 2);
        }
        if (reserved[reservedCount] != r) {
            reserved[reservedCount] = r;
        }
        reservedCents[reservedCount++] = cents;
    }

    /** True when a {@code requires} rule failed closed because the session's state had been evicted. */
    public boolean stateLost() {
        return stateLost;
    }

    /**
     * The modify rules to apply, in policy order, when the call goes ahead: for a MODIFY verdict,
     * and for an ESCALATE verdict once approved (an approver releases the call, not the rules
     * that change it). The agent applies each rule's {@link Rule#modify} in turn.
     */
    public int modifyCount() {
        if (verdict != Verdict.MODIFY && verdict != Verdict.ESCALATE) {
            return 0;
        }
        int n = 0;
        for (int i = 0; i < matchedCount; i++) {
            if (matched[i].action == Verdict.MODIFY && matched[i].mode == Mode.ENFORCE) {
                n++;
            }
        }
        return n;
    }

    /** The i-th modification (see {@link #modifyCount()}), in policy order. */
    public Modify modify(int i) {
        for (int k = 0; k < matchedCount; k++) {
            if (matched[k].action == Verdict.MODIFY && matched[k].mode == Mode.ENFORCE && i-- == 0) {
                return matched[k].modify;
            }
        }
        throw new IndexOutOfBoundsException("modification " + i);
    }

    void addDecisive(Rule r) {
        if (decisiveCount == decisive.length) {
            decisive = java.util.Arrays.copyOf(decisive, decisiveCount * 2);
        }
        decisive[decisiveCount++] = r;
    }

    /** What is enforced. */
    public Verdict verdict() {
        return verdict;
    }

    /** What would have been enforced had every monitor rule (and a monitor policy) been enforced. */
    public Verdict wouldDecide() {
        return wouldDecide;
    }

    /** True when no rule applied and the policy's default decided. */
    public boolean defaulted() {
        return defaulted;
    }

    /** One line: why. */
    public String reason() {
        return reason;
    }

    public long timeMillis() {
        return timeMillis;
    }

    /** The rules that produced {@link #verdict()} (none when the default decided). */
    public int decisiveCount() {
        return decisiveCount;
    }

    public Rule decisive(int i) {
        return decisive[i];
    }

    /** Every rule that applied, enforced or monitored, in policy order. */
    public int matchedCount() {
        return matchedCount;
    }

    public Rule matched(int i) {
        return matched[i];
    }

    /** The rule whose reason and approval settings speak for this decision, or null. */
    public Rule primaryRule() {
        return decisiveCount > 0 ? decisive[0] : null;
    }

    public Policy policy() {
        return table == null ? null : table.policy;
    }

    public Rule.Approval approval() {
        for (int i = 0; i < decisiveCount; i++) {
            if (decisive[i].action == Verdict.ESCALATE) {
                return decisive[i].approval;
            }
        }
        return Rule.Approval.DEFAULT;
    }

    /** Rule ids that produced the verdict (allocates; for evidence and printing). */
    public List<String> ruleIds() {
        List<String> ids = new ArrayList<>(decisiveCount);
        for (int i = 0; i < decisiveCount; i++) {
            ids.add(decisive[i].id);
        }
        return ids;
    }

    /** Ids of every rule that applied (allocates). */
    public List<String> matchedIds() {
        List<String> ids = new ArrayList<>(matchedCount);
        for (int i = 0; i < matchedCount; i++) {
            ids.add(matched[i].id);
        }
        return ids;
    }

    /** The union of the controls of the decisive rules, in order (allocates). */
    public List<String> controls() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < decisiveCount; i++) {
            for (String c : decisive[i].controls) {
                if (!out.contains(c)) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    /** The message a blocked caller (and the model) sees: {@code Blocked by policy <rule>: <reason>}. */
    public String blockMessage() {
        Rule r = primaryRule();
        return "Blocked by policy " + (r == null ? "default" : r.id) + ": " + reason;
    }

    /** Copies the result (not the scratch) of another decision. */
    public Decision copyFrom(Decision o) {
        verdict = o.verdict;
        wouldDecide = o.wouldDecide;
        defaulted = o.defaulted;
        reason = o.reason;
        table = o.table;
        timeMillis = o.timeMillis;
        decisiveCount = 0;
        matchedCount = 0;
        pendingCount = 0;
        for (int i = 0; i < o.decisiveCount; i++) {
            addDecisive(o.decisive[i]);
        }
        for (int i = 0; i < o.matchedCount; i++) {
            addMatched(o.matched[i]);
        }
        for (int i = 0; i < o.pendingCount; i++) {
            addPending(o.pending[i]);
        }
        pendingBudgetCount = 0;
        for (int i = 0; i < o.pendingBudgetCount; i++) {
            addPendingBudget(o.pendingBudget[i], o.pendingCents[i]);
        }
        reservedCount = 0;
        for (int i = 0; i < o.reservedCount; i++) {
            addReserved(o.reserved[i], o.reservedCents[i]);
        }
        principalKey = o.principalKey;
        stateLost = o.stateLost;
        return this;
    }

    @Override
    public String toString() {
        return verdict + (decisiveCount > 0 ? " " + ruleIds() : defaulted ? " (default)" : "") + (wouldDecide != verdict ? " would " + wouldDecide : "");
    }
}
