package dev.warden.rules.evidence;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The compact binary form of an {@link EvidenceRecord}, shared by the agent's local queue, the
 * shipper's frames and the collector's store.
 *
 * <p>Layout: magic {@code 0x57} ('W'), format version, record type, then every field in a fixed
 * order: numbers as zig-zag varints, strings as (length + 1) varint then UTF-8 (0 means absent),
 * lists and maps as a count then their items. Decoding checks every length against the
 * remaining input and fails with {@link IllegalArgumentException} on anything malformed, so
 * hostile bytes cannot make it allocate more than the input's size.
 *
 * <p>{@link Writer} is reusable: it grows its buffer once and then encodes without allocating.
 * Neither class is thread-safe.
 */
public final class EvidenceCodec {
    public static final byte MAGIC = 0x57;
    public static final byte FORMAT = 1;

    private EvidenceCodec() {
    }

    /** A growable byte buffer that encodes records without allocating once it is large enough. */
    public static final class Writer {
        private byte[] buf;
        private int pos;

        // Per-field memo of long strings, used while encode() runs: the string last written at the
        // same position of a record of the same type, and its encoded bytes once it has been seen
        // twice there. A thread's records repeat most long strings by identity (instance id,
        // session, policy version, a reused target), so their bytes are copied instead of
        // re-encoded char by char. A string seen once is never copied (no allocation for unique
        // text); a position that keeps changing just misses.
        private static final int MEMO_MIN = 12;
        private static final int MEMO_SLOTS = 64;
        private String[] memoOf;
        private byte[][] memo;
        private int memoBase = -1;
        private int memoPos;
        /** Records encoded so far; the memo is made on the second (a one-shot writer never pays for it). */
        private int encoded;

        private void startRecord(int type) {
            memoPos = 0;
            if (memo == null) {
                if (++encoded < 2) {
                    return;
                }
                memoOf = new String[EvidenceRecord.Type.values().length * MEMO_SLOTS];
                memo = new byte[memoOf.length][];
            }
            memoBase = type * MEMO_SLOTS;
        }

        public Writer() {
            this(512);
        }

        public Writer(int capacity) {
            buf = new byte[capacity];
        }

        public byte[] buffer() {
            return buf;
        }

        public int length() {
            return pos;
        }

        public byte[] toByteArray() {
            return Arrays.copyOf(buf, pos);
        }

        public Writer reset() {
            pos = 0;
            return this;
        }

        private void ensure(int extra) {
            if (pos + extra > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + extra));
            }
        }

        public void writeByte(int b) {
            ensure(1);
            buf[pos++] = (byte) b;
        }

        public void writeVarLong(long v) {
            long z = (v << 1) ^ (v >> 63);
            if ((z & ~0x7FL) == 0 && pos < buf.length) {
                buf[pos++] = (byte) z; // one byte: lengths of short strings, small counts, absent numbers
                return;
            }
            ensure(10);
            while ((z & ~0x7FL) != 0) {
                buf[pos++] = (byte) ((z & 0x7F) | 0x80);
                z >>>= 7;
            }
            buf[pos++] = (byte) z;
        }

        /**
         * Writes a string as (UTF-8 length + 1) then its bytes; null as 0. Fast path, one pass:
         * the string is assumed ASCII (the common case: names, hosts, URLs, ids), its length
         * written and its chars copied; the first non-ASCII char rewinds and takes the general
         * path. The bytes are the same either way.
         */
        public void writeString(String s) {
            if (s == null) {
                writeByte(0);
                memoPos++;
                return;
            }
            int n = s.length();
            if (memoBase >= 0 && n >= MEMO_MIN && memoPos < MEMO_SLOTS) {
                writeMemo(s, memoBase + memoPos++);
                return;
            }
            memoPos++;
            writeFresh(s);
        }

        private void writeMemo(String s, int slot) {
            if (memoOf[slot] == s) {
                byte[] m = memo[slot];
                if (m != null) {
                    ensure(m.length);
                    System.arraycopy(m, 0, buf, pos, m.length);
                    pos += m.length;
                    return;
                }
                int start = pos;
                writeFresh(s);
                memo[slot] = Arrays.copyOfRange(buf, start, pos); // seen twice here: worth keeping
                return;
            }
            memoOf[slot] = s;
            memo[slot] = null;
            writeFresh(s);
        }

        private void writeFresh(String s) {
            int n = s.length();
            int start = pos;
            writeVarLong(n + 1L);
            ensure(n);
            byte[] b = buf;
            int p = pos;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    pos = start;
                    writeString((CharSequence) s);
                    return;
                }
                b[p + i] = (byte) c;
            }
            pos = p + n;
        }

        /** Writes any char sequence as (UTF-8 length + 1) then its bytes; null as 0. */
        public void writeString(CharSequence s) {
            if (s == null) {
                writeVarLong(0);
                return;
            }
            int n = s.length();
            int utf8 = 0;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    utf8++;
                } else if (c < 0x800) {
                    utf8 += 2;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    utf8 += 4;
                    i++;
                } else {
                    utf8 += 3;
                }
            }
            writeVarLong(utf8 + 1L);
            ensure(utf8);
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    buf[pos++] = (byte) c;
                } else if (c < 0x800) {
                    buf[pos++] = (byte) (0xC0 | (c >> 6));
                    buf[pos++] = (byte) (0x80 | (c & 0x3F));
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    buf[pos++] = (byte) (0xF0 | (cp >> 18));
                    buf[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    buf[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    buf[pos++] = (byte) (0x80 | (cp & 0x3F));
                } else {
                    // lone surrogates are written as U+FFFD, like String.getBytes
                    char w = Character.isSurrogate(c) ? '\uFFFD' : c;
                    buf[pos++] = (byte) (0xE0 | (w >> 12));
                    buf[pos++] = (byte) (0x80 | ((w >> 6) & 0x3F));
                    buf[pos++] = (byte) (0x80 | (w & 0x3F));
                }
            }
        }
    }

    /** Encodes a record into the writer (appending). */
    public static void encode(EvidenceRecord r, Writer w) {
        w.startRecord(r.type.ordinal());
        try {
            encodeFields(r, w);
        } finally {
            w.memoBase = -1;
        }
    }

    private static void encodeFields(EvidenceRecord r, Writer w) {
        w.writeByte(MAGIC);
        w.writeByte(FORMAT);
        w.writeByte(r.type.ordinal());
        w.writeString(r.instance);
        w.writeVarLong(r.seq);
        w.writeVarLong(r.timeMicros);
        w.writeString(r.agent);
        w.writeString(r.session);
        w.writeString(r.sessionSource);
        w.writeString(r.parent);
        w.writeString(r.principal);
        w.writeString(r.kind);
        w.writeString(r.target);
        w.writeVarLong(r.attributes.size());
        Attributes attributes = r.attributes;
        for (int i = 0, n = attributes.size(); i < n; i++) {
            w.writeString(attributes.keyAt(i));
            w.writeString(attributes.valueAt(i));
        }
        w.writeString(r.argsDigest);
        w.writeString(r.decision);
        w.writeString(r.wouldDecide);
        w.writeVarLong(r.rules.size());
        for (int i = 0; i < r.rules.size(); i++) {
            w.writeString(r.rules.get(i));
        }
        w.writeString(r.reason);
        w.writeString(r.mode);
        w.writeString(r.policyName);
        w.writeString(r.policyVersion);
        w.writeVarLong(r.policySerial);
        w.writeVarLong(r.controls.size());
        for (int i = 0; i < r.controls.size(); i++) {
            w.writeString(r.controls.get(i));
        }
        w.writeString(r.approvalId);
        w.writeString(r.approver);
        w.writeString(r.approvalDecision);
        w.writeVarLong(r.approvalWaitedMs);
        w.writeString(r.outcomeStatus);
        w.writeVarLong(r.outcomeDurationUs);
        w.writeString(r.outcomeDetail);
        w.writeString(r.event);
        w.writeVarLong(r.modified.size());
        for (int i = 0; i < r.modified.size(); i++) {
            w.writeString(r.modified.get(i));
        }
        w.writeString(r.digestBefore);
        w.writeString(r.digestAfter);
        w.writeString(r.prevHash);
        w.writeString(r.hash);
    }

    public static byte[] encode(EvidenceRecord r) {
        Writer w = new Writer();
        encode(r, w);
        return w.toByteArray();
    }

    /** Decodes one record from {@code bytes[off, off+len)} into {@code r} (cleared first). */
    public static EvidenceRecord decode(byte[] bytes, int off, int len, EvidenceRecord r) {
        Reader in = new Reader(bytes, off, len);
        r.clear();
        if (in.readByte() != MAGIC) {
            throw new IllegalArgumentException("not an evidence record (bad magic)");
        }
        int format = in.readByte();
        if (format != FORMAT) {
            throw new IllegalArgumentException("unsupported evidence format " + format);
        }
        int type = in.readByte();
        if (type < 0 || type >= EvidenceRecord.Type.values().length) {
            throw new IllegalArgumentException("unknown record type " + type);
        }
        r.type = EvidenceRecord.Type.values()[type];
        r.instance = in.readString();
        r.seq = in.readVarLong();
        r.timeMicros = in.readVarLong();
        r.agent = in.readString();
        r.session = in.readString();
        r.sessionSource = in.readString();
        r.parent = in.readString();
        r.principal = in.readString();
        r.kind = in.readString();
        r.target = in.readString();
        int attrs = in.readCount();
        for (int i = 0; i < attrs; i++) {
            String name = in.readString();
            if (name == null) {
                // damaged or hostile bytes: a map written by encode never has a null key
                throw new IllegalArgumentException("attribute " + i + " has no name");
            }
            r.attributes.put(name, in.readString());
        }
        r.argsDigest = in.readString();
        r.decision = in.readString();
        r.wouldDecide = in.readString();
        int rules = in.readCount();
        for (int i = 0; i < rules; i++) {
            r.rules.add(in.readString());
        }
        r.reason = in.readString();
        r.mode = in.readString();
        r.policyName = in.readString();
        r.policyVersion = in.readString();
        r.policySerial = in.readVarLong();
        int controls = in.readCount();
        for (int i = 0; i < controls; i++) {
            r.controls.add(in.readString());
        }
        r.approvalId = in.readString();
        r.approver = in.readString();
        r.approvalDecision = in.readString();
        r.approvalWaitedMs = in.readVarLong();
        r.outcomeStatus = in.readString();
        r.outcomeDurationUs = in.readVarLong();
        r.outcomeDetail = in.readString();
        r.event = in.readString();
        int modified = in.readCount();
        for (int i = 0; i < modified; i++) {
            r.modified.add(in.readString());
        }
        r.digestBefore = in.readString();
        r.digestAfter = in.readString();
        r.prevHash = in.readString();
        r.hash = in.readString();
        if (in.remaining() != 0) {
            throw new IllegalArgumentException(in.remaining() + " trailing bytes after the record");
        }
        return r;
    }

    public static EvidenceRecord decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length, new EvidenceRecord());
    }

    private static final class Reader {
        private final byte[] b;
        private int pos;
        private final int end;

        Reader(byte[] b, int off, int len) {
            if (off < 0 || len < 0 || off + len > b.length) {
                throw new IllegalArgumentException("range outside the input");
            }
            this.b = b;
            this.pos = off;
            this.end = off + len;
        }

        int remaining() {
            return end - pos;
        }

        int readByte() {
            if (pos >= end) {
                throw new IllegalArgumentException("truncated record");
            }
            return b[pos++];
        }

        long readVarLong() {
            long z = 0;
            for (int shift = 0; shift < 70; shift += 7) {
                int x = readByte();
                z |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return (z >>> 1) ^ -(z & 1);
                }
            }
            throw new IllegalArgumentException("malformed varint");
        }

        int readCount() {
            long n = readVarLong();
            if (n < 0 || n > remaining()) {
                throw new IllegalArgumentException("count " + n + " exceeds the record");
            }
            return (int) n;
        }

        String readString() {
            long n = readVarLong();
            if (n == 0) {
                return null;
            }
            long len = n - 1;
            if (len < 0 || len > remaining()) {
                throw new IllegalArgumentException("string length " + len + " exceeds the record");
            }
            String s = new String(b, pos, (int) len, StandardCharsets.UTF_8);
            pos += (int) len;
            return s;
        }
    }
}
