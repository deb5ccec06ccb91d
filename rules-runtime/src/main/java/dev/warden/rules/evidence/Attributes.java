package dev.warden.rules.evidence;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The attributes of an {@link EvidenceRecord}: a small insertion-ordered {@code String → String}
 * map kept in two parallel arrays, so the agent's per-thread record can be cleared and refilled
 * on every intercepted call without allocating (a {@code LinkedHashMap} allocates an entry per
 * {@code put}). Iteration order, {@code equals} and {@code hashCode} are those of any
 * {@link Map} with the same entries in the same insertion order (it behaves like the
 * {@code LinkedHashMap} it replaces: {@code put} of an existing key keeps its position).
 *
 * <p>{@link #keyAt}/{@link #valueAt} read by position without an iterator (the codec uses them).
 * Lookups are linear: a record has a handful of attributes. Not thread-safe.
 */
public final class Attributes extends AbstractMap<String, String> {
    private String[] keys = new String[8];
    private String[] values = new String[8];
    private int size;

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    /** The key at {@code i} (0 ≤ i < size), in insertion order. */
    public String keyAt(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return keys[i];
    }

    /** The value at {@code i} (0 ≤ i < size), in insertion order. */
    public String valueAt(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return values[i];
    }

    private int indexOf(Object key) {
        for (int i = 0; i < size; i++) {
            if (keys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean containsKey(Object key) {
        return key != null && indexOf(key) >= 0;
    }

    @Override
    public String get(Object key) {
        if (key == null) {
            return null;
        }
        int i = indexOf(key);
        return i < 0 ? null : values[i];
    }

    /** Sets {@code key} (not null) to {@code value}; a new key goes last, an existing one keeps its place. */
    @Override
    public String put(String key, String value) {
        if (key == null) {
            throw new NullPointerException("attribute name");
        }
        int i = indexOf(key);
        if (i >= 0) {
            String old = values[i];
            values[i] = value;
            return old;
        }
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        keys[size] = key;
        values[size] = value;
        size++;
        return null;
    }

    @Override
    public String remove(Object key) {
        if (key == null) {
            return null;
        }
        int i = indexOf(key);
        if (i < 0) {
            return null;
        }
        String old = values[i];
        removeAt(i);
        return old;
    }

    private void removeAt(int i) {
        int tail = size - i - 1;
        if (tail > 0) {
            System.arraycopy(keys, i + 1, keys, i, tail);
            System.arraycopy(values, i + 1, values, i, tail);
        }
        size--;
        keys[size] = null;
        values[size] = null;
    }

    @Override
    public void clear() {
        Arrays.fill(keys, 0, size, null);
        Arrays.fill(values, 0, size, null);
        size = 0;
    }

    @Override
    public Set<Map.Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public Iterator<Map.Entry<String, String>> iterator() {
                return new Iterator<>() {
                    private int next;
                    private int last = -1;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Map.Entry<String, String> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        last = next++;
                        int at = last;
                        return new AbstractMap.SimpleEntry<>(keys[at], values[at]) {
                            @Override
                            public String setValue(String value) {
                                values[at] = value;
                                return super.setValue(value);
                            }
                        };
                    }

                    @Override
                    public void remove() {
                        if (last < 0) {
                            throw new IllegalStateException();
                        }
                        removeAt(last);
                        next = last;
                        last = -1;
                    }
                };
            }
        };
    }
}
