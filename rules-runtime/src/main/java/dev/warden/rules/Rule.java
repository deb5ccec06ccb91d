package dev.warden.rules;

import dev.warden.rules.match.Predicate;
import java.util.List;

/**
 * One compiled policy rule. Immutable; shared by every evaluating thread.
 *
 * <p>The rule applies to an action when its {@link #match} holds, its {@link #after} condition
 * (if any) was seen earlier in the same session, and its {@link #limit} (if any) would be
 * exceeded by this call. Then it contributes its {@link #action}.
 */
public final class Rule implements KindIndex.Entry {
    /** A rate limit: at most {@code max} calls that went ahead per {@code perMillis}. */
    public record Limit(int max, long perMillis, Scope scope, String text) {
    }

    /** Where a counter lives. */
    public enum Scope {
        SESSION("session"), AGENT("agent"), PRINCIPAL("principal");

        public final String label;

        Scope(String label) {
            this.label = label;
        }

        public static Scope of(String s) {
            for (Scope v : values()) {
                if (v.label.equals(s)) {
                    return v;
                }
            }
            return null;
        }
    }

    /**
     * A cumulative budget (1.1): the sum of {@code args.<path>} over calls that went ahead in the
     * window may not exceed {@code max}; the call that would take it over gets the rule's action.
     */
    public record Budget(String key, String[] path, double max, long perMillis, Scope scope, String text) {
    }

    /**
     * A required predecessor (1.1): the rule's action applies when no action matching
     * {@code before} went ahead in the same session within {@code withinMillis}. With a binding
     * ({@code args.customer: $args.customer}) the predecessor's field {@code earlierPath} must
     * equal the current action's field {@code currentPath}.
     */
    public record Requires(Predicate before, String earlierKey, String[] earlierPath, String currentKey, String[] currentPath,
                           long withinMillis, String text) {
        public boolean bound() {
            return currentPath != null;
        }
    }

    /** How long an escalated call waits for a human, and what happens when nobody answers. */
    public record Approval(long timeoutMillis, Verdict onTimeout) {
        public static final Approval DEFAULT = new Approval(5 * 60_000L, Verdict.DENY);
    }

    public final String id;
    /** Position in the policy (0-based); the order in which modify rules compose. */
    public final int index;
    public final String description;
    public final Verdict action;
    /** The effective mode: monitor when the rule or the whole policy says so. */
    public final Mode mode;
    public final Predicate match;
    public final Predicate after;
    public final Limit limit;
    public final Budget budget;
    public final Requires requires;
    public final When when;
    public final Modify modify;
    public final Approval approval;
    public final List<String> controls;
    /** Why this rule decides as it does, in one line (the text an LLM sees when blocked). */
    public final String reason;
    /** Line of the rule in the policy file (1-based), 0 when unknown. */
    public final int line;

    public Rule(String id, int index, String description, Verdict action, Mode mode, Predicate match,
                Predicate after, Limit limit, Approval approval,
                List<String> controls, int line) {
        this(id, index, description, action, mode, match, after, limit, null, null, null, null, approval, controls, line);
    }

    public Rule(String id, int index, String description, Verdict action, Mode mode, Predicate match,
                Predicate after, Limit limit, Budget budget, Requires requires, When when, Modify modify,
                Approval approval, List<String> controls, int line) {
        this.id = id;
        this.index = index;
        this.description = description;
        this.action = action;
        this.mode = mode;
        this.match = match;
        this.after = after;
        this.limit = limit;
        this.budget = budget;
        this.requires = requires;
        this.when = when;
        this.modify = modify;
        this.approval = action == Verdict.ESCALATE && approval == null ? Approval.DEFAULT : approval;
        this.controls = List.copyOf(controls);
        this.line = line;
        this.reason = buildReason();
    }

    private String buildReason() {
        if (description != null && !description.isBlank()) {
            return description.strip();
        }
        StringBuilder sb = new StringBuilder();
        sb.append(action.label).append(" when ").append(match.describe());
        if (after != null) {
            sb.append(" after ").append(after.describe()).append(" in the same session");
        }
        if (requires != null) {
            sb.append(" without ").append(requires.text());
        }
        if (limit != null) {
            sb.append(" beyond ").append(limit.text());
        }
        if (budget != null) {
            sb.append(" beyond budget ").append(budget.text());
        }
        if (when != null) {
            sb.append(" during ").append(when.text);
        }
        return sb.toString();
    }

    @Override
    public int entryId() {
        return index;
    }

    @Override
    public Predicate predicate() {
        return match;
    }

    /** The key under which this rule's rate-limit window is kept across policy reloads. */
    public String limitKey() {
        return limit == null ? null : id + "|" + limit.text() + "|" + match.describe();
    }

    /** The key under which this rule's budget window is kept across reloads and restarts. */
    public String budgetKey() {
        return budget == null ? null : "budget|" + id + "|" + budget.text();
    }

    /** The key of this rule's predecessor sightings. */
    public String requiresKey() {
        return requires == null ? null : "requires|" + requires.before().describe() + "|" + requires.earlierKey();
    }

    public boolean isStateful() {
        return after != null || limit != null || budget != null || requires != null;
    }

    @Override
    public String toString() {
        return "Rule{" + id + " " + action + " " + match + "}";
    }
}
