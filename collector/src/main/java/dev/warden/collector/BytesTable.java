package dev.warden.collector;

import java.util.Arrays;

/**
 * A small open-addressing map from byte strings (looked up in place, without copying) to values:
 * how a reader finds the chain of the instance named inside a record it has not decoded.
 *
 * <p>Not thread-safe; one owner thread.
 */
final class BytesTable<V> {
    private byte[][] keys = new byte[16][];
    private Object[] values = new Object[16];
    private int size;

    @SuppressWarnings("unchecked")
    V get(byte[] b, int off, int len) {
        int mask = keys.length - 1;
        for (int slot = hash(b, off, len) & mask; ; slot = (slot + 1) & mask) {
            byte[] k = keys[slot];
            if (k == null) {
                return null;
            }
            if (k.length == len && Arrays.equals(k, 0, len, b, off, off + len)) {
                return (V) values[slot];
            }
        }
    }

    /** Adds a key that is not present yet. */
    void put(byte[] key, V value) {
        if ((size + 1) * 2 > keys.length) {
            byte[][] oldKeys = keys;
            Object[] oldValues = values;
            keys = new byte[oldKeys.length * 2][];
            values = new Object[keys.length];
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != null) {
                    place(oldKeys[i], oldValues[i]);
                }
            }
        }
        place(key, value);
        size++;
    }

    private void place(byte[] key, Object value) {
        int mask = keys.length - 1;
        int slot = hash(key, 0, key.length) & mask;
        while (keys[slot] != null) {
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        values[slot] = value;
    }

    static int hash(byte[] b, int off, int len) {
        int h = 0x811C9DC5;
        for (int i = off; i < off + len; i++) {
            h = (h ^ (b[i] & 0xff)) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }
}
