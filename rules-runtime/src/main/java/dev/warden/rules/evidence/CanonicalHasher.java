package dev.warden.rules.evidence;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The evidence hash chain computed at byte level: byte for byte {@link EvidenceJson#chainHash}
 * (SHA-256 over the previous hash in lower-case hex, a newline, and {@link EvidenceJson#canonical}
 * in UTF-8), without building a String. Previous and resulting hashes are 32 raw bytes;
 * {@code null} stands for "no previous record".
 *
 * <p>Two inputs: the {@link EvidenceCodec} bytes of a record, which is what the agent's local
 * queue, the shipper's frames and the collector's store hold, so the record is never decoded;
 * or an {@link EvidenceRecord}. From bytes, the canonical JSON is written straight from the
 * encoded fields: strings are copied with JSON escapes applied to their UTF-8 bytes (which are
 * validated as strictly as the JDK's decoder), numbers and the timestamp are formatted into the
 * same buffer, and the buffer goes to {@link MessageDigest} in one call. The rare input that
 * plain copying cannot reproduce (UTF-8 the JDK would repair, an attribute key given twice)
 * takes the exact route: decode, then encode the record. Bytes that {@link EvidenceCodec#decode}
 * refuses, and records {@link EvidenceJson} cannot write (a null attribute key, value or list
 * item), throw {@link IllegalArgumentException}.
 *
 * <p>After a call on bytes, the accessors ({@link #type()}, {@link #seq()},
 * {@link #stringOffset(int)}, ...) describe the fields of that record in place, so callers can
 * read what they need (the kind, the decision, the time) without decoding it.
 *
 * <p>Reusable and not thread-safe: one per thread. Allocation-free once its buffers have grown
 * to the largest record seen, except on the exact route.
 */
public final class CanonicalHasher {
    // string fields of an encoded record, in codec order (stringOffset/stringLength take these)
    public static final int INSTANCE = 0;
    public static final int AGENT = 1;
    public static final int SESSION = 2;
    public static final int SESSION_SOURCE = 3;
    public static final int PARENT = 4;
    public static final int PRINCIPAL = 5;
    public static final int KIND = 6;
    public static final int TARGET = 7;
    public static final int ARGS_DIGEST = 8;
    public static final int DECISION = 9;
    public static final int WOULD_DECIDE = 10;
    public static final int REASON = 11;
    public static final int MODE = 12;
    public static final int POLICY_NAME = 13;
    public static final int POLICY_VERSION = 14;
    public static final int APPROVAL_ID = 15;
    public static final int APPROVER = 16;
    public static final int APPROVAL_DECISION = 17;
    public static final int OUTCOME_STATUS = 18;
    public static final int OUTCOME_DETAIL = 19;
    public static final int EVENT = 20;
    public static final int DIGEST_BEFORE = 21;
    public static final int DIGEST_AFTER = 22;
    public static final int PREV_HASH = 23;
    public static final int HASH = 24;
    private static final int STRINGS = 25;

    private static final int L_ATTRIBUTES = 0;
    private static final int L_RULES = 1;
    private static final int L_CONTROLS = 2;
    private static final int L_MODIFIED = 3;

    /** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the years the fast time format covers. */
    private static final long MIN_FAST_SECOND = -62_135_596_800L;
    private static final long MAX_FAST_SECOND = 253_402_300_799L;

    private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
    private static final byte[][] TYPE_LABELS = new byte[EvidenceRecord.Type.values().length][];

    private static final byte[] K_ID = key("id");
    private static final byte[] K_TYPE = key("type");
    private static final byte[] K_TIME = key("time");
    private static final byte[] K_AGENT = key("agent");
    private static final byte[] K_INSTANCE = key("instance");
    private static final byte[] K_SESSION = key("session");
    private static final byte[] K_SESSION_SOURCE = key("session_source");
    private static final byte[] K_SEQ = key("seq");
    private static final byte[] K_KIND = key("kind");
    private static final byte[] K_TARGET = key("target");
    private static final byte[] K_PARENT = key("parent");
    private static final byte[] K_PRINCIPAL = key("principal");
    private static final byte[] K_ATTRIBUTES = key("attributes");
    private static final byte[] K_ARGS_DIGEST = key("args_digest");
    private static final byte[] K_EVENT = key("event");
    private static final byte[] K_DECISION = key("decision");
    private static final byte[] K_WOULD_DECIDE = key("would_decide");
    private static final byte[] K_RULES = key("rules");
    private static final byte[] K_REASON = key("reason");
    private static final byte[] K_MODE = key("mode");
    private static final byte[] K_POLICY = key("policy");
    private static final byte[] K_NAME = key("name");
    private static final byte[] K_VERSION = key("version");
    private static final byte[] K_SERIAL = key("serial");
    private static final byte[] K_CONTROLS = key("controls");
    private static final byte[] K_APPROVAL = key("approval");
    private static final byte[] K_APPROVER = key("approver");
    private static final byte[] K_WAITED_MS = key("waited_ms");
    private static final byte[] K_OUTCOME = key("outcome");
    private static final byte[] K_STATUS = key("status");
    private static final byte[] K_DURATION_US = key("duration_us");
    private static final byte[] K_DETAIL = key("detail");
    private static final byte[] K_MODIFICATION = key("modification");
    private static final byte[] K_FIELDS = key("fields");
    private static final byte[] K_DIGEST_BEFORE = key("digest_before");
    private static final byte[] K_DIGEST_AFTER = key("digest_after");

    static {
        for (EvidenceRecord.Type t : EvidenceRecord.Type.values()) {
            TYPE_LABELS[t.ordinal()] = t.label.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    private final MessageDigest md;
    private byte[] out = new byte[4096];
    private int o;
    private boolean first;
    private final byte[] digits = new byte[20];
    private final byte[] secondText = new byte[19];
    private long cachedSecond = Long.MIN_VALUE;

    // the parsed view of the last encoded record
    private byte[] src;
    private int type;
    private long seq;
    private long timeMicros;
    private long policySerial;
    private long approvalWaitedMs;
    private long outcomeDurationUs;
    private final int[] strOff = new int[STRINGS];
    private final int[] strLen = new int[STRINGS];
    private final int[] listStart = new int[4];
    private final int[] listCount = new int[4];
    private int[] itemOff = new int[64];
    private int[] itemLen = new int[64];
    private int items;
    private int p;
    private int end;
    /** Set while writing from bytes when plain copying cannot reproduce the decoded text. */
    private boolean exact;
    private EvidenceRecord scratch;

    public CanonicalHasher() {
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JDK", e);
        }
    }

    private static byte[] key(String k) {
        return ("\"" + k + "\":").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    // ------------------------------------------------------------------------------------- API

    /**
     * Writes the chain hash of the encoded record {@code rec[off, off+len)} after {@code prev}
     * (32 raw bytes, or null for the first record) as 32 raw bytes into {@code dst[at..]}.
     */
    public void chainHash(byte[] prev, byte[] rec, int off, int len, byte[] dst, int at) {
        int n = canonicalFromBytes(prev, rec, off, len);
        digest(n, dst, at);
    }

    public byte[] chainHash(byte[] prev, byte[] rec, int off, int len) {
        byte[] h = new byte[32];
        chainHash(prev, rec, off, len, h, 0);
        return h;
    }

    /** The chain hash of a record object after {@code prev}, as 32 raw bytes into {@code dst[at..]}. */
    public void chainHash(byte[] prev, EvidenceRecord r, byte[] dst, int at) {
        int n = canonicalFromRecord(prev, r);
        digest(n, dst, at);
    }

    public byte[] chainHash(byte[] prev, EvidenceRecord r) {
        byte[] h = new byte[32];
        chainHash(prev, r, h, 0);
        return h;
    }

    /** The canonical JSON (UTF-8) of an encoded record: a copy, for tests and tools. */
    public byte[] canonical(byte[] rec, int off, int len) {
        int n = canonicalFromBytes(null, rec, off, len);
        return Arrays.copyOfRange(out, 1, n);
    }

    /** The canonical JSON (UTF-8) of a record object: a copy, for tests and tools. */
    public byte[] canonical(EvidenceRecord r) {
        int n = canonicalFromRecord(null, r);
        return Arrays.copyOfRange(out, 1, n);
    }

    /** SHA-256 of arbitrary bytes (digests of whole records, store links). */
    public byte[] sha256(byte[] b, int off, int len) {
        md.reset();
        md.update(b, off, len);
        return md.digest();
    }

    // ---------------------------------------------------------------- view of the last record

    /** The record type ordinal of the last encoded record ({@link EvidenceRecord.Type}). */
    public int type() {
        return type;
    }

    public long seq() {
        return seq;
    }

    public long timeMicros() {
        return timeMicros;
    }

    /** The bytes the last encoded record was read from. */
    public byte[] source() {
        return src;
    }

    /** Offset in {@link #source()} of a string field's UTF-8 bytes ({@link #INSTANCE}, {@link #KIND}, ...). */
    public int stringOffset(int field) {
        return strOff[field];
    }

    /** Length of a string field's UTF-8 bytes, or -1 when the field is absent. */
    public int stringLength(int field) {
        return strLen[field];
    }

    public int ruleCount() {
        return listCount[L_RULES];
    }

    public int ruleOffset(int i) {
        return itemOff[listStart[L_RULES] + i];
    }

    public int ruleLength(int i) {
        return itemLen[listStart[L_RULES] + i];
    }

    /** Whether a string field of the last encoded record equals {@code expected} (UTF-8 bytes). */
    public boolean stringEquals(int field, byte[] expected) {
        int l = strLen[field];
        if (expected == null) {
            return l < 0;
        }
        return l == expected.length && Arrays.equals(src, strOff[field], strOff[field] + l, expected, 0, l);
    }

    // ----------------------------------------------------------------------------- internals

    private void digest(int n, byte[] dst, int at) {
        md.update(out, 0, n);
        try {
            md.digest(dst, at, 32);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the hex of {@code prev} (if any) and the newline; returns the position after them. */
    private void start(byte[] prev) {
        o = 0;
        if (prev != null) {
            for (int i = 0; i < 32; i++) {
                out[o++] = HEX[(prev[i] >> 4) & 0xf];
                out[o++] = HEX[prev[i] & 0xf];
            }
        }
        out[o++] = '\n';
    }

    private void ensure(int extra) {
        if (o + extra > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, o + extra));
        }
    }

    /** Parses the record, then writes prev-hex, newline and canonical JSON into {@link #out}; returns the length. */
    private int canonicalFromBytes(byte[] prev, byte[] rec, int off, int len) {
        parse(rec, off, len);
        int instLen = Math.max(0, strLen[INSTANCE]);
        o = 0;
        ensure(66 + 1024 + 6 * (len + instLen));
        start(prev);
        exact = false;
        writeFromBytes();
        if (exact) {
            // plain copying cannot reproduce what decoding would produce: take the exact route
            if (scratch == null) {
                scratch = new EvidenceRecord();
            }
            EvidenceCodec.decode(rec, off, len, scratch);
            return canonicalFromRecord(prev, scratch);
        }
        return o;
    }

    private int canonicalFromRecord(byte[] prev, EvidenceRecord r) {
        o = 0;
        ensure(66 + 1024);
        start(prev);
        writeFromRecord(r);
        return o;
    }

    // ---------------------------------------------------------------------------- parsing

    private void parse(byte[] b, int off, int len) {
        if (off < 0 || len < 0 || off + len > b.length) {
            throw new IllegalArgumentException("range outside the input");
        }
        src = b;
        p = off;
        end = off + len;
        items = 0;
        if (readByte() != EvidenceCodec.MAGIC) {
            throw new IllegalArgumentException("not an evidence record (bad magic)");
        }
        int format = readByte();
        if (format != EvidenceCodec.FORMAT) {
            throw new IllegalArgumentException("unsupported evidence format " + format);
        }
        type = readByte();
        if (type < 0 || type >= TYPE_LABELS.length) {
            throw new IllegalArgumentException("unknown record type " + type);
        }
        readString(INSTANCE);
        seq = readVarLong();
        timeMicros = readVarLong();
        readString(AGENT);
        readString(SESSION);
        readString(SESSION_SOURCE);
        readString(PARENT);
        readString(PRINCIPAL);
        readString(KIND);
        readString(TARGET);
        readList(L_ATTRIBUTES, true);
        readString(ARGS_DIGEST);
        readString(DECISION);
        readString(WOULD_DECIDE);
        readList(L_RULES, false);
        readString(REASON);
        readString(MODE);
        readString(POLICY_NAME);
        readString(POLICY_VERSION);
        policySerial = readVarLong();
        readList(L_CONTROLS, false);
        readString(APPROVAL_ID);
        readString(APPROVER);
        readString(APPROVAL_DECISION);
        approvalWaitedMs = readVarLong();
        readString(OUTCOME_STATUS);
        outcomeDurationUs = readVarLong();
        readString(OUTCOME_DETAIL);
        readString(EVENT);
        readList(L_MODIFIED, false);
        readString(DIGEST_BEFORE);
        readString(DIGEST_AFTER);
        readString(PREV_HASH);
        readString(HASH);
        if (end - p != 0) {
            throw new IllegalArgumentException((end - p) + " trailing bytes after the record");
        }
    }

    private int readByte() {
        if (p >= end) {
            throw new IllegalArgumentException("truncated record");
        }
        return src[p++];
    }

    private long readVarLong() {
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

    /** Reads a string's bounds: sets {@code offs[i]}/{@code lens[i]} (length -1 for null). */
    private int readStringBounds() {
        long n = readVarLong();
        if (n == 0) {
            return -1;
        }
        long len = n - 1;
        if (len < 0 || len > end - p) {
            throw new IllegalArgumentException("string length " + len + " exceeds the record");
        }
        p += (int) len;
        return (int) len;
    }

    private void readString(int field) {
        int l = readStringBounds();
        strLen[field] = l;
        strOff[field] = l < 0 ? 0 : p - l;
    }

    private void readList(int list, boolean pairs) {
        long n = readVarLong();
        if (n < 0 || n > end - p) {
            throw new IllegalArgumentException("count " + n + " exceeds the record");
        }
        int count = (int) n;
        int need = items + (pairs ? 2 * count : count);
        if (need > itemOff.length) {
            itemOff = Arrays.copyOf(itemOff, Math.max(need, itemOff.length * 2));
            itemLen = Arrays.copyOf(itemLen, itemOff.length);
        }
        listStart[list] = items;
        listCount[list] = count;
        for (int i = 0; i < count; i++) {
            int l = readStringBounds();
            itemLen[items] = l;
            itemOff[items++] = l < 0 ? 0 : p - l;
            if (pairs) {
                l = readStringBounds();
                itemLen[items] = l;
                itemOff[items++] = l < 0 ? 0 : p - l;
            }
        }
    }

    // ------------------------------------------------------------------ writing from bytes

    private void writeFromBytes() {
        out[o++] = '{';
        first = true;
        if (strLen[INSTANCE] >= 0) {
            key(K_ID);
            out[o++] = '"';
            escape(strOff[INSTANCE], strLen[INSTANCE]);
            out[o++] = '-';
            number(seq);
            out[o++] = '"';
        }
        key(K_TYPE);
        out[o++] = '"';
        raw(TYPE_LABELS[type]);
        out[o++] = '"';
        key(K_TIME);
        time(timeMicros);
        str(K_AGENT, AGENT);
        str(K_INSTANCE, INSTANCE);
        str(K_SESSION, SESSION);
        str(K_SESSION_SOURCE, SESSION_SOURCE);
        key(K_SEQ);
        number(seq);
        str(K_KIND, KIND);
        str(K_TARGET, TARGET);
        str(K_PARENT, PARENT);
        str(K_PRINCIPAL, PRINCIPAL);
        int attrs = listCount[L_ATTRIBUTES];
        if (attrs > 0) {
            key(K_ATTRIBUTES);
            out[o++] = '{';
            int base = listStart[L_ATTRIBUTES];
            for (int i = 0; i < attrs; i++) {
                int k = base + 2 * i;
                if (itemLen[k] < 0 || itemLen[k + 1] < 0) {
                    throw new IllegalArgumentException("an attribute with a null key or value");
                }
                if (!exact && (attrs > 64 || duplicateKey(base, i))) {
                    // a map keeps the first position and the last value of a repeated key (many
                    // attributes: let the map find repeats rather than comparing every pair)
                    exact = true;
                }
                if (i > 0) {
                    out[o++] = ',';
                }
                quoted(itemOff[k], itemLen[k]);
                out[o++] = ':';
                quoted(itemOff[k + 1], itemLen[k + 1]);
            }
            out[o++] = '}';
        }
        str(K_ARGS_DIGEST, ARGS_DIGEST);
        str(K_EVENT, EVENT);
        str(K_DECISION, DECISION);
        str(K_WOULD_DECIDE, WOULD_DECIDE);
        list(K_RULES, L_RULES);
        str(K_REASON, REASON);
        str(K_MODE, MODE);
        if (strLen[POLICY_NAME] >= 0 || strLen[POLICY_VERSION] >= 0) {
            key(K_POLICY);
            out[o++] = '{';
            first = true;
            str(K_NAME, POLICY_NAME);
            str(K_VERSION, POLICY_VERSION);
            if (policySerial != 0) {
                key(K_SERIAL);
                number(policySerial);
            }
            out[o++] = '}';
            first = false;
        }
        list(K_CONTROLS, L_CONTROLS);
        if (strLen[APPROVAL_ID] >= 0 || strLen[APPROVAL_DECISION] >= 0) {
            key(K_APPROVAL);
            out[o++] = '{';
            first = true;
            str(K_ID, APPROVAL_ID);
            str(K_APPROVER, APPROVER);
            str(K_DECISION, APPROVAL_DECISION);
            if (approvalWaitedMs >= 0) {
                key(K_WAITED_MS);
                number(approvalWaitedMs);
            }
            out[o++] = '}';
            first = false;
        }
        if (strLen[OUTCOME_STATUS] >= 0) {
            key(K_OUTCOME);
            out[o++] = '{';
            first = true;
            str(K_STATUS, OUTCOME_STATUS);
            if (outcomeDurationUs >= 0) {
                key(K_DURATION_US);
                number(outcomeDurationUs);
            }
            str(K_DETAIL, OUTCOME_DETAIL);
            out[o++] = '}';
            first = false;
        }
        if (listCount[L_MODIFIED] > 0) {
            key(K_MODIFICATION);
            out[o++] = '{';
            first = true;
            list(K_FIELDS, L_MODIFIED);
            str(K_DIGEST_BEFORE, DIGEST_BEFORE);
            str(K_DIGEST_AFTER, DIGEST_AFTER);
            out[o++] = '}';
            first = false;
        }
        out[o++] = '}';
    }

    private boolean duplicateKey(int base, int i) {
        int k = base + 2 * i;
        int off = itemOff[k];
        int len = itemLen[k];
        for (int j = 0; j < i; j++) {
            int q = base + 2 * j;
            if (itemLen[q] == len && Arrays.equals(src, itemOff[q], itemOff[q] + len, src, off, off + len)) {
                return true;
            }
        }
        return false;
    }

    private void key(byte[] k) {
        ensure(k.length + 8);
        if (!first) {
            out[o++] = ',';
        }
        first = false;
        raw(k);
    }

    private void raw(byte[] b) {
        ensure(b.length + 8);
        System.arraycopy(b, 0, out, o, b.length);
        o += b.length;
    }

    private void str(byte[] k, int field) {
        int l = strLen[field];
        if (l >= 0) {
            key(k);
            quoted(strOff[field], l);
        }
    }

    private void list(byte[] k, int list) {
        int n = listCount[list];
        if (n == 0) {
            return;
        }
        key(k);
        out[o++] = '[';
        int base = listStart[list];
        for (int i = 0; i < n; i++) {
            if (itemLen[base + i] < 0) {
                throw new IllegalArgumentException("a null item in a list");
            }
            if (i > 0) {
                out[o++] = ',';
            }
            quoted(itemOff[base + i], itemLen[base + i]);
        }
        out[o++] = ']';
    }

    private void quoted(int off, int len) {
        out[o++] = '"';
        escape(off, len);
        out[o++] = '"';
    }

    /**
     * Copies UTF-8 bytes with JSON escapes ({@link EvidenceJson#quote}); flags {@link #exact}
     * when a sequence is not UTF-8 as the JDK's decoder accepts it (decoding would repair it).
     */
    private void escape(int off, int len) {
        byte[] s = src;
        byte[] d = out;
        int q = off;
        int stop = off + len;
        int w = o;
        while (q < stop) {
            // the common case: a run of printable ASCII that needs no escape, copied in one go
            int run = q;
            while (q + 8 <= stop && plain8((long) LONGS.get(s, q))) {
                q += 8;
            }
            while (q < stop) {
                byte x = s[q];
                if (x < 0x20 || x == '"' || x == '\\') { // negative: 0x80-0xFF, a multi-byte sequence
                    break;
                }
                q++;
            }
            if (q > run) {
                System.arraycopy(s, run, d, w, q - run);
                w += q - run;
                if (q == stop) {
                    break;
                }
            }
            int c = s[q] & 0xff;
            if (c == '"' || c == '\\') {
                d[w++] = '\\';
                d[w++] = (byte) c;
                q++;
            } else if (c < 0x20) {
                w = control(d, w, c);
                q++;
            } else if (c >= 0xC2 && c < 0xE0) {
                if (q + 1 >= stop || !cont(s[q + 1])) {
                    exact = true;
                    q++;
                    continue;
                }
                d[w++] = s[q];
                d[w++] = s[q + 1];
                q += 2;
            } else if (c >= 0xE0 && c < 0xF0) {
                if (q + 2 >= stop) {
                    exact = true;
                    q++;
                    continue;
                }
                int c1 = s[q + 1] & 0xff;
                boolean ok1 = c == 0xE0 ? c1 >= 0xA0 && c1 <= 0xBF : c == 0xED ? c1 >= 0x80 && c1 <= 0x9F : c1 >= 0x80 && c1 <= 0xBF;
                if (!ok1 || !cont(s[q + 2])) {
                    exact = true;
                    q++;
                    continue;
                }
                int c2 = s[q + 2] & 0xff;
                if (c == 0xE2 && c1 == 0x80 && (c2 == 0xA8 || c2 == 0xA9)) {
                    // U+2028 and U+2029 are escaped, as in EvidenceJson.quote
                    d[w++] = '\\';
                    d[w++] = 'u';
                    d[w++] = '2';
                    d[w++] = '0';
                    d[w++] = '2';
                    d[w++] = (byte) (c2 == 0xA8 ? '8' : '9');
                } else {
                    d[w++] = s[q];
                    d[w++] = s[q + 1];
                    d[w++] = s[q + 2];
                }
                q += 3;
            } else if (c >= 0xF0 && c <= 0xF4) {
                if (q + 3 >= stop) {
                    exact = true;
                    q++;
                    continue;
                }
                int c1 = s[q + 1] & 0xff;
                boolean ok1 = c == 0xF0 ? c1 >= 0x90 && c1 <= 0xBF : c == 0xF4 ? c1 >= 0x80 && c1 <= 0x8F : c1 >= 0x80 && c1 <= 0xBF;
                if (!ok1 || !cont(s[q + 2]) || !cont(s[q + 3])) {
                    exact = true;
                    q++;
                    continue;
                }
                d[w++] = s[q];
                d[w++] = s[q + 1];
                d[w++] = s[q + 2];
                d[w++] = s[q + 3];
                q += 4;
            } else {
                exact = true; // 0x80-0xC1 or 0xF5-0xFF cannot start a sequence
                q++;
            }
        }
        o = w;
    }

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /**
     * Whether eight bytes are all printable ASCII without {@code "} or {@code \} (SWAR: a byte
     * below 0x20, a byte with its high bit set, or a byte equal to either is flagged).
     */
    private static boolean plain8(long w) {
        long below = (w - 0x20 * ONES) & ~w;
        long quote = w ^ (0x22 * ONES);
        long backslash = w ^ (0x5C * ONES);
        long flags = below | w | ((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash);
        return (flags & HIGHS) == 0;
    }

    private static boolean cont(byte b) {
        return (b & 0xC0) == 0x80;
    }

    /** Writes the escape of a control character (below 0x20) at {@code w}; returns the new position. */
    private static int control(byte[] d, int w, int c) {
        d[w++] = '\\';
        switch (c) {
            case '\n' -> d[w++] = 'n';
            case '\r' -> d[w++] = 'r';
            case '\t' -> d[w++] = 't';
            default -> {
                d[w++] = 'u';
                d[w++] = '0';
                d[w++] = '0';
                d[w++] = HEX[(c >> 4) & 0xf];
                d[w++] = HEX[c & 0xf];
            }
        }
        return w;
    }

    private void number(long v) {
        ensure(24);
        if (v == Long.MIN_VALUE) {
            raw(Long.toString(v).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return;
        }
        if (v < 0) {
            out[o++] = '-';
            v = -v;
        }
        int n = 0;
        do {
            digits[n++] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        while (n > 0) {
            out[o++] = digits[--n];
        }
    }

    /** {@code "yyyy-MM-ddTHH:mm:ss.SSSSSSZ"} as {@link EvidenceJson#formatTime}, quoted. */
    private void time(long micros) {
        ensure(40);
        long sec = Math.floorDiv(micros, 1_000_000L);
        int frac = (int) Math.floorMod(micros, 1_000_000L);
        if (sec < MIN_FAST_SECOND || sec > MAX_FAST_SECOND) {
            out[o++] = '"';
            raw(EvidenceJson.formatTime(micros).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out[o++] = '"';
            return;
        }
        if (sec != cachedSecond) {
            formatSecond(sec);
        }
        byte[] b = out;
        int w = o;
        b[w++] = '"';
        System.arraycopy(secondText, 0, b, w, 19);
        w += 19;
        b[w++] = '.';
        for (int div = 100_000; div > 0; div /= 10) {
            b[w++] = (byte) ('0' + frac / div % 10);
        }
        b[w++] = 'Z';
        b[w++] = '"';
        o = w;
    }

    /** Formats {@code yyyy-MM-ddTHH:mm:ss} of an epoch second into {@link #secondText} (records in a row share it). */
    private void formatSecond(long sec) {
        long days = Math.floorDiv(sec, 86_400L);
        int secOfDay = (int) Math.floorMod(sec, 86_400L);
        // civil date from days since 1970-01-01 (H. Hinnant's algorithm)
        long z = days + 719_468L;
        long era = Math.floorDiv(z, 146_097L);
        long doe = z - era * 146_097L;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long y = yoe + era * 400;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int d = (int) (doy - (153 * mp + 2) / 5 + 1);
        int m = (int) (mp < 10 ? mp + 3 : mp - 9);
        if (m <= 2) {
            y++;
        }
        byte[] b = secondText;
        int w = 0;
        int yy = (int) y;
        b[w++] = (byte) ('0' + yy / 1000);
        b[w++] = (byte) ('0' + yy / 100 % 10);
        b[w++] = (byte) ('0' + yy / 10 % 10);
        b[w++] = (byte) ('0' + yy % 10);
        b[w++] = '-';
        w = two(b, w, m);
        b[w++] = '-';
        w = two(b, w, d);
        b[w++] = 'T';
        w = two(b, w, secOfDay / 3600);
        b[w++] = ':';
        w = two(b, w, secOfDay / 60 % 60);
        b[w++] = ':';
        two(b, w, secOfDay % 60);
        cachedSecond = sec;
    }

    private static int two(byte[] b, int w, int v) {
        b[w++] = (byte) ('0' + v / 10);
        b[w++] = (byte) ('0' + v % 10);
        return w;
    }

    // ----------------------------------------------------------------- writing from a record

    private void writeFromRecord(EvidenceRecord r) {
        out[o++] = '{';
        first = true;
        if (r.instance != null) {
            key(K_ID);
            ensure(2);
            out[o++] = '"';
            chars(r.instance);
            ensure(22);
            out[o++] = '-';
            number(r.seq);
            out[o++] = '"';
        }
        key(K_TYPE);
        out[o++] = '"';
        raw(TYPE_LABELS[r.type.ordinal()]);
        out[o++] = '"';
        key(K_TIME);
        time(r.timeMicros);
        str(K_AGENT, r.agent);
        str(K_INSTANCE, r.instance);
        str(K_SESSION, r.session);
        str(K_SESSION_SOURCE, r.sessionSource);
        ensure(64);
        key(K_SEQ);
        number(r.seq);
        str(K_KIND, r.kind);
        str(K_TARGET, r.target);
        str(K_PARENT, r.parent);
        str(K_PRINCIPAL, r.principal);
        if (!r.attributes.isEmpty()) {
            ensure(32);
            key(K_ATTRIBUTES);
            out[o++] = '{';
            boolean firstAttr = true;
            for (Map.Entry<String, String> e : r.attributes.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException("an attribute with a null key or value");
                }
                ensure(2);
                if (!firstAttr) {
                    out[o++] = ',';
                }
                firstAttr = false;
                quoted(e.getKey());
                ensure(1);
                out[o++] = ':';
                quoted(e.getValue());
            }
            ensure(1);
            out[o++] = '}';
        }
        str(K_ARGS_DIGEST, r.argsDigest);
        str(K_EVENT, r.event);
        str(K_DECISION, r.decision);
        str(K_WOULD_DECIDE, r.wouldDecide);
        list(K_RULES, r.rules);
        str(K_REASON, r.reason);
        str(K_MODE, r.mode);
        if (r.policyName != null || r.policyVersion != null) {
            ensure(16);
            key(K_POLICY);
            out[o++] = '{';
            first = true;
            str(K_NAME, r.policyName);
            str(K_VERSION, r.policyVersion);
            ensure(64);
            if (r.policySerial != 0) {
                key(K_SERIAL);
                number(r.policySerial);
            }
            out[o++] = '}';
            first = false;
        }
        list(K_CONTROLS, r.controls);
        if (r.approvalId != null || r.approvalDecision != null) {
            ensure(16);
            key(K_APPROVAL);
            out[o++] = '{';
            first = true;
            str(K_ID, r.approvalId);
            str(K_APPROVER, r.approver);
            str(K_DECISION, r.approvalDecision);
            ensure(64);
            if (r.approvalWaitedMs >= 0) {
                key(K_WAITED_MS);
                number(r.approvalWaitedMs);
            }
            out[o++] = '}';
            first = false;
        }
        if (r.outcomeStatus != null) {
            ensure(16);
            key(K_OUTCOME);
            out[o++] = '{';
            first = true;
            str(K_STATUS, r.outcomeStatus);
            ensure(64);
            if (r.outcomeDurationUs >= 0) {
                key(K_DURATION_US);
                number(r.outcomeDurationUs);
            }
            str(K_DETAIL, r.outcomeDetail);
            ensure(1);
            out[o++] = '}';
            first = false;
        }
        if (!r.modified.isEmpty()) {
            ensure(24);
            key(K_MODIFICATION);
            out[o++] = '{';
            first = true;
            list(K_FIELDS, r.modified);
            str(K_DIGEST_BEFORE, r.digestBefore);
            str(K_DIGEST_AFTER, r.digestAfter);
            ensure(1);
            out[o++] = '}';
            first = false;
        }
        ensure(1);
        out[o++] = '}';
    }

    private void str(byte[] k, String v) {
        if (v != null) {
            ensure(k.length + 1);
            key(k);
            quoted(v);
        }
    }

    private void list(byte[] k, List<String> v) {
        int n = v.size();
        if (n == 0) {
            return;
        }
        ensure(k.length + 2);
        key(k);
        out[o++] = '[';
        for (int i = 0; i < n; i++) {
            String s = v.get(i);
            if (s == null) {
                throw new IllegalArgumentException("a null item in a list");
            }
            if (i > 0) {
                ensure(1);
                out[o++] = ',';
            }
            quoted(s);
        }
        ensure(1);
        out[o++] = ']';
    }

    private void quoted(String s) {
        ensure(1);
        out[o++] = '"';
        chars(s);
        ensure(1);
        out[o++] = '"';
    }

    /** Writes a String as UTF-8 with JSON escapes, as {@code quote} then {@code getBytes(UTF_8)} would. */
    private void chars(String s) {
        int n = s.length();
        ensure(6 * n);
        byte[] d = out;
        int w = o;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c < 0x20) {
                    w = control(d, w, c);
                } else {
                    if (c == '"' || c == '\\') {
                        d[w++] = '\\';
                    }
                    d[w++] = (byte) c;
                }
            } else if (c < 0x800) {
                d[w++] = (byte) (0xC0 | (c >> 6));
                d[w++] = (byte) (0x80 | (c & 0x3F));
            } else if (c == 0x2028 || c == 0x2029) {
                d[w++] = '\\';
                d[w++] = 'u';
                d[w++] = '2';
                d[w++] = '0';
                d[w++] = '2';
                d[w++] = (byte) (c == 0x2028 ? '8' : '9');
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                d[w++] = (byte) (0xF0 | (cp >> 18));
                d[w++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                d[w++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                d[w++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                d[w++] = '?'; // a lone surrogate: String.getBytes(UTF_8) writes '?'
            } else {
                d[w++] = (byte) (0xE0 | (c >> 12));
                d[w++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                d[w++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        o = w;
    }
}
