package dev.warden.agent.ship;

import dev.warden.rules.evidence.EvidenceJson;
import dev.warden.rules.evidence.EvidenceRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The per-instance hash chain, byte for byte {@link EvidenceJson#chainHash}: SHA-256 over the
 * previous hash in lower-case hex, a newline and the canonical JSON of the record. Used by the
 * shipper (off the application's hot path), by the collector on arrival and by
 * {@code audit verify}. Works on raw 32-byte hashes so frames and the store stay compact;
 * {@code null} stands for "no previous record".
 *
 * <p>Reusable and not thread-safe: one per thread.
 */
public final class ChainHasher {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private final MessageDigest md;
    private final byte[] hex = new byte[64];

    public ChainHasher() {
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code chainHash(prev, r)} as 32 raw bytes into {@code out[at..]}. */
    public void hash(byte[] prev, EvidenceRecord r, byte[] out, int at) {
        if (prev != null) {
            for (int i = 0; i < 32; i++) {
                hex[2 * i] = HEX[(prev[i] >> 4) & 0xf];
                hex[2 * i + 1] = HEX[prev[i] & 0xf];
            }
            md.update(hex, 0, 64);
        }
        md.update((byte) '\n');
        md.update(EvidenceJson.canonical(r).getBytes(StandardCharsets.UTF_8));
        try {
            md.digest(out, at, 32);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    public byte[] hash(byte[] prev, EvidenceRecord r) {
        byte[] out = new byte[32];
        hash(prev, r, out, 0);
        return out;
    }

    /** SHA-256 of arbitrary bytes (store links, digests of truncated records). */
    public byte[] sha256(byte[] b, int off, int len) {
        md.update(b, off, len);
        return md.digest();
    }

    public MessageDigest digest() {
        md.reset();
        return md;
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
