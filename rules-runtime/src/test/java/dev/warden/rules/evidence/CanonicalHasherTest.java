package dev.warden.rules.evidence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link CanonicalHasher} against the reference it replaces on hot paths: for random records
 * (unicode of every width, JSON escapes, U+2028/2029, lone surrogates, extreme numbers and
 * times) and for random damage to their encoded bytes (invalid UTF-8, broken lengths), the
 * byte-level hash equals {@code EvidenceJson.chainHash} of the decoded record, and whenever
 * decoding or the reference fails, the byte-level hasher fails too.
 */
class CanonicalHasherTest {
    private static final long SEED = Long.getLong("warden.test.seed", System.nanoTime());
    private static final String[] ALPHABET = {
        "a", "Z", "0", " ", "-", "/", ":", "\"", "\\", "\n", "\r", "\t", "\u0000", "\u0001", "\u001f", "\u007f",
        "é", "ß", "\u00a0", "\u07ff", "\u0800", "€", "中文", "\u2028", "\u2029", "\ufeff", "\ufffd", "\uffff",
        "😀", "\ud834\udd1e", "\ud800", "\udfff", "x\ud83dy", "'", "<", "&", "{", "}", "[", "]", ","
    };

    private final Random rnd = new Random(SEED);

    @Test
    void randomRecordsHashExactlyAsEvidenceJson() {
        CanonicalHasher h = new CanonicalHasher();
        EvidenceRecord decoded = new EvidenceRecord();
        for (int i = 0; i < 6_000; i++) {
            EvidenceRecord r = randomRecord();
            byte[] prev = rnd.nextInt(4) == 0 ? null : randomBytes(32);
            String prevHex = prev == null ? null : EvidenceJson.hex(prev);
            byte[] enc = EvidenceCodec.encode(r);
            EvidenceCodec.decode(enc, 0, enc.length, decoded);
            String reference = EvidenceJson.chainHash(prevHex, decoded);
            assertEquals(reference, EvidenceJson.hex(h.chainHash(prev, enc, 0, enc.length)), () -> "seed " + SEED + ": " + decoded);
            assertArrayEquals(EvidenceJson.canonical(decoded).getBytes(StandardCharsets.UTF_8), h.canonical(enc, 0, enc.length),
                    () -> "seed " + SEED);
            // the record route covers what encoding would repair (lone surrogates become '?' in getBytes)
            assertEquals(EvidenceJson.chainHash(prevHex, r), EvidenceJson.hex(h.chainHash(prev, r)), () -> "seed " + SEED + ": " + r);
        }
    }

    @Test
    void longTextWithOneSpecialCharacterAtEveryPositionMatches() {
        // plain runs are scanned eight bytes at a time: put each kind of special character at every offset
        CanonicalHasher h = new CanonicalHasher();
        String[] specials = {"\"", "\\", "\n", "\u0000", "\u001f", "\u007f", "é", "€", "\u2028", "😀", "\ud800", "\u0080"};
        for (String special : specials) {
            for (int len = 0; len < 40; len++) {
                for (int at = 0; at <= len; at++) {
                    String text = "a".repeat(at) + special + "b".repeat(len - at);
                    EvidenceRecord r = randomRecord();
                    r.target = text;
                    byte[] enc = EvidenceCodec.encode(r);
                    assertEquals(EvidenceJson.chainHash(null, EvidenceCodec.decode(enc)), EvidenceJson.hex(h.chainHash(null, enc, 0, enc.length)),
                            () -> "seed " + SEED + ": " + text);
                    assertEquals(EvidenceJson.chainHash(null, r), EvidenceJson.hex(h.chainHash(null, r)), () -> "seed " + SEED + ": " + text);
                }
            }
        }
    }

    @Test
    void encodedRecordsInsideLargerBuffersHashTheSame() {
        CanonicalHasher h = new CanonicalHasher();
        for (int i = 0; i < 2_000; i++) {
            EvidenceRecord r = randomRecord();
            byte[] enc = EvidenceCodec.encode(r);
            byte[] framed = new byte[enc.length + 100];
            int at = rnd.nextInt(50);
            System.arraycopy(enc, 0, framed, at, enc.length);
            assertArrayEquals(h.chainHash(null, enc, 0, enc.length), h.chainHash(null, framed, at, enc.length), () -> "seed " + SEED);
        }
    }

    @Test
    void invalidUtf8InAStringHashesAsTheRepairedText() {
        CanonicalHasher h = new CanonicalHasher();
        EvidenceRecord decoded = new EvidenceRecord();
        int exactRoutes = 0;
        for (int i = 0; i < 6_000; i++) {
            EvidenceRecord r = randomRecord();
            int n = 1 + rnd.nextInt(12);
            r.target = "@".repeat(n);
            byte[] enc = EvidenceCodec.encode(r);
            int at = indexOf(enc, r.target.getBytes(StandardCharsets.US_ASCII));
            for (int k = 0; k < n; k++) {
                enc[at + k] = (byte) (rnd.nextBoolean() ? 0x80 + rnd.nextInt(0x80) : rnd.nextInt(256));
            }
            try {
                EvidenceCodec.decode(enc, 0, enc.length, decoded);
            } catch (IllegalArgumentException e) {
                // the marker was found inside a length, not the target: the damage broke the structure
                byte[] broken = enc;
                assertThrows(IllegalArgumentException.class, () -> h.chainHash(null, broken, 0, broken.length));
                continue;
            }
            byte[] raw = java.util.Arrays.copyOfRange(enc, at, at + n);
            if (!java.util.Arrays.equals(raw, decoded.target.getBytes(StandardCharsets.UTF_8))) {
                exactRoutes++;
            }
            assertEquals(EvidenceJson.chainHash(null, decoded), EvidenceJson.hex(h.chainHash(null, enc, 0, enc.length)),
                    () -> "seed " + SEED + ": target bytes " + java.util.HexFormat.of().formatHex(raw));
        }
        assertTrue(exactRoutes > 300, "the fuzz produced invalid UTF-8 in " + exactRoutes + " cases");
    }

    @Test
    void damagedBytesFailWhereDecodingFailsAndHashTheSameOtherwise() {
        CanonicalHasher h = new CanonicalHasher();
        EvidenceRecord decoded = new EvidenceRecord();
        int failures = 0;
        for (int i = 0; i < 10_000; i++) {
            byte[] enc = EvidenceCodec.encode(randomRecord());
            byte[] bad = damage(enc);
            String reference;
            try {
                EvidenceCodec.decode(bad, 0, bad.length, decoded);
                reference = EvidenceJson.chainHash(null, decoded);
            } catch (RuntimeException e) {
                failures++;
                assertThrows(IllegalArgumentException.class, () -> h.chainHash(null, bad, 0, bad.length), () -> "seed " + SEED);
                continue;
            }
            assertEquals(reference, EvidenceJson.hex(h.chainHash(null, bad, 0, bad.length)), () -> "seed " + SEED);
        }
        assertTrue(failures > 300 && failures < 9_700, "damage produced " + failures + " undecodable records of 10000");
    }

    @Test
    void repeatedAttributeKeysKeepTheFirstPositionAndTheLastValue() {
        // EvidenceCodec writes a map, which cannot repeat a key; hostile bytes can. The record is
        // fixed, not random: a random field holding "cc" would take the damage meant for the key
        EvidenceRecord r = new EvidenceRecord();
        r.type = EvidenceRecord.Type.DECISION;
        r.seq = 7;
        r.timeMicros = 1_700_000_000_000_000L;
        r.agent = "agent";
        r.kind = "tool";
        r.target = "issueRefund";
        r.attributes.put("a", "1");
        r.attributes.put("bb", "2");
        r.attributes.put("cc", "3");
        byte[] enc = EvidenceCodec.encode(r);
        int at = indexOf(enc, "cc".getBytes(StandardCharsets.US_ASCII));
        enc[at] = 'b';
        enc[at + 1] = 'b';
        EvidenceRecord decoded = EvidenceCodec.decode(enc);
        assertEquals(2, decoded.attributes.size());
        assertEquals(EvidenceJson.chainHash(null, decoded), EvidenceJson.hex(new CanonicalHasher().chainHash(null, enc, 0, enc.length)));
    }

    @Test
    void anAttributeWithoutANameIsADamagedRecord() {
        // bytes encode never writes: a null attribute name must read as damage (IllegalArgumentException,
        // which every reader treats as a bad record), not as a NullPointerException that kills the reader
        EvidenceRecord r = new EvidenceRecord();
        r.type = EvidenceRecord.Type.DECISION;
        r.attributes.put("", "v");
        byte[] enc = EvidenceCodec.encode(r);
        int at = indexOf(enc, new byte[] {2, 4, 'v'}); // "" (length + 1 = 1, zigzag 2), then "v" (2, zigzag 4)
        enc[at] = 0; // the name becomes null
        assertThrows(IllegalArgumentException.class, () -> EvidenceCodec.decode(enc));
        assertThrows(IllegalArgumentException.class, () -> new CanonicalHasher().chainHash(null, enc, 0, enc.length));
    }

    @Test
    void nullAttributesAndListItemsAreRefusedLikeTheReference() {
        EvidenceRecord r = randomRecord();
        r.attributes.put("k", null);
        assertThrows(NullPointerException.class, () -> EvidenceJson.chainHash(null, r));
        byte[] enc = EvidenceCodec.encode(r);
        assertThrows(IllegalArgumentException.class, () -> new CanonicalHasher().chainHash(null, enc, 0, enc.length));
        assertThrows(IllegalArgumentException.class, () -> new CanonicalHasher().chainHash(null, r));
        EvidenceRecord q = randomRecord();
        q.rules.add(null);
        byte[] enc2 = EvidenceCodec.encode(q);
        assertThrows(IllegalArgumentException.class, () -> new CanonicalHasher().chainHash(null, enc2, 0, enc2.length));
    }

    @Test
    void extremeTimesAndNumbersMatch() {
        CanonicalHasher h = new CanonicalHasher();
        long[] times = {0, -1, 1, 999_999, 1_000_000, -1_000_000, -62_135_596_800_000_000L, -62_135_596_800_000_001L,
            253_402_300_799_999_999L, 253_402_300_800_000_000L, Long.MAX_VALUE, Long.MIN_VALUE, 951_782_400_000_000L /* 2000-02-29 */,
            4_107_542_400_000_000L /* 2100-03-01 */, -2_208_988_800_000_000L /* 1900-01-01 */};
        long[] numbers = {0, -1, 1, Long.MAX_VALUE, Long.MIN_VALUE, 9, 10, -10, 1_000_000_000_000L};
        for (long t : times) {
            for (long n : numbers) {
                EvidenceRecord r = randomRecord();
                r.timeMicros = t;
                r.seq = n;
                r.policySerial = n;
                r.approvalWaitedMs = n;
                r.outcomeDurationUs = n;
                byte[] enc = EvidenceCodec.encode(r);
                assertEquals(EvidenceJson.chainHash(null, EvidenceCodec.decode(enc)), EvidenceJson.hex(h.chainHash(null, enc, 0, enc.length)),
                        "time " + t + " number " + n);
            }
        }
    }

    @Test
    void theViewDescribesTheLastRecordInPlace() {
        CanonicalHasher h = new CanonicalHasher();
        EvidenceRecord r = randomRecord();
        r.kind = "http";
        r.decision = "deny";
        r.rules.clear();
        r.rules.add("egress-allowlist");
        r.rules.add("pii");
        r.seq = 42;
        r.timeMicros = 1_790_000_000_123_456L;
        byte[] enc = EvidenceCodec.encode(r);
        h.chainHash(null, enc, 0, enc.length);
        assertEquals(r.type.ordinal(), h.type());
        assertEquals(42, h.seq());
        assertEquals(1_790_000_000_123_456L, h.timeMicros());
        assertTrue(h.stringEquals(CanonicalHasher.KIND, "http".getBytes(StandardCharsets.UTF_8)));
        assertTrue(h.stringEquals(CanonicalHasher.DECISION, "deny".getBytes(StandardCharsets.UTF_8)));
        assertFalse(h.stringEquals(CanonicalHasher.DECISION, "allow".getBytes(StandardCharsets.UTF_8)));
        assertEquals(2, h.ruleCount());
        assertEquals("pii", new String(h.source(), h.ruleOffset(1), h.ruleLength(1), StandardCharsets.UTF_8));
        r.parent = null;
        enc = EvidenceCodec.encode(r);
        h.chainHash(null, enc, 0, enc.length);
        assertEquals(-1, h.stringLength(CanonicalHasher.PARENT));
    }

    // ------------------------------------------------------------------------------- helpers

    private EvidenceRecord randomRecord() {
        EvidenceRecord r = new EvidenceRecord();
        r.type = EvidenceRecord.Type.values()[rnd.nextInt(3)];
        r.instance = maybe(str());
        r.seq = rnd.nextInt(5) == 0 ? rnd.nextLong() : rnd.nextInt(1_000_000);
        r.timeMicros = rnd.nextInt(6) == 0 ? rnd.nextLong() : 1_700_000_000_000_000L + (long) (rnd.nextDouble() * 1e15);
        r.agent = maybe(str());
        r.session = maybe(str());
        r.sessionSource = maybe(str());
        r.parent = maybe(str());
        r.principal = maybe(str());
        r.kind = maybe(str());
        r.target = maybe(str());
        int attrs = rnd.nextInt(5);
        for (int i = 0; i < attrs; i++) {
            r.attributes.put(str(), str());
        }
        r.argsDigest = maybe(str());
        r.decision = maybe(str());
        r.wouldDecide = maybe(str());
        for (int i = rnd.nextInt(4); i > 0; i--) {
            r.rules.add(str());
        }
        r.reason = maybe(str());
        r.mode = maybe(str());
        r.policyName = maybe(str());
        r.policyVersion = maybe(str());
        r.policySerial = rnd.nextInt(3) == 0 ? rnd.nextLong() : rnd.nextInt(3);
        for (int i = rnd.nextInt(3); i > 0; i--) {
            r.controls.add(str());
        }
        r.approvalId = maybe(str());
        r.approver = maybe(str());
        r.approvalDecision = maybe(str());
        r.approvalWaitedMs = rnd.nextInt(3) - 1 + (rnd.nextInt(4) == 0 ? rnd.nextLong() : 0);
        r.outcomeStatus = maybe(str());
        r.outcomeDurationUs = rnd.nextInt(3) - 1;
        r.outcomeDetail = maybe(str());
        r.event = maybe(str());
        for (int i = rnd.nextInt(3); i > 0; i--) {
            r.modified.add(str());
        }
        r.digestBefore = maybe(str());
        r.digestAfter = maybe(str());
        r.prevHash = maybe(str());
        r.hash = maybe(str());
        return r;
    }

    private String maybe(String s) {
        return rnd.nextInt(3) == 0 ? null : s;
    }

    private String str() {
        int n = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(12);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (rnd.nextInt(3) == 0) {
                sb.append(ALPHABET[rnd.nextInt(ALPHABET.length)]);
            } else if (rnd.nextInt(10) == 0) {
                sb.append((char) rnd.nextInt(0x10000)); // any UTF-16 unit, surrogates included
            } else {
                sb.append((char) ('a' + rnd.nextInt(26)));
            }
        }
        return sb.toString();
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private byte[] damage(byte[] enc) {
        byte[] b = enc.clone();
        switch (rnd.nextInt(4)) {
            case 0 -> b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            case 1 -> {
                for (int k = 0; k < 3; k++) {
                    b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 2 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
            default -> {
                b = java.util.Arrays.copyOf(b, b.length + 1 + rnd.nextInt(4));
                b[b.length - 1] = (byte) rnd.nextInt(256);
            }
        }
        return b;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
