package dev.warden.collector;

import dev.warden.rules.evidence.wire.Frames;
import java.security.DigestException;
import java.security.MessageDigest;

/**
 * One excerpt of the collector's store, decoded in place (no copy of the record bytes).
 *
 * <pre>
 * u8 kind ('R' record | 'C' checkpoint)   i64 storeSeq   storeHash[32]
 * R: i64 position  u8 flags  chainHash[32]  [prevHash[32] if flags != 0]  record (EvidenceCodec, no hashes)
 * C: checkpoint body and signature ({@link Checkpoint})
 * </pre>
 *
 * <p>Two chains run through the store. Each agent instance's records form the hash chain the
 * shipper computed ({@code chainHash = SHA-256(prev hex, '\n', canonical JSON)}); and every
 * excerpt links to the one before it: {@code storeHash = SHA-256(previous storeHash, kind,
 * storeSeq, digest)} where the digest of a record is {@code position, flags, chainHash} and the
 * digest of a checkpoint is the SHA-256 of its bytes. The first chain proves each record's
 * content and order within its instance; the second proves the order of the whole store, so a
 * record moved between instances' records or inserted anywhere breaks at exactly that excerpt.
 * Signed checkpoints pin the store hash so neither chain can be recomputed by a forger.
 *
 * <p>A mutable view, reused by one reader thread.
 */
public final class StoreEntry {
    public static final byte RECORD = 'R';
    public static final byte CHECKPOINT = 'C';
    /** The records before this one are missing on the agent's side (declared at ingest). */
    public static final int FLAG_GAP = 1;
    /** The shipped previous hash did not match the collector's (recorded at ingest). */
    public static final int FLAG_BROKEN_LINK = 2;
    static final int HEAD = 1 + 8 + 32;
    private static final byte[] ZERO = new byte[32];

    public byte kind;
    public long storeSeq;
    public final byte[] storeHash = new byte[32];
    public long position;
    public int flags;
    public final byte[] chainHash = new byte[32];
    public final byte[] prevHash = new byte[32];
    public byte[] bytes;
    public int payloadOff;
    public int payloadLen;
    /** Chronicle index of the excerpt. */
    public long index;

    /** Parses the excerpt header; throws IllegalArgumentException when malformed. */
    public StoreEntry parse(byte[] b, int off, int len, long index) {
        if (len < HEAD) {
            throw new IllegalArgumentException("excerpt too short (" + len + " bytes)");
        }
        this.bytes = b;
        this.index = index;
        kind = b[off];
        storeSeq = getLong(b, off + 1);
        System.arraycopy(b, off + 9, storeHash, 0, 32);
        int p = off + HEAD;
        int end = off + len;
        if (kind == RECORD) {
            if (end - p < 8 + 1 + 32) {
                throw new IllegalArgumentException("record excerpt too short");
            }
            position = getLong(b, p);
            flags = b[p + 8] & 0xff;
            System.arraycopy(b, p + 9, chainHash, 0, 32);
            p += 41;
            if (flags != 0) {
                if (end - p < 32) {
                    throw new IllegalArgumentException("record excerpt too short");
                }
                System.arraycopy(b, p, prevHash, 0, 32);
                p += 32;
            }
        } else if (kind != CHECKPOINT) {
            throw new IllegalArgumentException("unknown excerpt kind " + kind);
        }
        payloadOff = p;
        payloadLen = end - p;
        return this;
    }

    /** Encodes a record excerpt's head into {@code out} (the caller appends the record bytes). */
    static void writeRecordHead(Frames.Out out, long storeSeq, byte[] storeHash, long position, int flags, byte[] chainHash, byte[] prevHash) {
        writeRecordHead(out, storeSeq, storeHash, position, flags, chainHash, 0, prevHash);
    }

    static void writeRecordHead(Frames.Out out, long storeSeq, byte[] storeHash, long position, int flags, byte[] hashBuf, int hashAt,
                                byte[] prevHash) {
        out.length(0);
        out.u8(RECORD).i64(storeSeq).fixed(storeHash, 32).i64(position).u8(flags).bytes(hashBuf, hashAt, 32);
        if (flags != 0) {
            out.fixed(prevHash, 32);
        }
    }

    /** The store link: SHA-256(prev, kind, storeSeq, digest material). */
    static void link(MessageDigest md, byte[] prev, byte kind, long storeSeq, byte[] material, int off, int len, byte[] out) {
        md.reset();
        if (prev != null) {
            md.update(prev, 0, 32);
        } else {
            md.update(ZERO, 0, 32);
        }
        md.update(kind);
        for (int i = 0; i < 8; i++) {
            md.update((byte) (storeSeq >>> (8 * i)));
        }
        md.update(material, off, len);
        try {
            md.digest(out, 0, 32);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The digest material of a record excerpt: position, flags, chain hash. */
    static int recordMaterial(byte[] dst, long position, int flags, byte[] chainHash) {
        return recordMaterial(dst, position, flags, chainHash, 0);
    }

    static int recordMaterial(byte[] dst, long position, int flags, byte[] hashBuf, int hashAt) {
        for (int i = 0; i < 8; i++) {
            dst[i] = (byte) (position >>> (8 * i));
        }
        dst[8] = (byte) flags;
        System.arraycopy(hashBuf, hashAt, dst, 9, 32);
        return 41;
    }

    static long getLong(byte[] b, int p) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (b[p + i] & 0xffL) << (8 * i);
        }
        return v;
    }
}
