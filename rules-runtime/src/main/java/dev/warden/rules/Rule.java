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
    public final Approval approval;
    public final List<String> controls;
    /** Why this rule decides as it does, in one line (the text an LLM sees when blocked). */
    public final String reason;
    /** Line of the rule in the policy file (1-based), 0 when unknown. */
    public final int line;

    public Rule(String id, int index, String description, Verdict action, Mode mode, Predicate match,
                Predicate after, Limit limit, Approval approval,
                List<String> controls, int line) {
        this.id = id;
        this.index = index;
        this.description = description;
        this.action = action;
        this.mode = mode;
        this.match = match;
        this.after = after;
        this.limit = limit;
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
        if (limit != null) {
            sb.append(" beyond ").append(limit.text());
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

    public boolean isStateful() {
        return after != null || limit != null;
    }

    @Override
    public String toString() {
        return "Rule{" + id + " " + action + " " + match + "}";
    }
}
