package dev.warden.collector;

import dev.warden.rules.evidence.wire.Frames;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;

/**
 * A signed checkpoint of the store, in the spirit of a transparency-log checkpoint or a
 * CloudTrail digest file: its number, where it sits in the store, the store hash of everything
 * before it, the records so far, the head (position and chain hash) of every instance that
 * changed since the previous checkpoint (all instances in a <em>full</em> checkpoint, written
 * first in every store file so any retained file can anchor verification), the digest of the
 * previous checkpoint, and an Ed25519 signature over all of it.
 *
 * <pre>
 * i64 number  i64 storeSeq  i64 timeMicros  prevCheckpoint[32]  storeHashBefore[32]  i64 records
 * u8 full  i32 heads { str instance  i64 position  hash[32] }  str keyId  u16 sigLen  sig
 * </pre>
 *
 * <p>Immutable once built; safe to share.
 */
public final class Checkpoint {
    /** One instance's chain head. */
    public record Head(String instance, long position, byte[] hash) {
    }

    public final long number;
    public final long storeSeq;
    public final long timeMicros;
    public final byte[] prevCheckpoint;
    public final byte[] storeHashBefore;
    public final long records;
    public final boolean full;
    public final List<Head> heads;
    public final String keyId;
    public final byte[] signature;
    /** The signed bytes (everything before the signature). */
    public final byte[] signed;
    /** The whole encoded checkpoint. */
    public final byte[] encoded;

    private Checkpoint(long number, long storeSeq, long timeMicros, byte[] prevCheckpoint, byte[] storeHashBefore, long records,
                       boolean full, List<Head> heads, String keyId, byte[] signature, byte[] signed, byte[] encoded) {
        this.number = number;
        this.storeSeq = storeSeq;
        this.timeMicros = timeMicros;
        this.prevCheckpoint = prevCheckpoint;
        this.storeHashBefore = storeHashBefore;
        this.records = records;
        this.full = full;
        this.heads = heads;
        this.keyId = keyId;
        this.signature = signature;
        this.signed = signed;
        this.encoded = encoded;
    }

    static Checkpoint sign(long number, long storeSeq, long timeMicros, byte[] prevCheckpoint, byte[] storeHashBefore, long records,
                           boolean full, List<Head> heads, String keyId, PrivateKey key) {
        Frames.Out out = new Frames.Out(256 + heads.size() * 80);
        out.i64(number).i64(storeSeq).i64(timeMicros).fixed(prevCheckpoint, 32).fixed(storeHashBefore, 32).i64(records)
                .u8(full ? 1 : 0).i32(heads.size());
        for (Head h : heads) {
            out.str(h.instance).i64(h.position).fixed(h.hash, 32);
        }
        out.str(keyId);
        byte[] signed = java.util.Arrays.copyOf(out.buffer(), out.length());
        byte[] sig;
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(signed);
            sig = s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
        out.i16(sig.length).bytes(sig, 0, sig.length);
        return new Checkpoint(number, storeSeq, timeMicros, prevCheckpoint, storeHashBefore, records, full, heads, keyId, sig,
                signed, java.util.Arrays.copyOf(out.buffer(), out.length()));
    }

    /** Decodes a checkpoint; throws IllegalArgumentException when malformed. */
    public static Checkpoint decode(byte[] b, int off, int len) {
        Frames.In in = new Frames.In().wrap(b, off, len);
        long number = in.i64();
        long storeSeq = in.i64();
        long time = in.i64();
        byte[] prev = in.fixed(32);
        byte[] before = in.fixed(32);
        long records = in.i64();
        boolean full = in.u8() == 1;
        int n = in.i32();
        if (n < 0 || n > in.remaining() / 43) {
            throw new IllegalArgumentException("checkpoint head count " + n + " exceeds its size");
        }
        List<Head> heads = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            heads.add(new Head(in.str(), in.i64(), in.fixed(32)));
        }
        String keyId = in.str();
        int signedEnd = in.position();
        int sigLen = in.u16();
        byte[] sig = in.fixed(sigLen);
        if (in.remaining() != 0) {
            throw new IllegalArgumentException("trailing bytes after the checkpoint signature");
        }
        byte[] signed = java.util.Arrays.copyOfRange(b, off, signedEnd);
        return new Checkpoint(number, storeSeq, time, prev, before, records, full, List.copyOf(heads), keyId, sig, signed,
                java.util.Arrays.copyOfRange(b, off, off + len));
    }

    public boolean verify(PublicKey key) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(signed);
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
