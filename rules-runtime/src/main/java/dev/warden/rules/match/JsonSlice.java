package dev.warden.rules.match;

/**
 * A view of one value inside a JSON text, found by {@link #find}: the tool arguments are read
 * without building a tree or allocating. Each new text is copied once into a character array the
 * slice reuses (a text over 16 K characters gets an array of its own), and every scan reads that
 * array; a string value with escapes is decoded into a buffer owned by this slice, everything
 * else is a window on the copy.
 *
 * <p>Hot path: lock-free (one owner) and allocation-free. The first find in a text indexes the
 * members of its top-level object in one pass (where each key and value start); every later find
 * in the same text, for any path, looks its first key up in that index instead of scanning
 * again: a match reading {@code args.amount} and a {@code requires} binding {@code $args.customer}
 * scan the arguments once between them. Finding a path again in the same text answers from what
 * the first find of that path found (for up to four paths at once), and the number of a value is
 * parsed once.
 *
 * <p>A key that occurs more than once in an object reads as its last occurrence, as Jackson (the
 * parser of LangChain4j, Spring AI and the MCP SDK) binds it: {@code {"amount":1,"amount":5000}}
 * is a refund of 5000, and a rule on {@code args.amount} must see 5000.
 *
 * <p>Not thread-safe: each evaluating thread owns its slice (it lives in the thread's
 * {@code Decision}).
 */
public final class JsonSlice implements CharSequence {
    public enum Type { STRING, NUMBER, TRUE, FALSE, NULL, OBJECT, ARRAY }

    /** The text of the current value; set on every find (stored only when it changes). */
    private String src;
    /**
     * {@link #src}'s characters, copied once per text (an intrinsic, vectorised copy) so that
     * every scan reads a plain array: {@link #kept}, reused, or for a text longer than
     * {@link #KEEP} an array of its own that is not kept.
     */
    private char[] text;
    private int textLength;
    private char[] kept = new char[256];
    private static final int KEEP = 16 * 1024;
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
    /**
     * What each path found in {@link #src}, by path index, valid while its generation is the
     * text's ({@link #generation} moves on with every new text): the value's window and type
     * ({@code -1}: not there), and its number once parsed. Escaped strings are not kept (their
     * decoding lives in one buffer): they are read again.
     */
    private long generation;
    private final long[] memoGeneration = new long[4];
    private final int[] memoStart = new int[4];
    private final int[] memoEnd = new int[4];
    private final int[] memoType = new int[4];
    private final double[] memoNumber = new double[4];
    private final boolean[] memoNumberParsed = new boolean[4];
    /**
     * The members of {@link #src}'s top-level object, by position: key start, key end (the
     * complement when the key holds an escape) and value start; primitive stores only.
     * {@link #members} is {@link #UNINDEXED} until the text is indexed, {@link #NOT_INDEXED} when
     * it is not an object, has more members than the index holds, or is malformed (then a find
     * scans as before).
     */
    private static final int MAX_MEMBERS = 32;
    private static final int UNINDEXED = -1;
    private static final int NOT_INDEXED = -2;
    private final int[] keyStart = new int[MAX_MEMBERS];
    private final int[] keyEnd = new int[MAX_MEMBERS];
    private final int[] valueAt = new int[MAX_MEMBERS];
    private int members = UNINDEXED;
    /** {@link #number()} of the current value, once parsed. */
    private double number;
    private boolean numberParsed;

    /** Every argument path any policy named, one array per path text (see {@link #path}). */
    private static final java.util.concurrent.ConcurrentHashMap<String, String[]> PATHS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The segments of an argument path ({@code order.amount}), the same array for the same text
     * in every rule and every policy loaded since start: a match and a budget on
     * {@code args.amount}, or a policy reloaded from the same file, find the path in this slice's
     * memo by identity. Callers must not modify the array.
     */
    public static String[] path(String dotted) {
        return PATHS.computeIfAbsent(dotted, k -> k.split("\\."));
    }

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
        if (json != src) {
            load(json); // a new text: copied once, its index built by the first find that needs it
        } else if (memoGeneration[p] == generation) {
            return recall(p);
        }
        return scan(path, p);
    }

    private void load(String json) {
        int n = json.length();
        char[] t = kept;
        if (n > t.length) {
            if (n <= KEEP) {
                kept = t = new char[Math.min(KEEP, Math.max(n, t.length * 2))];
            } else {
                t = new char[n];
            }
        }
        json.getChars(0, n, t, 0);
        if (text != t) {
            text = t;
        }
        textLength = n;
        src = json;
        members = UNINDEXED;
        generation++;
    }

    /** Reads path {@code p} out of the text and keeps what it found (the find's slow path, kept apart so the fast path stays small). */
    private boolean scan(String[] path, int p) {
        char[] s = text;
        int n = textLength;
        found = false;
        foundPath = p;
        memoGeneration[p] = generation;
        memoType[p] = -1; // not there, unless the scan below finds it
        try {
            int i = skipWs(s, n, 0);
            for (int k = 0; k < path.length; k++) {
                String seg = path[k];
                if (i >= n) {
                    return false;
                }
                char c = s[i];
                if (c == '{') {
                    i = k == 0 ? topMember(s, n, i, seg) : member(s, n, i, seg);
                } else if (c == '[') {
                    i = element(s, n, i, seg);
                } else {
                    return false;
                }
                if (i < 0) {
                    return false;
                }
            }
            value(s, n, i);
            found = true;
            if (useDecoded) {
                memoGeneration[p] = generation - 1; // the decoding is not kept: read it again next time
            } else {
                memoStart[p] = start;
                memoEnd[p] = end;
                memoType[p] = type;
                memoNumberParsed[p] = false;
            }
            return true;
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    /** Shows what path {@code p} found in this text before; false when it found nothing. */
    private boolean recall(int p) {
        if (found && p == foundPath) {
            return true; // the slice still shows this value
        }
        foundPath = p;
        int t = memoType[p];
        if (t < 0) {
            found = false;
            return false;
        }
        start = memoStart[p];
        end = memoEnd[p];
        type = t;
        useDecoded = false;
        number = memoNumber[p];
        numberParsed = memoNumberParsed[p];
        found = true;
        return true;
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
        memoGeneration[i] = generation - 1; // what the slot's previous path found is not this path's
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
            if (found && !useDecoded && memoGeneration[foundPath] == generation) {
                memoNumber[foundPath] = number;
                memoNumberParsed[foundPath] = true;
            }
        }
        return number;
    }

    private boolean value(char[] s, int n, int i) {
        useDecoded = false;
        numberParsed = false;
        switch (at(s, n, i)) {
            case '"': {
                int j = i + 1;
                boolean escaped = false;
                while (true) {
                    char d = at(s, n, j);
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
                    decode(s, start, end);
                }
                return true;
            }
            case '{':
                type = T_OBJECT;
                start = i;
                end = skipValue(s, n, i);
                return true;
            case '[':
                type = T_ARRAY;
                start = i;
                end = skipValue(s, n, i);
                return true;
            case 't':
                type = T_TRUE;
                start = i;
                end = literalEnd(n, i, 4);
                return true;
            case 'f':
                type = T_FALSE;
                start = i;
                end = literalEnd(n, i, 5);
                return true;
            case 'n':
                type = T_NULL;
                start = i;
                end = literalEnd(n, i, 4);
                return true;
            default:
                type = T_NUMBER;
                start = i;
                end = skipValue(s, n, i);
                return true;
        }
    }

    private static int literalEnd(int n, int i, int length) {
        if (i + length > n) {
            throw MALFORMED;
        }
        return i + length;
    }

    /** The character at {@code i}, which must be inside the text (a text that ends early is malformed). */
    private static char at(char[] s, int n, int i) {
        if (i >= n) {
            throw MALFORMED;
        }
        return s[i];
    }

    /** Thrown (without a stack trace, preallocated) where the text ends inside a value; a find then reports nothing. */
    private static final RuntimeException MALFORMED = new RuntimeException("malformed JSON", null, false, false) {
        private static final long serialVersionUID = 1L;
    };

    private void decode(char[] s, int from, int to) {
        decoded.setLength(0);
        for (int i = from; i < to; i++) {
            char c = s[i];
            if (c != '\\') {
                decoded.append(c);
                continue;
            }
            char e = s[++i];
            switch (e) {
                case 'n': decoded.append('\n'); break;
                case 't': decoded.append('\t'); break;
                case 'r': decoded.append('\r'); break;
                case 'b': decoded.append('\b'); break;
                case 'f': decoded.append('\f'); break;
                case 'u':
                    decoded.append(hex4(s, i + 1, to));
                    i += 4;
                    break;
                default: decoded.append(e);
            }
        }
        useDecoded = true;
    }

    /** The character named by the four hex digits of a unicode escape, at {@code i}. */
    private static char hex4(char[] s, int i, int limit) {
        if (i + 4 > limit) {
            throw MALFORMED;
        }
        int v = 0;
        for (int k = i; k < i + 4; k++) {
            int d = Character.digit(s[k], 16);
            if (d < 0) {
                throw MALFORMED;
            }
            v = (v << 4) | d;
        }
        return (char) v;
    }

    /** Index of the value of top-level member {@code key} (its last occurrence) in the object at {@code i}, or -1. */
    private int topMember(char[] s, int n, int i, String key) {
        if (members == UNINDEXED) {
            members = index(s, n, i);
        }
        if (members == NOT_INDEXED) {
            return member(s, n, i, key);
        }
        int kl = key.length();
        for (int m = members - 1; m >= 0; m--) { // the last occurrence of a repeated key wins
            int ks = keyStart[m];
            int ke = keyEnd[m];
            if (ke >= 0 ? ke - ks == kl && same(s, ks, key, kl) : keyEquals(s, ks, ~ke, key)) {
                return valueAt[m];
            }
        }
        return -1;
    }

    /** True when the {@code kl} characters at {@code from} are {@code key}'s. */
    private static boolean same(char[] s, int from, String key, int kl) {
        for (int k = 0; k < kl; k++) {
            if (s[from + k] != key.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** Records the members of the object at {@code i}; their count, or {@link #NOT_INDEXED}. */
    private int index(char[] s, int n, int i) {
        try {
            int count = 0;
            i = skipWs(s, n, i + 1);
            while (at(s, n, i) != '}') {
                if (count == MAX_MEMBERS || s[i] != '"') {
                    return NOT_INDEXED;
                }
                int end = skipKey(s, n, i);
                keyStart[count] = i + 1;
                int ke = end > 0 ? end - 1 : ~end - 1;
                keyEnd[count] = end > 0 ? ke : ~ke;
                i = skipWs(s, n, ke + 1);
                if (at(s, n, i) != ':') {
                    return NOT_INDEXED;
                }
                i = skipWs(s, n, i + 1);
                at(s, n, i);
                valueAt[count++] = i;
                i = skipWs(s, n, skipValue(s, n, i));
                char c = at(s, n, i);
                if (c == ',') {
                    i = skipWs(s, n, i + 1);
                } else if (c != '}') {
                    return NOT_INDEXED;
                }
            }
            return count;
        } catch (RuntimeException malformed) {
            return NOT_INDEXED; // e.g. the text ends inside the object
        }
    }

    /** Index of the value of member {@code key} (its last occurrence) in the object at {@code i}, or -1. */
    private static int member(char[] s, int n, int i, String key) {
        int last = -1;
        int kl = key.length();
        i = skipWs(s, n, i + 1);
        while (i < n && s[i] != '}') {
            int keyStart = i + 1;
            int end = skipKey(s, n, i);
            int keyEnd;
            boolean same;
            if (end > 0) {
                // no escape in this key (the common case): its raw text is the key
                keyEnd = end - 1;
                same = keyEnd - keyStart == kl && same(s, keyStart, key, kl);
            } else {
                keyEnd = ~end - 1;
                same = keyEquals(s, keyStart, keyEnd, key);
            }
            i = skipWs(s, n, keyEnd + 1);
            if (at(s, n, i) != ':') {
                return -1;
            }
            i = skipWs(s, n, i + 1);
            at(s, n, i);
            if (same) {
                last = i;
            }
            i = skipWs(s, n, skipValue(s, n, i));
            if (i < n && s[i] == ',') {
                i = skipWs(s, n, i + 1);
            }
        }
        return last;
    }

    private static int element(char[] s, int n, int i, String index) {
        int want = 0;
        for (int k = 0; k < index.length(); k++) {
            char c = index.charAt(k);
            if (c < '0' || c > '9') {
                return -1;
            }
            want = want * 10 + (c - '0');
        }
        i = skipWs(s, n, i + 1);
        int count = 0;
        while (i < n && s[i] != ']') {
            if (count == want) {
                return i;
            }
            i = skipWs(s, n, skipValue(s, n, i));
            if (i < n && s[i] == ',') {
                i = skipWs(s, n, i + 1);
            }
            count++;
        }
        return -1;
    }

    private static boolean keyEquals(char[] s, int from, int to, String key) {
        // only called for a key holding an escape: decode while comparing
        int k = 0;
        for (int i = from; i < to; i++, k++) {
            char c = s[i];
            if (c == '\\') {
                char e = s[++i];
                if (e == 'u') {
                    c = hex4(s, i + 1, to);
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

    private static int skipWs(char[] s, int n, int i) {
        while (i < n) {
            char c = s[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                break;
            }
            i++;
        }
        return i;
    }

    /** Index just past the string starting at {@code i} (a quote); its complement ({@code ~index}, negative) when the string holds an escape. */
    private static int skipKey(char[] s, int n, int i) {
        int j = i + 1;
        boolean escaped = false;
        while (true) {
            char c = at(s, n, j);
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
    private static int skipString(char[] s, int n, int i) {
        int j = i + 1;
        while (true) {
            char c = at(s, n, j);
            if (c == '"') {
                return j + 1;
            }
            j += c == '\\' ? 2 : 1;
        }
    }

    /** Index just past the value starting at {@code i}. */
    private static int skipValue(char[] s, int n, int i) {
        char c = at(s, n, i);
        if (c == '"') {
            return skipString(s, n, i);
        }
        if (c == '{' || c == '[') {
            int depth = 0;
            int j = i;
            while (j < n) {
                char d = s[j];
                if (d == '"') {
                    j = skipString(s, n, j);
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
            throw MALFORMED; // the text ends inside the object or array
        }
        int j = i;
        while (j < n) {
            char d = s[j];
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
        int n = end - start;
        return n == other.length() && same(text, start, other, n);
    }

    @Override
    public int length() {
        return useDecoded ? decoded.length() : end - start;
    }

    @Override
    public char charAt(int index) {
        return useDecoded ? decoded.charAt(index) : text[start + index];
    }

    @Override
    public CharSequence subSequence(int from, int to) {
        return toString().substring(from, to);
    }

    @Override
    public String toString() {
        return useDecoded ? decoded.toString() : new String(text, start, end - start);
    }
}
