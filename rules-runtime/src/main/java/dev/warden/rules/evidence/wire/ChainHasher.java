package dev.warden.rules.evidence.wire;

import dev.warden.rules.evidence.CanonicalHasher;
import dev.warden.rules.evidence.EvidenceJson;
import dev.warden.rules.evidence.EvidenceRecord;

/**
 * The per-instance hash chain as the shipper, the collector and {@code audit verify} use it:
 * byte for byte {@link EvidenceJson#chainHash} (SHA-256 over the previous hash in lower-case
 * hex, a newline and the canonical JSON of the record), on raw 32-byte hashes so frames and the
 * store stay compact; {@code null} stands for "no previous record". Hashing works on the
 * record's {@code EvidenceCodec} bytes through {@link CanonicalHasher}, so nobody decodes a
 * record just to hash it. Also the hex helpers the wire and the store's files use.
 *
 * <p>Reusable and not thread-safe: one per thread. Allocation-free on the byte paths.
 */
public final class ChainHasher {
    private final CanonicalHasher canonical = new CanonicalHasher();

    /**
     * Writes the chain hash of the encoded record {@code rec[off, off+len)} after {@code prev}
     * into {@code out[at..at+32)}; throws IllegalArgumentException when the bytes are not a record.
     */
    public void hash(byte[] prev, byte[] rec, int off, int len, byte[] out, int at) {
        canonical.chainHash(prev, rec, off, len, out, at);
    }

    /** Writes {@code chainHash(prev, r)} as 32 raw bytes into {@code out[at..]}. */
    public void hash(byte[] prev, EvidenceRecord r, byte[] out, int at) {
        canonical.chainHash(prev, r, out, at);
    }

    public byte[] hash(byte[] prev, EvidenceRecord r) {
        return canonical.chainHash(prev, r);
    }

    /** The fields of the record last hashed from bytes, read in place (kind, decision, time, ...). */
    public CanonicalHasher view() {
        return canonical;
    }

    /** SHA-256 of arbitrary bytes (digests of truncated records). */
    public byte[] sha256(byte[] b, int off, int len) {
        return canonical.sha256(b, off, len);
    }

    public static String hex(byte[] h) {
        return h == null ? null : EvidenceJson.hex(h);
    }

    public static byte[] unhex(String s) {
        if (s == null) {
            return null;
        }
        if (s.length() != 64) {
            throw new IllegalArgumentException("not a SHA-256 hex string: " + s);
        }
        byte[] out = new byte[32];
        for (int i = 0; i < 32; i++) {
            int hi = Character.digit(s.charAt(2 * i), 16);
            int lo = Character.digit(s.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("not a SHA-256 hex string: " + s);
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }
}
