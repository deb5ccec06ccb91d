package dev.warden.rules.evidence.wire;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keys that authenticate the link between one agent instance and the collector.
 *
 * <p>Each agent instance owns an X25519 key pair, kept in its evidence directory (mode 0600)
 * so that a later JVM shipping the backlog of a dead instance speaks as that instance. The
 * collector owns a static X25519 key pair in its store. The link key is
 * {@code HMAC-SHA256(X25519(agent, collector), "warden-link-v1" | instance | agentPub | collectorPub)}:
 * both ends derive it without sending a secret. The collector binds an instance to its public
 * key on first contact (trust on first use) and refuses a different key for that instance
 * later; an operator who wants to pin the collector gives the agent its public key.
 *
 * <p>Static helpers; {@link Macer} instances are not thread-safe.
 */
public final class LinkKeys {
    private static final byte[] X25519_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00};

    private LinkKeys() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("X25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 is not available in this JDK", e);
        }
    }

    /** The 32 raw bytes of an X25519 public key. */
    public static byte[] raw(PublicKey k) {
        byte[] enc = k.getEncoded();
        return Arrays.copyOfRange(enc, enc.length - 32, enc.length);
    }

    public static PublicKey publicKey(byte[] raw32) {
        if (raw32.length != 32) {
            throw new IllegalArgumentException("an X25519 public key has 32 bytes");
        }
        byte[] enc = Arrays.copyOf(X25519_PREFIX, X25519_PREFIX.length + 32);
        System.arraycopy(raw32, 0, enc, X25519_PREFIX.length, 32);
        try {
            return KeyFactory.getInstance("X25519").generatePublic(new X509EncodedKeySpec(enc));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an X25519 public key", e);
        }
    }

    /** Loads the key pair kept in {@code file}, creating it (mode 0600) when absent. */
    public static KeyPair loadOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            byte[] pkcs8 = Files.readAllBytes(file);
            try {
                KeyFactory kf = KeyFactory.getInstance("X25519");
                PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                byte[] pubRaw = Files.readAllBytes(file.resolveSibling(file.getFileName() + ".pub"));
                return new KeyPair(publicKey(pubRaw), priv);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IOException(file + ": not a Warden link key (" + e.getMessage() + ")");
            }
        }
        KeyPair kp = generate();
        writePrivate(file, kp.getPrivate().getEncoded());
        Files.write(file.resolveSibling(file.getFileName() + ".pub"), raw(kp.getPublic()));
        return kp;
    }

    /** Writes a secret file with owner-only permissions, atomically. */
    public static void writePrivate(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        }
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The link key for one instance (see the class comment). */
    public static byte[] linkKey(PrivateKey mine, byte[] theirPub, String instance, byte[] agentPub, byte[] collectorPub) {
        try {
            KeyAgreement ka = KeyAgreement.getInstance("X25519");
            ka.init(mine);
            ka.doPhase(publicKey(theirPub), true);
            byte[] shared = ka.generateSecret();
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(shared, "HmacSHA256"));
            mac.update("warden-link-v1".getBytes(StandardCharsets.US_ASCII));
            mac.update(instance.getBytes(StandardCharsets.UTF_8));
            mac.update(agentPub);
            mac.update(collectorPub);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("key agreement failed: " + e.getMessage(), e);
        }
    }

    /** A reusable HMAC-SHA-256 under one link key. Not thread-safe. */
    public static final class Macer {
        private final Mac mac;
        private final byte[] out = new byte[32];

        public Macer(byte[] key) {
            try {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        public Macer update(byte[] b, int off, int len) {
            mac.update(b, off, len);
            return this;
        }

        /** Finishes and writes the MAC to {@code dst[at..at+32)}. */
        public void finishTo(byte[] dst, int at) {
            try {
                mac.doFinal(dst, at);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Finishes and compares in constant time with {@code b[at..at+32)}. */
        public boolean finishAndCheck(byte[] b, int at) {
            try {
                mac.doFinal(out, 0);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            return MessageDigest.isEqual(out, Arrays.copyOfRange(b, at, at + 32));
        }

        /** MAC over {@code b[off..off+len)} written right after it (the frame's trailer). */
        public void sign(Frames.Out frame) {
            mac.update(frame.buffer(), 0, frame.length());
            frame.fixed(null, Frames.MAC);
            finishTo(frame.buffer(), frame.length() - Frames.MAC);
        }

        /** Checks a frame whose last 32 bytes are the MAC over everything before them. */
        public boolean verify(byte[] b, int off, int len) {
            if (len < Frames.MAC) {
                return false;
            }
            mac.update(b, off, len - Frames.MAC);
            return finishAndCheck(b, off + len - Frames.MAC);
        }
    }
}
