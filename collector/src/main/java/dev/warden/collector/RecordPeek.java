package dev.warden.collector;

import java.nio.charset.StandardCharsets;

/**
 * Reads the few leading fields of an {@code EvidenceCodec} record without decoding all of it
 * (restart recovery and filters scan millions of records). The layout is fixed by the codec:
 * magic, format, type, then {@code instance} and {@code seq}.
 *
 * <p>Stateless; any thread.
 */
public final class RecordPeek {
    private RecordPeek() {
    }

    public static String instance(byte[] b, int off, int len) {
        int end = off + len;
        int p = off + 3;
        long z = 0;
        int shift = 0;
        while (true) {
            if (p >= end || shift > 63) {
                throw new IllegalArgumentException("truncated record");
            }
            int x = b[p++];
            z |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                break;
            }
            shift += 7;
        }
        long n = (z >>> 1) ^ -(z & 1);
        if (n <= 0) {
            return null;
        }
        int l = (int) (n - 1);
        if (l < 0 || p + l > end) {
            throw new IllegalArgumentException("truncated record");
        }
        return new String(b, p, l, StandardCharsets.UTF_8);
    }

    /** The {@code seq} field (it follows the instance). */
    public static long seq(byte[] b, int off, int len) {
        int end = off + len;
        int[] p = {off + 3};
        long n = varlong(b, p, end);
        if (n > 0) {
            p[0] += (int) (n - 1);
        }
        return varlong(b, p, end);
    }

    private static long varlong(byte[] b, int[] pos, int end) {
        long z = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos[0] >= end) {
                throw new IllegalArgumentException("truncated record");
            }
            int x = b[pos[0]++];
            z |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return (z >>> 1) ^ -(z & 1);
            }
        }
        throw new IllegalArgumentException("malformed varint");
    }

    /** The record type ordinal (decision, outcome, event). */
    public static int type(byte[] b, int off) {
        return b[off + 2];
    }
}
