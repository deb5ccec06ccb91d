package dev.warden.rules;

/**
 * What happens to an action. Declared from least to most restrictive: when several rules apply,
 * the one with the highest {@link #ordinal()} wins (deny > escalate > modify > allow).
 */
public enum Verdict {
    ALLOW("allow"), MODIFY("modify"), ESCALATE("escalate"), DENY("deny");

    public final String label;

    Verdict(String label) {
        this.label = label;
    }

    public static Verdict of(String label) {
        for (Verdict v : values()) {
            if (v.label.equals(label)) {
                return v;
            }
        }
        return null;
    }

    /** True when a call with this verdict goes ahead without waiting for anyone. */
    public boolean proceeds() {
        return this == ALLOW || this == MODIFY;
    }

    public Verdict max(Verdict other) {
        return other == null || ordinal() >= other.ordinal() ? this : other;
    }

    @Override
    public String toString() {
        return label;
    }
}
