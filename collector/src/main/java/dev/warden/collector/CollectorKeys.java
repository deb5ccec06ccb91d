package dev.warden.collector;

import dev.warden.rules.evidence.wire.ChainHasher;
import dev.warden.rules.evidence.wire.LinkKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The collector's keys, generated on first start and kept in the store directory:
 * {@code signing.key} (Ed25519, mode 0600) signs checkpoints and its public half is exported to
 * {@code signing-public.pem} for {@code audit verify --public-key}; {@code ingest.key} (X25519)
 * is the collector's half of every agent link key ({@link LinkKeys}).
 *
 * <p>Immutable after loading; safe to share.
 */
public final class CollectorKeys {
    public static final String SIGNING = "signing.key";
    public static final String SIGNING_PUBLIC = "signing-public.pem";
    public static final String INGEST = "ingest.key";

    public final KeyPair signing;
    public final KeyPair ingest;
    public final byte[] ingestPub;
    public final String keyId;

    private CollectorKeys(KeyPair signing, KeyPair ingest) {
        this.signing = signing;
        this.ingest = ingest;
        this.ingestPub = LinkKeys.raw(ingest.getPublic());
        this.keyId = keyId(signing.getPublic());
    }

    public static CollectorKeys loadOrCreate(Path store) throws IOException {
        Path sk = store.resolve(SIGNING);
        KeyPair signing;
        try {
            KeyFactory kf = KeyFactory.getInstance("Ed25519");
            if (Files.exists(sk)) {
                var priv = kf.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(sk)));
                PublicKey pub = readPublicKey(store.resolve(SIGNING_PUBLIC));
                signing = new KeyPair(pub, priv);
            } else {
                signing = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                LinkKeys.writePrivate(sk, signing.getPrivate().getEncoded());
                Files.writeString(store.resolve(SIGNING_PUBLIC), pem(signing.getPublic()), StandardCharsets.US_ASCII);
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(sk + ": not a usable Ed25519 key (" + e.getMessage() + ")");
        }
        return new CollectorKeys(signing, LinkKeys.loadOrCreate(store.resolve(INGEST)));
    }

    public static String pem(PublicKey k) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(k.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    /** Reads an Ed25519 public key in PEM (or bare base64 X.509) form. */
    public static PublicKey readPublicKey(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII)
                .replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "").replaceAll("\\s", "");
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(text)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException(file + ": not an Ed25519 public key in PEM form");
        }
    }

    /** The first 16 hex digits of SHA-256 over the public key's encoding. */
    public static String keyId(PublicKey k) {
        try {
            return ChainHasher.hex(MessageDigest.getInstance("SHA-256").digest(k.getEncoded())).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
