package dev.warden.rules.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 keys for signing control-plane orders, stored as PEM: the collector keeps the private
 * key ({@code PRIVATE KEY}, PKCS#8, owner-only permissions) and publishes the public key
 * ({@code PUBLIC KEY}, X.509) that agents are started with ({@code policy-key=FILE}). Errors
 * are one line naming the file. Stateless; any thread.
 */
public final class OrderKeys {
    private OrderKeys() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519: " + e.getMessage(), e);
        }
    }

    /** Loads the pair from {@code privateFile} (and writes {@code publicFile}), creating both on first use. */
    public static KeyPair loadOrCreate(Path privateFile, Path publicFile) throws IOException {
        if (Files.exists(privateFile)) {
            PrivateKey priv = readPrivate(privateFile);
            PublicKey pub = Files.exists(publicFile) ? readPublic(publicFile) : null;
            if (pub == null) {
                throw new IOException(publicFile + ": missing (the public key of " + privateFile + ")");
            }
            return new KeyPair(pub, priv);
        }
        KeyPair kp = generate();
        Files.createDirectories(privateFile.toAbsolutePath().getParent());
        Path tmp = privateFile.resolveSibling(privateFile.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: the directory's permissions protect it
        }
        Files.writeString(tmp, pem("PRIVATE KEY", kp.getPrivate().getEncoded()), StandardOpenOption.TRUNCATE_EXISTING);
        writePublic(publicFile, kp.getPublic());
        Files.move(tmp, privateFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return kp;
    }

    public static void writePublic(Path file, PublicKey key) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Files.writeString(file, pem("PUBLIC KEY", key.getEncoded()));
    }

    public static PublicKey readPublic(Path file) throws IOException {
        byte[] der = der(file, "PUBLIC KEY");
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(file + ": not an Ed25519 public key");
        }
    }

    public static PrivateKey readPrivate(Path file) throws IOException {
        byte[] der = der(file, "PRIVATE KEY");
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(file + ": not an Ed25519 private key");
        }
    }

    /** A short, stable name for a public key: the first 16 hex digits of SHA-256 over its encoding. */
    public static String fingerprint(PublicKey key) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static byte[] der(Path file, String label) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such key file");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IOException(file + ": not a PEM file");
        }
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            throw new IOException(file + ": expected a PEM '" + begin + "' block");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
        } catch (IllegalArgumentException x) {
            throw new IOException(file + ": the PEM block is not valid base64");
        }
    }
}
