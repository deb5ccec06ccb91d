package dev.warden.agent.evidence;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * One thread's HMAC-SHA-256 with the {@link EvidenceKey}, for every keyed digest the agent
 * records (tool and process arguments, a modified request before and after): the same value as
 * {@link EvidenceKey#digest} ({@code hmac-sha256:<keyid>:<hex>} of the strings, each followed by
 * a NUL byte; approvals are bound to it), computed without the garbage around it. HMAC (RFC 2104) is computed here over one reused SHA-256 {@link MessageDigest} (the JDK's
 * intrinsic does the hashing) with the padded key blocks prepared once, because
 * {@code javax.crypto.Mac} allocates its result on every {@code doFinal}.
 *
 * <p>Hot path, allocation-free except for the digest's own {@code String} (85 Latin-1 characters:
 * the evidence record's field is a {@code String}): an ASCII string (the usual JSON) is copied
 * into a reusable byte buffer in one pass; any other goes through {@code String.getBytes(UTF_8)},
 * which allocates, so the bytes are exactly the JDK's; the hex is written behind a prefix encoded
 * once. Runs on the calling thread: clear arguments never leave it.
 *
 * <p>Confined to one thread (kept in that thread's state); one instance per thread and key.
 */
public final class KeyedDigest {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final int BLOCK = 64;
    /** A buffer grown for an argument string longer than this is not kept. */
    private static final int KEEP = 64 * 1024;

    private final EvidenceKey key;
    private final MessageDigest sha256;
    /** The key padded to one block, XORed with 0x36 (inner) and 0x5c (outer). */
    private final byte[] innerPad = new byte[BLOCK];
    private final byte[] outerPad = new byte[BLOCK];
    private final byte[] inner = new byte[32];
    private final byte[] out = new byte[32];
    /** {@code hmac-sha256:<keyid>:} then 64 hex digits. */
    private final byte[] text;
    private final int prefix;
    private byte[] utf8 = new byte[512];

    public KeyedDigest(EvidenceKey key) {
        this.key = key;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
        byte[] k = key.bytes();
        if (k.length > BLOCK) {
            k = sha256.digest(k); // RFC 2104: a key longer than the block is hashed first
        }
        for (int i = 0; i < BLOCK; i++) {
            byte b = i < k.length ? k[i] : 0;
            innerPad[i] = (byte) (b ^ 0x36);
            outerPad[i] = (byte) (b ^ 0x5c);
        }
        byte[] p = ("hmac-sha256:" + key.id() + ":").getBytes(StandardCharsets.US_ASCII);
        this.prefix = p.length;
        this.text = new byte[p.length + 64];
        System.arraycopy(p, 0, text, 0, p.length);
    }

    /** The key this digests with. */
    public EvidenceKey key() {
        return key;
    }

    /** {@code key.digest(mac, new String[] {value}, 1)}: the keyed digest of {@code value} (null: of nothing) and a NUL byte. */
    public String digest(String value) {
        try {
            sha256.update(innerPad, 0, BLOCK); // reset: each finish() leaves it so
            add(value);
            return finish();
        } catch (RuntimeException | Error e) {
            sha256.reset(); // the next digest starts clean
            throw e;
        }
    }

    /** {@code key.digest(mac, values, count)}: the keyed digest of the first {@code count} values, each followed by a NUL byte. */
    public String digest(String[] values, int count) {
        try {
            sha256.update(innerPad, 0, BLOCK);
            for (int i = 0; i < count; i++) {
                add(values[i]);
            }
            return finish();
        } catch (RuntimeException | Error e) {
            sha256.reset();
            throw e;
        }
    }

    /** Hashes {@code value} (null: nothing) and its NUL byte into the inner hash. */
    private void add(String value) {
        int n = 0;
        if (value != null) {
            n = encode(value);
            if (n < 0) {
                sha256.update(value.getBytes(StandardCharsets.UTF_8)); // not ASCII: the JDK's own encoding, byte for byte
                n = 0;
            }
        }
        utf8[n] = 0;
        sha256.update(utf8, 0, n + 1);
    }

    /** Completes the HMAC (outer hash over the inner one) and writes it as text. */
    private String finish() {
        MessageDigest md = sha256;
        try {
            md.digest(inner, 0, 32);
            md.update(outerPad, 0, BLOCK);
            md.update(inner, 0, 32);
            md.digest(out, 0, 32);
        } catch (DigestException e) {
            throw new IllegalStateException(e); // 32 bytes always fit
        }
        byte[] t = text;
        for (int i = 0, j = prefix; i < 32; i++, j += 2) {
            int b = out[i];
            t[j] = HEX[(b >> 4) & 0xf];
            t[j + 1] = HEX[b & 0xf];
        }
        return new String(t, 0, t.length, StandardCharsets.ISO_8859_1);
    }

    /**
     * Copies an ASCII {@code value} into {@link #utf8} (room left for the NUL) and returns its
     * length; -1 when it is not ASCII (nothing hashed yet). A string too long to keep a buffer for
     * is hashed from a one-off buffer here and 0 returned.
     */
    private int encode(String value) {
        int n = value.length();
        byte[] b = utf8;
        if (b.length < n + 1) {
            b = new byte[Math.max(n + 1, b.length * 2)];
            if (b.length <= KEEP) {
                utf8 = b;
            }
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c >= 0x80) {
                return -1;
            }
            b[i] = (byte) c;
        }
        if (b != utf8) {
            sha256.update(b, 0, n);
            return 0;
        }
        return n;
    }
}
