package dev.warden.rules.match;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A compiled test on one attribute value: equality, glob, any-of, not, numeric range, regex.
 *
 * <p>Immutable and thread-safe once built; {@link #test}, {@link #testNumber} and {@link #testSet}
 * allocate nothing (the regex matcher is reused per thread), so they may run on the hot path.
 * Absent values arrive as {@code null}: every positive test fails on them, so {@code not}
 * succeeds (a call made outside any tool has no {@code parent}, hence is "not model").
 */
public abstract class ValueMatcher {

    /** Tests a text value (null when absent). */
    public abstract boolean test(CharSequence v);

    /** Tests a numeric value. */
    public boolean testNumber(double d) {
        return false;
    }

    /**
     * Tests a set attribute: true when any element passes. {@link Not} overrides this: it
     * passes when some element is outside its list.
     */
    public boolean testSet(String[] values, int n) {
        for (int i = 0; i < n; i++) {
            if (test(values[i])) {
                return true;
            }
        }
        return false;
    }

    /** True when no value can pass (an empty list, an empty range). */
    public boolean neverMatches() {
        return false;
    }

    /** For a glob of the form {@code *.suffix} (the only wildcard), the suffix; else null. */
    public String subdomainSuffix() {
        return null;
    }

    /** The members of an any-of list, or this matcher alone. */
    public ValueMatcher[] members() {
        return new ValueMatcher[] {this};
    }

    /** The literal values this matcher accepts exactly (for indexing); null when not purely exact. */
    public Collection<String> exactValues() {
        return null;
    }

    /** The policy-language text of this matcher, for explanations. */
    public abstract String describe();

    @Override
    public String toString() {
        return describe();
    }

    // ---------------------------------------------------------------- implementations

    public static ValueMatcher exact(String value) {
        return new Exact(value);
    }

    public static ValueMatcher glob(String pattern) {
        return pattern.indexOf('*') < 0 ? new Exact(pattern) : new Glob(pattern);
    }

    public static ValueMatcher anyOf(List<ValueMatcher> items) {
        return items.size() == 1 ? items.get(0) : new AnyOf(items);
    }

    public static ValueMatcher not(ValueMatcher inner) {
        return new Not(inner);
    }

    public static ValueMatcher range(double lo, boolean loInclusive, double hi, boolean hiInclusive) {
        return new Range(lo, loInclusive, hi, hiInclusive);
    }

    public static ValueMatcher regex(Pattern p) {
        return new Regex(p);
    }

    public static ValueMatcher all(List<ValueMatcher> items) {
        return items.size() == 1 ? items.get(0) : new All(items);
    }

    static final class Exact extends ValueMatcher {
        final String value;
        final double number;

        Exact(String value) {
            this.value = value;
            this.number = JsonSlice.parseNumber(value, 0, value.length());
        }

        @Override
        public boolean test(CharSequence v) {
            if (v == null) {
                return false;
            }
            if (v instanceof String) {
                return value.equals(v);
            }
            if (value.contentEquals(v)) {
                return true;
            }
            // "500" in a policy equals 500.0 in the JSON text
            return !Double.isNaN(number) && number == JsonSlice.parseNumber(v, 0, v.length());
        }

        @Override
        public boolean testNumber(double d) {
            return number == d;
        }

        @Override
        public Collection<String> exactValues() {
            return List.of(value);
        }

        @Override
        public String describe() {
            return value;
        }
    }

    /** {@code *} matches any run of characters (dots included): {@code *.corp.example} matches every subdomain but not the apex. */
    static final class Glob extends ValueMatcher {
        final String pattern;

        Glob(String pattern) {
            this.pattern = pattern;
        }

        @Override
        public boolean test(CharSequence v) {
            return v != null && matches(pattern, v);
        }

        static boolean matches(String p, CharSequence s) {
            int pi = 0;
            int si = 0;
            int star = -1;
            int mark = 0;
            int pn = p.length();
            int sn = s.length();
            while (si < sn) {
                if (pi < pn && p.charAt(pi) != '*' && p.charAt(pi) == s.charAt(si)) {
                    pi++;
                    si++;
                } else if (pi < pn && p.charAt(pi) == '*') {
                    star = pi++;
                    mark = si;
                } else if (star >= 0) {
                    pi = star + 1;
                    si = ++mark;
                } else {
                    return false;
                }
            }
            while (pi < pn && p.charAt(pi) == '*') {
                pi++;
            }
            return pi == pn;
        }

        @Override
        public String subdomainSuffix() {
            if (pattern.startsWith("*.") && pattern.indexOf('*', 1) < 0) {
                return pattern.substring(2);
            }
            return null;
        }

        @Override
        public String describe() {
            return pattern;
        }
    }

    static final class AnyOf extends ValueMatcher {
        final Set<String> exact = new HashSet<>();
        final ValueMatcher[] exactMatchers;
        final ValueMatcher[] others;
        final String text;

        AnyOf(List<ValueMatcher> items) {
            List<ValueMatcher> ex = new ArrayList<>();
            List<ValueMatcher> rest = new ArrayList<>();
            for (ValueMatcher m : items) {
                if (m instanceof Exact) {
                    exact.add(((Exact) m).value);
                    ex.add(m);
                } else {
                    rest.add(m);
                }
            }
            exactMatchers = ex.toArray(new ValueMatcher[0]);
            others = rest.toArray(new ValueMatcher[0]);
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < items.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(items.get(i).describe());
            }
            text = sb.append(']').toString();
        }

        @Override
        public boolean test(CharSequence v) {
            if (v == null) {
                return false;
            }
            if (v instanceof String) {
                if (exact.contains(v)) {
                    return true;
                }
            } else {
                for (ValueMatcher m : exactMatchers) {
                    if (m.test(v)) {
                        return true;
                    }
                }
            }
            for (ValueMatcher m : others) {
                if (m.test(v)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public boolean testNumber(double d) {
            for (ValueMatcher m : exactMatchers) {
                if (m.testNumber(d)) {
                    return true;
                }
            }
            for (ValueMatcher m : others) {
                if (m.testNumber(d)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public boolean neverMatches() {
            if (exactMatchers.length > 0) {
                return false;
            }
            for (ValueMatcher m : others) {
                if (!m.neverMatches()) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public Collection<String> exactValues() {
            return others.length == 0 ? exact : null;
        }

        @Override
        public ValueMatcher[] members() {
            ValueMatcher[] all = new ValueMatcher[exactMatchers.length + others.length];
            System.arraycopy(exactMatchers, 0, all, 0, exactMatchers.length);
            System.arraycopy(others, 0, all, exactMatchers.length, others.length);
            return all;
        }

        @Override
        public String describe() {
            return text;
        }
    }

    static final class Not extends ValueMatcher {
        final ValueMatcher inner;

        Not(ValueMatcher inner) {
            this.inner = inner;
        }

        @Override
        public boolean test(CharSequence v) {
            return !inner.test(v);
        }

        @Override
        public boolean testNumber(double d) {
            return !inner.testNumber(d);
        }

        /** Some element lies outside the inner list (a join touching one forbidden table trips an allowlist). */
        @Override
        public boolean testSet(String[] values, int n) {
            for (int i = 0; i < n; i++) {
                if (!inner.test(values[i])) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String describe() {
            return "not " + inner.describe();
        }
    }

    static final class Range extends ValueMatcher {
        final double lo;
        final double hi;
        final boolean loIn;
        final boolean hiIn;

        Range(double lo, boolean loIn, double hi, boolean hiIn) {
            this.lo = lo;
            this.hi = hi;
            this.loIn = loIn;
            this.hiIn = hiIn;
        }

        @Override
        public boolean test(CharSequence v) {
            return v != null && testNumber(JsonSlice.parseNumber(v, 0, v.length()));
        }

        @Override
        public boolean testNumber(double d) {
            if (Double.isNaN(d)) {
                return false;
            }
            boolean aboveLo = loIn ? d >= lo : d > lo;
            boolean belowHi = hiIn ? d <= hi : d < hi;
            return aboveLo && belowHi;
        }

        @Override
        public boolean neverMatches() {
            return lo > hi || (lo == hi && !(loIn && hiIn));
        }

        @Override
        public String describe() {
            StringBuilder sb = new StringBuilder("{");
            if (lo != Double.NEGATIVE_INFINITY) {
                sb.append(loIn ? "gte: " : "gt: ").append(fmt(lo));
            }
            if (hi != Double.POSITIVE_INFINITY) {
                sb.append(sb.length() > 1 ? ", " : "").append(hiIn ? "lte: " : "lt: ").append(fmt(hi));
            }
            return sb.append('}').toString();
        }

        private static String fmt(double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
    }

    static final class Regex extends ValueMatcher {
        final Pattern pattern;
        final ThreadLocal<Matcher> matcher;

        Regex(Pattern pattern) {
            this.pattern = pattern;
            this.matcher = ThreadLocal.withInitial(() -> pattern.matcher(""));
        }

        @Override
        public boolean test(CharSequence v) {
            if (v == null) {
                return false;
            }
            Matcher m = matcher.get();
            boolean found = m.reset(v).find();
            m.reset("");
            return found;
        }

        @Override
        public String describe() {
            return "{regex: " + pattern.pattern() + "}";
        }
    }

    static final class All extends ValueMatcher {
        final ValueMatcher[] items;

        All(List<ValueMatcher> items) {
            this.items = items.toArray(new ValueMatcher[0]);
        }

        @Override
        public boolean test(CharSequence v) {
            for (ValueMatcher m : items) {
                if (!m.test(v)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean testNumber(double d) {
            for (ValueMatcher m : items) {
                if (!m.testNumber(d)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean testSet(String[] values, int n) {
            for (ValueMatcher m : items) {
                if (!m.testSet(values, n)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean neverMatches() {
            for (ValueMatcher m : items) {
                if (m.neverMatches()) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String describe() {
            StringBuilder sb = new StringBuilder();
            for (ValueMatcher m : items) {
                sb.append(sb.length() == 0 ? "" : " and ").append(m.describe());
            }
            return sb.toString();
        }
    }
}
