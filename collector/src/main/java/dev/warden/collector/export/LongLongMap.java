package dev.warden.collector.export;

import java.util.Arrays;

/**
 * An open-addressing map from long to long without boxing (an instance's outcome index by
 * sequence number, for millions of records). Not thread-safe.
 */
final class LongLongMap {
    private static final long EMPTY = Long.MIN_VALUE;
    private long[] keys = new long[16];
    private long[] values = new long[16];
    private int size;

    LongLongMap() {
        Arrays.fill(keys, EMPTY);
    }

    void put(long k, long v) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int i = slot(k, keys);
        if (keys[i] == EMPTY) {
            size++;
        }
        keys[i] = k;
        values[i] = v;
    }

    long get(long k, long dflt) {
        int i = slot(k, keys);
        return keys[i] == EMPTY ? dflt : values[i];
    }

    private static int slot(long k, long[] ks) {
        int mask = ks.length - 1;
        int i = (int) (mix(k) & mask);
        while (ks[i] != EMPTY && ks[i] != k) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        return k;
    }

    private void grow() {
        long[] ok = keys;
        long[] ov = values;
        keys = new long[ok.length * 2];
        values = new long[ok.length * 2];
        Arrays.fill(keys, EMPTY);
        for (int j = 0; j < ok.length; j++) {
            if (ok[j] != EMPTY) {
                int i = slot(ok[j], keys);
                keys[i] = ok[j];
                values[i] = ov[j];
            }
        }
    }
}
