package dev.warden.collector;

import dev.warden.rules.evidence.CanonicalHasher;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts stored decisions by kind, decision and rules for {@code /metrics}, reading those fields
 * in place from the record the ingest thread just hashed: the key's bytes are gathered into a
 * scratch buffer and looked up in an open-addressing table, so counting a decision allocates
 * nothing once its combination has been seen. A combination seen for the first time is decoded
 * and registered with {@link Metrics}. At most {@link #MAX_KEYS} combinations are tracked; the
 * rest are counted under {@code rule="(other)"} so a hostile agent cannot grow the table.
 *
 * <p>Confined to the ingest thread (the counters it bumps are read by HTTP threads).
 */
final class DecisionTally {
    static final int MAX_KEYS = 4096;
    private static final byte SEP = (byte) 0xFF; // never part of UTF-8 text
    private static final byte RULE_SEP = (byte) 0xFE;

    private final Metrics metrics;
    private byte[][] keys = new byte[64][];
    private LongAdder[] counters = new LongAdder[64];
    private int size;
    private byte[] scratch = new byte[256];
    private LongAdder other;

    DecisionTally(Metrics metrics) {
        this.metrics = metrics;
    }

    /** Counts the decision record {@code v} describes. */
    void count(CanonicalHasher v) {
        int n = gather(v);
        int h = hash(scratch, n);
        int mask = keys.length - 1;
        for (int slot = h & mask; ; slot = (slot + 1) & mask) {
            byte[] k = keys[slot];
            if (k == null) {
                break;
            }
            if (k.length == n && Arrays.equals(k, 0, n, scratch, 0, n)) {
                counters[slot].increment();
                return;
            }
        }
        if (size >= MAX_KEYS) {
            if (other == null) {
                other = metrics.decisionCounter("(various)", "(various)", "(other)");
            }
            other.increment();
            return;
        }
        LongAdder c = metrics.decisionCounter(string(v, CanonicalHasher.KIND), string(v, CanonicalHasher.DECISION), rules(v));
        insert(Arrays.copyOf(scratch, n), c);
        c.increment();
    }

    private void insert(byte[] key, LongAdder c) {
        if ((size + 1) * 2 > keys.length) {
            byte[][] oldKeys = keys;
            LongAdder[] oldCounters = counters;
            keys = new byte[oldKeys.length * 2][];
            counters = new LongAdder[keys.length];
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != null) {
                    place(oldKeys[i], oldCounters[i]);
                }
            }
        }
        place(key, c);
        size++;
    }

    private void place(byte[] key, LongAdder c) {
        int mask = keys.length - 1;
        int slot = hash(key, key.length) & mask;
        while (keys[slot] != null) {
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        counters[slot] = c;
    }

    /** Writes kind, decision and rules with separators into {@link #scratch}; returns the length. */
    private int gather(CanonicalHasher v) {
        int n = 0;
        n = put(v.source(), v.stringOffset(CanonicalHasher.KIND), v.stringLength(CanonicalHasher.KIND), n);
        n = put(null, 0, -1, n);
        n = put(v.source(), v.stringOffset(CanonicalHasher.DECISION), v.stringLength(CanonicalHasher.DECISION), n);
        for (int i = 0; i < v.ruleCount(); i++) {
            ensure(n + 1);
            scratch[n++] = RULE_SEP;
            n = put(v.source(), v.ruleOffset(i), v.ruleLength(i), n);
        }
        return n;
    }

    private int put(byte[] src, int off, int len, int n) {
        if (len < 0) {
            ensure(n + 1);
            scratch[n++] = SEP;
            return n;
        }
        ensure(n + len);
        System.arraycopy(src, off, scratch, n, len);
        return n + len;
    }

    private void ensure(int n) {
        if (n > scratch.length) {
            scratch = Arrays.copyOf(scratch, Math.max(n, scratch.length * 2));
        }
    }

    private static int hash(byte[] b, int n) {
        int h = 0x811C9DC5;
        for (int i = 0; i < n; i++) {
            h = (h ^ (b[i] & 0xff)) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }

    private static String string(CanonicalHasher v, int field) {
        int len = v.stringLength(field);
        return len < 0 ? null : new String(v.source(), v.stringOffset(field), len, StandardCharsets.UTF_8);
    }

    private static String rules(CanonicalHasher v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.ruleCount(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            int len = v.ruleLength(i);
            if (len > 0) {
                sb.append(new String(v.source(), v.ruleOffset(i), len, StandardCharsets.UTF_8));
            }
        }
        return sb.toString();
    }
}
