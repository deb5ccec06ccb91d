package dev.warden.rules.match;

/**
 * A view of one value inside a JSON text, found by {@link #find}: the tool arguments are read in
 * place, without building a tree or allocating. A string value with escapes is decoded into a
 * buffer owned by this slice; everything else is a window on the source text.
 *
 * <p>Finding the same path in the same text again (a rule's match read {@code args.amount}, then
 * its budget reads it once more) answers from the previous find without parsing, and the number
 * of a value is parsed once.
 *
 * <p>Not thread-safe: each evaluating thread owns its slice (it lives in the thread's
 * {@code Decision}).
 */
public final class JsonSlice implements CharSequence {
    public enum Type { STRING, NUMBER, TRUE, FALSE, NULL, OBJECT, ARRAY }

    /** The text of the current value; set on every find (stored only when it changes). */
    private String src;
    private int start;
    private int end;
    private static final Type[] TYPES = Type.values();
    private static final int T_STRING = Type.STRING.ordinal();
    private static final int T_NUMBER = Type.NUMBER.ordinal();
    private static final int T_TRUE = Type.TRUE.ordinal();
    private static final int T_FALSE = Type.FALSE.ordinal();
    private static final int T_NULL = Type.NULL.ordinal();
    private static final int T_OBJECT = Type.OBJECT.ordinal();
    private static final int T_ARRAY = Type.ARRAY.ordinal();
    /** The value's {@link Type}, as its ordinal: a primitive store (no GC barrier) on every find. */
    private int type;
    private final StringBuilder decoded = new StringBuilder(64);
    private boolean useDecoded;
    /**
     * The paths this slice was asked for, by identity (they are a policy's long-lived arrays), and
     * which of them the last find was for: the memo stores an index, not a reference, so that
     * alternating between two paths stores no reference (a reference store into an old object
     * costs a G1 card-marking barrier with a fence). Whether the last find succeeded: then the
     * slice still shows that value of {@link #src}.
     */
    private final String[][] paths = new String[4][];
    private int nextPath;
    private int foundPath = -1;
    private boolean found;
    /** {@link #number()} of the current value, once parsed. */
    private double number;
    private boolean numberParsed;

    public Type type() {
        return TYPES[type];
    }

    /**
     * Finds the value at {@code path} (object keys, or decimal indexes into arrays) in
     * {@code json}; returns false when the text is absent, not JSON, or has no such value.
     */
    public boolean find(String json, String[] path) {
        if (json == null) {
            return false;
        }
        int p = pathIndex(path);
        if (found && json == src && p == foundPath) {
            return true; // the slice still shows this value
        }
        found = false;
        foundPath = p;
        try {
            int i = skipWs(json, 0);
            for (String seg : path) {
                if (i >= json.length()) {
                    return false;
                }
                char c = json.charAt(i);
                if (c == '{') {
                    i = member(json, i, seg);
                } else if (c == '[') {
                    i = element(json, i, seg);
                } else {
                    return false;
                }
                if (i < 0) {
                    return false;
                }
            }
            value(json, i);
            found = true;
            return true;
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    private static boolean samePath(String[] a, String[] b) {
        if (a == null || a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (!a[i].equals(b[i])) {
                return false;
            }
        }
        return true;
    }

    /** The index of {@code path} (by identity) in {@link #paths}, entered (replacing the oldest) when absent. */
    private int pathIndex(String[] path) {
        String[][] known = paths;
        for (int i = 0; i < known.length; i++) {
            if (known[i] == path) {
                return i;
            }
        }
        // an equal path in another array (a rule's match and its budget both read args.amount) shares the index
        for (int i = 0; i < known.length; i++) {
            if (samePath(known[i], path)) {
                return i;
            }
        }
        int i = nextPath;
        nextPath = (i + 1) & (known.length - 1);
        known[i] = path;
        if (foundPath == i) {
            found = false; // the slot's previous path is no longer the one the slice shows
        }
        return i;
    }

    /** The value as a number, or NaN when it is neither a number nor a string holding one. */
    public double number() {
        if (!numberParsed) {
            number = type == T_NUMBER || type == T_STRING ? parseNumber(this, 0, length()) : Double.NaN;
            numberParsed = true;
        }
        return number;
    }

    private boolean value(String json, int i) {
        if (src != json) {
            src = json;
        }
        useDecoded = false;
        numberParsed = false;
        char c = json.charAt(i);
        switch (c) {
            case '"': {
                int j = i + 1;
                boolean escaped = false;
                while (true) {
                    char d = json.charAt(j);
                    if (d == '"') {
                        break;
                    }
                    if (d == '\\') {
                        escaped = true;
                        j += 2;
                    } else {
                        j++;
                    }
                }
                type = T_STRING;
                start = i + 1;
                end = j;
                if (escaped) {
                    decode(json, start, end);
                }
                return true;
            }
            case '{':
                type = T_OBJECT;
                start = i;
                end = skipValue(json, i);
                return true;
            case '[':
                type = T_ARRAY;
                start = i;
                end = skipValue(json, i);
                return true;
            case 't':
                type = T_TRUE;
                start = i;
                end = i + 4;
                return true;
            case 'f':
                type = T_FALSE;
                start = i;
                end = i + 5;
                return true;
            case 'n':
                type = T_NULL;
                start = i;
                end = i + 4;
                return true;
            default:
                type = T_NUMBER;
                start = i;
                end = skipValue(json, i);
                return true;
        }
    }

    private void decode(String s, int from, int to) {
        decoded.setLength(0);
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                decoded.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n': decoded.append('\n'); break;
                case 't': decoded.append('\t'); break;
                case 'r': decoded.append('\r'); break;
                case 'b': decoded.append('\b'); break;
                case 'f': decoded.append('\f'); break;
                case 'u':
                    decoded.append((char) Integer.parseInt(s, i + 1, i + 5, 16));
                    i += 4;
                    break;
                default: decoded.append(e);
            }
        }
        useDecoded = true;
    }

    /** Index of the value of member {@code key} in the object at {@code i}, or -1. */
    private static int member(String s, int i, String key) {
        i = skipWs(s, i + 1);
        while (i < s.length() && s.charAt(i) != '}') {
            int keyStart = i + 1;
            int end = skipKey(s, i);
            int keyEnd;
            boolean same;
            if (end > 0) {
                // no escape in this key (the common case): its raw text is the key
                keyEnd = end - 1;
                same = keyEnd - keyStart == key.length() && s.regionMatches(keyStart, key, 0, key.length());
            } else {
                keyEnd = ~end - 1;
                same = keyEquals(s, keyStart, keyEnd, key);
            }
            i = skipWs(s, keyEnd + 1);
            i = skipWs(s, i + 1); // ':'
            if (same) {
                return i;
            }
            i = skipWs(s, skipValue(s, i));
            if (i < s.length() && s.charAt(i) == ',') {
                i = skipWs(s, i + 1);
            }
        }
        return -1;
    }

    private static int element(String s, int i, String index) {
        int want = 0;
        for (int k = 0; k < index.length(); k++) {
            char c = index.charAt(k);
            if (c < '0' || c > '9') {
                return -1;
            }
            want = want * 10 + (c - '0');
        }
        i = skipWs(s, i + 1);
        int n = 0;
        while (i < s.length() && s.charAt(i) != ']') {
            if (n == want) {
                return i;
            }
            i = skipWs(s, skipValue(s, i));
            if (i < s.length() && s.charAt(i) == ',') {
                i = skipWs(s, i + 1);
            }
            n++;
        }
        return -1;
    }

    private static boolean keyEquals(String s, int from, int to, String key) {
        // only called for a key holding an escape: decode while comparing
        int k = 0;
        for (int i = from; i < to; i++, k++) {
            char c = s.charAt(i);
            if (c == '\\') {
                char e = s.charAt(++i);
                if (e == 'u') {
                    c = (char) Integer.parseInt(s, i + 1, i + 5, 16);
                    i += 4;
                } else {
                    c = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == 'b' ? '\b' : e == 'f' ? '\f' : e;
                }
            }
            if (k >= key.length() || key.charAt(k) != c) {
                return false;
            }
        }
        return k == key.length();
    }

    private static int skipWs(String s, int i) {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                break;
            }
            i++;
        }
        return i;
    }

    /** Index just past the string starting at {@code i} (a quote); its complement ({@code ~index}, negative) when the string holds an escape. */
    private static int skipKey(String s, int i) {
        int j = i + 1;
        boolean escaped = false;
        while (true) {
            char c = s.charAt(j);
            if (c == '"') {
                return escaped ? ~(j + 1) : j + 1;
            }
            if (c == '\\') {
                escaped = true;
                j += 2;
            } else {
                j++;
            }
        }
    }

    /** Index just past the string starting at {@code i} (which is a quote). */
    private static int skipString(String s, int i) {
        int j = i + 1;
        while (true) {
            char c = s.charAt(j);
            if (c == '"') {
                return j + 1;
            }
            j += c == '\\' ? 2 : 1;
        }
    }

    /** Index just past the value starting at {@code i}. */
    private static int skipValue(String s, int i) {
        char c = s.charAt(i);
        if (c == '"') {
            return skipString(s, i);
        }
        if (c == '{' || c == '[') {
            int depth = 0;
            int j = i;
            while (j < s.length()) {
                char d = s.charAt(j);
                if (d == '"') {
                    j = skipString(s, j);
                    continue;
                }
                if (d == '{' || d == '[') {
                    depth++;
                } else if (d == '}' || d == ']') {
                    depth--;
                    if (depth == 0) {
                        return j + 1;
                    }
                }
                j++;
            }
            return j;
        }
        int j = i;
        while (j < s.length()) {
            char d = s.charAt(j);
            if (d == ',' || d == '}' || d == ']' || d == ' ' || d == '\n' || d == '\r' || d == '\t') {
                break;
            }
            j++;
        }
        return j;
    }

    /**
     * Parses a decimal number from a character range without allocating (plain
     * {@code -12.50} forms); exponent forms fall back to {@link Double#parseDouble}. NaN when the
     * text is not a number.
     */
    public static double parseNumber(CharSequence s, int from, int to) {
        if (s == null) {
            return Double.NaN;
        }
        while (from < to && s.charAt(from) == ' ') {
            from++;
        }
        while (to > from && s.charAt(to - 1) == ' ') {
            to--;
        }
        if (from >= to) {
            return Double.NaN;
        }
        int i = from;
        boolean neg = false;
        if (s.charAt(i) == '-' || s.charAt(i) == '+') {
            neg = s.charAt(i) == '-';
            i++;
        }
        long mant = 0;
        int digits = 0;
        int scale = 0;
        boolean dot = false;
        for (; i < to; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                if (digits < 18) {
                    mant = mant * 10 + (c - '0');
                    digits++;
                    if (dot) {
                        scale++;
                    }
                } else if (!dot) {
                    return slowParse(s, from, to);
                }
            } else if (c == '.' && !dot) {
                dot = true;
            } else if (c == 'e' || c == 'E') {
                return slowParse(s, from, to);
            } else {
                return Double.NaN;
            }
        }
        if (digits == 0) {
            return Double.NaN;
        }
        double v = mant;
        if (scale > 0) {
            v = v / POW10[scale];
        }
        return neg ? -v : v;
    }

    private static final double[] POW10 = new double[19];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private static double slowParse(CharSequence s, int from, int to) {
        try {
            return Double.parseDouble(s.subSequence(from, to).toString());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** True when the value's text equals {@code other} (a string value compares decoded); no allocation. */
    public boolean contentEquals(String other) {
        if (useDecoded) {
            int n = decoded.length();
            if (n != other.length()) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (decoded.charAt(i) != other.charAt(i)) {
                    return false;
                }
            }
            return true;
        }
        return end - start == other.length() && src.regionMatches(start, other, 0, end - start);
    }

    @Override
    public int length() {
        return useDecoded ? decoded.length() : end - start;
    }

    @Override
    public char charAt(int index) {
        return useDecoded ? decoded.charAt(index) : src.charAt(start + index);
    }

    @Override
    public CharSequence subSequence(int from, int to) {
        return toString().substring(from, to);
    }

    @Override
    public String toString() {
        return useDecoded ? decoded.toString() : src.substring(start, end);
    }
}
