package dev.warden.rules.match;

import dev.warden.rules.Action;
import dev.warden.rules.Kind;

/**
 * A conjunction of attribute tests on actions of one kind (or of every kind when {@link #kind}
 * is null): a rule's {@code match}, or the earlier action an {@code after} looks for.
 * Immutable and thread-safe; {@link #matches} allocates nothing.
 */
public final class Predicate {
    public final Kind kind;
    public final AttrMatcher[] tests;
    private final String text;

    public Predicate(Kind kind, AttrMatcher[] tests) {
        this.kind = kind;
        this.tests = tests;
        StringBuilder sb = new StringBuilder("{");
        if (kind != null) {
            sb.append("kind: ").append(kind.label);
        }
        for (AttrMatcher t : tests) {
            sb.append(sb.length() > 1 ? ", " : "").append(t.describe());
        }
        this.text = sb.append('}').toString();
    }

    public boolean matches(Action a, JsonSlice scratch) {
        if (kind != null && a.kind() != kind) {
            return false;
        }
        for (AttrMatcher t : tests) {
            if (!t.matches(a, scratch)) {
                return false;
            }
        }
        return true;
    }

    /** The test on an attribute, or null. */
    public AttrMatcher test(dev.warden.rules.Attr attr) {
        for (AttrMatcher t : tests) {
            if (t.attr == attr) {
                return t;
            }
        }
        return null;
    }

    /** A canonical text of this predicate: equal texts mean equal predicates. */
    public String describe() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}
