package dev.warden.agent.evidence;

import dev.warden.rules.evidence.EvidenceJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC-SHA-256 key that turns tool and process arguments into keyed digests, so evidence
 * proves what was passed without storing it (DESIGN.md, "Evidence"). Kept in
 * {@code DIR/.warden-key} (created with mode 0600 on first use; 32 random bytes, hex) or given
 * by the operator; rotating it is replacing the file. The key id (first 8 hex digits of the
 * key's SHA-256) is part of every digest: {@code hmac-sha256:<keyid>:<hex>}.
 *
 * <p>Immutable and shared. {@link #digest} with {@link #newMac()} is the digest's definition
 * ({@code javax.crypto.Mac}); the agent computes the same values with one {@link KeyedDigest} per
 * thread ({@code ThreadState.digest}), which allocates nothing but the digest's string.
 */
public final class EvidenceKey {
    public static final String FILE = ".warden-key";

    private final byte[] key;
    private final String id;

    private EvidenceKey(byte[] key) {
        this.key = key;
        try {
            this.id = EvidenceJson.hex(MessageDigest.getInstance("SHA-256").digest(key)).substring(0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads {@code root/.warden-key}, creating it (0600) when absent. */
    public static EvidenceKey loadOrCreate(Path root) throws IOException {
        Path file = root.resolve(FILE);
        if (!Files.exists(file)) {
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            byte[] text = EvidenceJson.hex(fresh).getBytes(StandardCharsets.US_ASCII);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(file, text, StandardOpenOption.TRUNCATE_EXISTING);
            } catch (FileAlreadyExistsException raced) {
                // another JVM created it first: use theirs
            } catch (UnsupportedOperationException notPosix) {
                Files.write(file, text, StandardOpenOption.CREATE_NEW);
            }
        }
        String hex = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (hex.length() < 32 || !hex.matches("[0-9a-fA-F]+")) {
            throw new IOException(file + " is not a Warden evidence key (expected at least 32 hex digits)");
        }
        byte[] key = new byte[hex.length() / 2];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return new EvidenceKey(key);
    }

    public String id() {
        return id;
    }

    /** The key's bytes (not copied: {@link KeyedDigest} only reads them). */
    byte[] bytes() {
        return key;
    }

    public Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** {@code hmac-sha256:<keyid>:<hex>} of the strings, each followed by a NUL byte. */
    public String digest(Mac mac, String[] values, int count) {
        mac.reset();
        for (int i = 0; i < count; i++) {
            String v = values[i];
            if (v != null) {
                mac.update(v.getBytes(StandardCharsets.UTF_8));
            }
            mac.update((byte) 0);
        }
        return "hmac-sha256:" + id + ":" + EvidenceJson.hex(mac.doFinal());
    }
}
