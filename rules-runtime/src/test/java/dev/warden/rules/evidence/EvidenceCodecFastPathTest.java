package dev.warden.rules.evidence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The encoder's fast paths (one-pass ASCII strings, one-byte varints, the per-position memo of
 * repeated long strings in a reused writer) write exactly the bytes of the general path.
 */
class EvidenceCodecFastPathTest {

    private static String randomText(Random rnd) {
        StringBuilder sb = new StringBuilder();
        int n = rnd.nextInt(40);
        int alphabet = rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            switch (alphabet == 0 ? 0 : rnd.nextInt(alphabet + 1)) {
                case 0 -> sb.append((char) (' ' + rnd.nextInt(95)));
                case 1 -> sb.append((char) (0x80 + rnd.nextInt(0x780)));           // 2-byte UTF-8
                case 2 -> sb.append((char) (0x800 + rnd.nextInt(0xD000 - 0x800))); // 3-byte UTF-8
                case 3 -> sb.appendCodePoint(0x10000 + rnd.nextInt(0x1000));       // surrogate pair
                default -> sb.append(rnd.nextBoolean() ? '\uD800' : '\uDC00');     // lone surrogate
            }
        }
        return sb.toString();
    }

    @Test
    void stringFastPathWritesTheGeneralPathsBytes() {
        Random rnd = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            String s = randomText(rnd);
            EvidenceCodec.Writer fast = new EvidenceCodec.Writer(4);
            EvidenceCodec.Writer general = new EvidenceCodec.Writer(4);
            fast.writeString(s);
            general.writeString((CharSequence) new StringBuilder(s));
            assertArrayEquals(general.toByteArray(), fast.toByteArray(), s);
        }
    }

    @Test
    void varintsOfEverySizeRoundTrip() {
        long[] values = {0, 1, -1, 63, -64, 64, -65, 127, 128, 300, Integer.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE};
        for (long v : values) {
            EvidenceRecord r = new EvidenceRecord();
            r.seq = v;
            r.timeMicros = -v;
            assertEquals(v, EvidenceCodec.decode(EvidenceCodec.encode(r)).seq);
        }
    }

    @Test
    void aReusedWriterEncodesEachRecordLikeAFreshOne() {
        Random rnd = new Random(3);
        String[] pool = new String[12];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = "a-long-enough-string-" + i + randomText(rnd);
        }
        EvidenceCodec.Writer reused = new EvidenceCodec.Writer(64);
        EvidenceRecord r = new EvidenceRecord();
        for (int i = 0; i < 5_000; i++) {
            r.clear();
            r.type = EvidenceRecord.Type.values()[rnd.nextInt(3)];
            r.instance = pool[rnd.nextInt(3)];
            r.session = rnd.nextBoolean() ? pool[rnd.nextInt(pool.length)] : null;
            r.target = rnd.nextInt(4) == 0 ? randomText(rnd) + "-unique-" + i : pool[rnd.nextInt(pool.length)];
            int attrs = rnd.nextInt(4);
            for (int a = 0; a < attrs; a++) {
                r.attributes.put("k" + a, pool[rnd.nextInt(pool.length)]);
            }
            r.policyVersion = pool[rnd.nextInt(2)];
            r.reason = rnd.nextBoolean() ? null : pool[rnd.nextInt(pool.length)];
            byte[] expected = EvidenceCodec.encode(r);
            EvidenceCodec.encode(r, reused.reset());
            byte[] actual = reused.toByteArray();
            assertArrayEquals(expected, actual, "record " + i);
            assertEquals(EvidenceJson.toJson(r), EvidenceJson.toJson(EvidenceCodec.decode(actual)));
        }
    }
}
