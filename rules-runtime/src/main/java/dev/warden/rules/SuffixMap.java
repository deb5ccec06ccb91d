package dev.warden.rules;

import java.util.Map;

/**
 * An immutable open-addressing map from strings to values whose lookup takes a region of a
 * larger string ({@code host} from index {@code i}) without building a substring: the host
 * suffix index walks the dots of a host name and looks each suffix up in place.
 * Thread-safe after construction; {@link #get} allocates nothing.
 */
final class SuffixMap<V> {
    private final String[] keys;
    private final Object[] values;
    private final int mask;
    private final int size;

    SuffixMap(Map<String, V> source) {
        int cap = 4;
        while (cap < source.size() * 2 + 2) {
            cap <<= 1;
        }
        keys = new String[cap];
        values = new Object[cap];
        mask = cap - 1;
        for (Map.Entry<String, V> e : source.entrySet()) {
            String k = e.getKey();
            int i = mix(hash(k, 0)) & mask;
            while (keys[i] != null) {
                i = (i + 1) & mask;
            }
            keys[i] = k;
            values[i] = e.getValue();
        }
        size = source.size();
    }

    boolean isEmpty() {
        return size == 0;
    }

    @SuppressWarnings("unchecked")
    V get(String s, int from) {
        if (size == 0) {
            return null;
        }
        int len = s.length() - from;
        int i = mix(hash(s, from)) & mask;
        while (true) {
            String k = keys[i];
            if (k == null) {
                return null;
            }
            if (k.length() == len && s.regionMatches(from, k, 0, len)) {
                return (V) values[i];
            }
            i = (i + 1) & mask;
        }
    }

    private static int hash(String s, int from) {
        int h = 0;
        for (int i = from, n = s.length(); i < n; i++) {
            h = 31 * h + s.charAt(i);
        }
        return h;
    }

    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h;
    }
}
