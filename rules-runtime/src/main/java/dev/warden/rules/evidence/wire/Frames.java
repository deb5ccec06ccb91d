package dev.warden.rules.evidence.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The wire protocol between an agent's shipper and the collector, shared by both ends.
 *
 * <p>Every frame starts with the magic {@code 'W','F'}, a protocol version and a type byte, so
 * the message set can grow (approval decisions and policy pushes travel the same control
 * channel). Integers are little-endian, strings are an unsigned 16-bit length and UTF-8.
 *
 * <pre>
 * agent -> collector (data stream)
 *   HELLO            instance agent helloTime agentPub[32] controlEndpoint flags [mac]
 *   BATCH            instance helloTime counter firstPosition count flags prevHash[32]
 *                    { len hash[32] record } * count  mac
 *   APPROVAL_REQUEST instance helloTime counter approvalId agent session principal summary
 *                    actionDigest timeoutMillis mac
 *   HEARTBEAT        instance helloTime counter json:i32+UTF-8 mac
 *   ORDER_ACK        instance helloTime counter serial:i64 orderType:u8 status:u8 policyVersion detail mac
 * collector -> agent (control stream)
 *   WELCOME          instance helloTime collectorPub[32] durablePosition lastHash[32] mac
 *   ACK              instance helloTime durablePosition mac
 *   APPROVAL_RECEIVED instance approvalId mac
 *   APPROVAL_DECISION instance approvalId decision approver decidedAtMicros mac
 *   RESYNC           instance reason                       (no mac: it only asks for a HELLO)
 *   ORDER            instance order:i32+bytes   (no mac: the order's Ed25519 signature is its authority;
 *                                               see dev.warden.rules.control.Order)
 * </pre>
 *
 * <p>HEARTBEAT's JSON (one object, at most {@link #MAX_HEARTBEAT_JSON} bytes) describes the
 * instance: {@code agent, instance, host, pid, jdk, started (epoch ms), mode, hooks[],
 * libraries[{name, version}] (agent frameworks and HTTP/JDBC libraries loaded), policy{name,
 * version, serial (0 = local file), source "file"|"push"}, kill[{serial, tool|null, issuer,
 * reason}], backlog (records not yet acknowledged), capabilities[]}. {@code capabilities}
 * holds the entries that changed since the previous heartbeat (all of them after a new
 * WELCOME), each with cumulative counts so a resend is idempotent: {@code {kind:"tool", tool} |
 * {kind:"http", host, method} | {kind:"sql", database, table, operation} | {kind:"process",
 * command}} plus {@code first, last} (epoch ms) and {@code count}. ORDER_ACK's status is
 * {@link #ORDER_APPLIED} (now in force; an identical re-delivery is acknowledged again) or
 * {@link #ORDER_REFUSED} with the reason in {@code detail} (unsigned, bad signature, replayed
 * serial, invalid policy, wrong target).
 *
 * <p>The MAC is HMAC-SHA-256 under the per-instance link key ({@link LinkKeys}). For a batch
 * it covers the header and every record's chain hash rather than the record bytes: each hash
 * is SHA-256 over the previous hash and the canonical record, and the collector recomputes it
 * from the bytes it received, so authenticating the hashes authenticates the records.
 *
 * <p>{@link Out} and {@link In} are reusable cursors over byte arrays; neither is thread-safe.
 * Decoding checks every length against the frame and throws {@link IllegalArgumentException}
 * on anything malformed.
 */
public final class Frames {
    public static final int MAGIC = 0x4657; // 'W','F' little-endian
    public static final byte VERSION = 1;
    public static final int HEADER = 4;
    public static final int HASH = 32;
    public static final int MAC = 32;

    public static final int DATA_STREAM = 0x5744;    // agent -> collector
    public static final int CONTROL_STREAM = 0x5743; // collector -> agent

    // agent -> collector
    public static final byte HELLO = 1;
    public static final byte BATCH = 2;
    public static final byte APPROVAL_REQUEST = 3;
    public static final byte HEARTBEAT = 4;
    public static final byte ORDER_ACK = 5;
    // collector -> agent
    public static final byte WELCOME = 16;
    public static final byte ACK = 17;
    public static final byte APPROVAL_RECEIVED = 18;
    public static final byte APPROVAL_DECISION = 19;
    public static final byte RESYNC = 20;
    public static final byte ORDER = 21;

    public static final byte ORDER_APPLIED = 1;
    public static final byte ORDER_REFUSED = 2;
    public static final int MAX_HEARTBEAT_JSON = 48 * 1024;

    /** BATCH flag: the positions before this batch are gone on the agent's side (declared gap). */
    public static final int FLAG_GAP = 1;
    /** HELLO flag: the frame carries a MAC (the agent already knows the collector's key). */
    public static final int FLAG_MAC = 1;

    public static final byte APPROVED = 1;
    public static final byte DENIED = 2;
    public static final byte EXPIRED = 3;

    /** Per-record overhead in a batch: length and hash. */
    public static final int RECORD_OVERHEAD = 4 + HASH;

    private Frames() {
    }

    /** The type byte of a frame, or -1 when it does not start with our magic and version. */
    public static int type(byte[] b, int off, int len) {
        if (len < HEADER || (b[off] & 0xff | (b[off + 1] & 0xff) << 8) != MAGIC || b[off + 2] != VERSION) {
            return -1;
        }
        return b[off + 3];
    }

    public static boolean isZero(byte[] h) {
        for (byte x : h) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    /** A growable, reusable frame encoder. */
    public static final class Out {
        private byte[] buf;
        private int pos;

        public Out(int capacity) {
            buf = new byte[capacity];
        }

        public byte[] buffer() {
            return buf;
        }

        public int length() {
            return pos;
        }

        public void length(int n) {
            pos = n;
        }

        public Out start(byte type) {
            pos = 0;
            i16(MAGIC);
            u8(VERSION);
            u8(type);
            return this;
        }

        private void ensure(int n) {
            if (pos + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
            }
        }

        public Out u8(int v) {
            ensure(1);
            buf[pos++] = (byte) v;
            return this;
        }

        public Out i16(int v) {
            ensure(2);
            buf[pos++] = (byte) v;
            buf[pos++] = (byte) (v >>> 8);
            return this;
        }

        public Out i32(int v) {
            ensure(4);
            buf[pos++] = (byte) v;
            buf[pos++] = (byte) (v >>> 8);
            buf[pos++] = (byte) (v >>> 16);
            buf[pos++] = (byte) (v >>> 24);
            return this;
        }

        /** Writes an int at an earlier offset (patching a count). */
        public void i32At(int at, int v) {
            buf[at] = (byte) v;
            buf[at + 1] = (byte) (v >>> 8);
            buf[at + 2] = (byte) (v >>> 16);
            buf[at + 3] = (byte) (v >>> 24);
        }

        public Out i64(long v) {
            ensure(8);
            for (int i = 0; i < 8; i++) {
                buf[pos++] = (byte) (v >>> (8 * i));
            }
            return this;
        }

        public Out bytes(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, pos, len);
            pos += len;
            return this;
        }

        public Out fixed(byte[] b, int len) {
            if (b == null) {
                ensure(len);
                Arrays.fill(buf, pos, pos + len, (byte) 0);
                pos += len;
                return this;
            }
            return bytes(b, 0, len);
        }

        public Out str(String s) {
            if (s == null) {
                return i16(0xffff);
            }
            byte[] u = s.getBytes(StandardCharsets.UTF_8);
            if (u.length >= 0xffff) {
                throw new IllegalArgumentException("string too long for a frame: " + u.length + " bytes");
            }
            i16(u.length);
            return bytes(u, 0, u.length);
        }
    }

    /** A bounds-checked frame decoder. */
    public static final class In {
        private byte[] b;
        private int pos;
        private int end;

        public In wrap(byte[] bytes, int off, int len) {
            if (off < 0 || len < 0 || off + len > bytes.length) {
                throw new IllegalArgumentException("range outside the buffer");
            }
            b = bytes;
            pos = off;
            end = off + len;
            return this;
        }

        public int position() {
            return pos;
        }

        public int remaining() {
            return end - pos;
        }

        public byte[] array() {
            return b;
        }

        private void need(int n) {
            if (n < 0 || pos + n > end) {
                throw new IllegalArgumentException("truncated frame");
            }
        }

        public In skip(int n) {
            need(n);
            pos += n;
            return this;
        }

        public int u8() {
            need(1);
            return b[pos++] & 0xff;
        }

        public int u16() {
            need(2);
            int v = (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8;
            pos += 2;
            return v;
        }

        public int i32() {
            need(4);
            int v = (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8 | (b[pos + 2] & 0xff) << 16 | (b[pos + 3] & 0xff) << 24;
            pos += 4;
            return v;
        }

        public long i64() {
            need(8);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v |= (b[pos + i] & 0xffL) << (8 * i);
            }
            pos += 8;
            return v;
        }

        public byte[] fixed(int n) {
            need(n);
            byte[] r = Arrays.copyOfRange(b, pos, pos + n);
            pos += n;
            return r;
        }

        public String str() {
            int n = u16();
            if (n == 0xffff) {
                return null;
            }
            need(n);
            String s = new String(b, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        /** Requires that exactly {@code n} bytes remain (the MAC) and returns their offset. */
        public int trailer(int n) {
            if (end - pos != n) {
                throw new IllegalArgumentException((end - pos - n) + " unexpected bytes before the MAC");
            }
            return pos;
        }
    }
}
