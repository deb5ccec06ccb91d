package dev.warden.rules.control;

import dev.warden.rules.evidence.wire.Frames;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;

/**
 * A signed control-plane order from the collector to agent instances: a policy to enforce, a
 * kill order, or a resume. The collector numbers every order it issues from one monotonic
 * serial (so serials are monotonic per target too) and signs the type, serial, target, scope,
 * issuer, reason, time and content together with Ed25519; an agent verifies the signature
 * against the public key it was started with ({@code policy-key=FILE}) and refuses anything
 * unsigned, wrongly signed, or not newer than what it already holds (a replay).
 *
 * <p>Encoding (little-endian, strings as in {@link Frames}): the signed part is
 * {@code "WARDEN-ORDER\0" u8:1 type serial:i64 target tool issuer reason issuedAtMicros:i64
 * contentName content:i32+bytes}; the wire form appends {@code u16 sigLength, sig}. A rollback is
 * a {@link #POLICY} order carrying an earlier content under a new serial ({@link #rollbackOf}).
 *
 * <p>Immutable and thread-safe; never on a hot path.
 */
public final class Order {
    public static final byte POLICY = 1;
    public static final byte KILL = 2;
    public static final byte RESUME = 3;

    /** Target meaning every instance. */
    public static final String ALL = "*";
    /** Largest policy an order carries (it must fit one Aeron message on a 256 KiB term). */
    public static final int MAX_CONTENT = 28 * 1024;
    public static final int SIGNATURE = 64;

    private static final byte[] DOMAIN = "WARDEN-ORDER\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte LAYOUT = 1;

    public final byte type;
    public final long serial;
    /** An agent id, or {@link #ALL}. */
    public final String target;
    /** For KILL/RESUME: the tool the order is limited to, or null for every governed action. */
    public final String tool;
    public final String issuer;
    public final String reason;
    public final long issuedAtMicros;
    /** For POLICY: the file name the content came from (used in error messages); else null. */
    public final String contentName;
    /** For POLICY: the serial whose content this re-issues (a rollback), else 0. */
    public final long rollbackOf;
    private final byte[] content;
    private final byte[] signature;

    public Order(byte type, long serial, String target, String tool, String issuer, String reason,
                 long issuedAtMicros, String contentName, long rollbackOf, byte[] content, byte[] signature) {
        if (type != POLICY && type != KILL && type != RESUME) {
            throw new IllegalArgumentException("unknown order type " + type);
        }
        if (serial <= 0) {
            throw new IllegalArgumentException("an order's serial is positive");
        }
        if (target == null || target.isEmpty()) {
            throw new IllegalArgumentException("an order needs a target (an agent id or *)");
        }
        byte[] c = content == null ? new byte[0] : content;
        if (c.length > MAX_CONTENT) {
            throw new IllegalArgumentException("policy is " + c.length + " bytes; an order carries at most " + MAX_CONTENT);
        }
        if (type == POLICY && c.length == 0) {
            throw new IllegalArgumentException("a policy order carries the policy");
        }
        this.type = type;
        this.serial = serial;
        this.target = target;
        this.tool = tool;
        this.issuer = issuer;
        this.reason = reason;
        this.issuedAtMicros = issuedAtMicros;
        this.contentName = contentName;
        this.rollbackOf = rollbackOf;
        this.content = c;
        this.signature = signature == null ? null : signature.clone();
    }

    public byte[] content() {
        return content.clone();
    }

    /** The signature, or null for an unsigned order. */
    public byte[] signature() {
        return signature == null ? null : signature.clone();
    }

    public boolean targets(String agent) {
        return ALL.equals(target) || target.equals(agent);
    }

    public String typeName() {
        return type == POLICY ? (rollbackOf > 0 ? "rollback" : "policy") : type == KILL ? "kill" : "resume";
    }

    /** The bytes the signature covers. */
    public byte[] signedBytes() {
        Frames.Out o = new Frames.Out(128 + content.length);
        o.length(0);
        o.bytes(DOMAIN, 0, DOMAIN.length).u8(LAYOUT).u8(type).i64(serial)
                .str(target).str(tool).str(issuer).str(reason).i64(issuedAtMicros).str(contentName).i64(rollbackOf)
                .i32(content.length).bytes(content, 0, content.length);
        return Arrays.copyOf(o.buffer(), o.length());
    }

    /** This order signed with the collector's Ed25519 private key. */
    public Order sign(PrivateKey key) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(signedBytes());
            return new Order(type, serial, target, tool, issuer, reason, issuedAtMicros, contentName, rollbackOf, content, s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign an order with Ed25519: " + e.getMessage(), e);
        }
    }

    /** True when the order carries a valid Ed25519 signature by {@code key}. */
    public boolean verify(PublicKey key) {
        if (signature == null || signature.length != SIGNATURE) {
            return false;
        }
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(signedBytes());
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The wire form: the signed part, then the signature (length 0 when unsigned). */
    public byte[] encode() {
        byte[] body = signedBytes();
        int sl = signature == null ? 0 : signature.length;
        byte[] out = Arrays.copyOf(body, body.length + 2 + sl);
        out[body.length] = (byte) sl;
        out[body.length + 1] = (byte) (sl >>> 8);
        if (sl > 0) {
            System.arraycopy(signature, 0, out, body.length + 2, sl);
        }
        return out;
    }

    /** Decodes {@link #encode()}'s form; IllegalArgumentException naming what is malformed. */
    public static Order decode(byte[] b, int off, int len) {
        Frames.In in = new Frames.In().wrap(b, off, len);
        for (byte x : DOMAIN) {
            if ((byte) in.u8() != x) {
                throw new IllegalArgumentException("not a Warden order");
            }
        }
        if (in.u8() != LAYOUT) {
            throw new IllegalArgumentException("unknown order layout");
        }
        byte type = (byte) in.u8();
        long serial = in.i64();
        String target = in.str();
        String tool = in.str();
        String issuer = in.str();
        String reason = in.str();
        long at = in.i64();
        String name = in.str();
        long rollbackOf = in.i64();
        int n = in.i32();
        if (n < 0 || n > MAX_CONTENT) {
            throw new IllegalArgumentException("order content of " + n + " bytes");
        }
        byte[] content = in.fixed(n);
        int sl = in.u16();
        byte[] sig = sl == 0 ? null : in.fixed(sl);
        if (in.remaining() != 0) {
            throw new IllegalArgumentException("trailing bytes after an order");
        }
        return new Order(type, serial, target, tool, issuer, reason, at, name, rollbackOf, content, sig);
    }

    @Override
    public String toString() {
        return typeName() + " #" + serial + " -> " + target + (tool == null ? "" : " tool " + tool)
                + " by " + issuer + (reason == null ? "" : ": " + reason);
    }
}
