package dev.warden.agent.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.crypto.Mac;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hot-path digest of tool arguments gives exactly the values {@link EvidenceKey#digest} gives
 * through {@code javax.crypto.Mac} (approvals and existing evidence are bound to them), for ASCII,
 * non-ASCII, malformed and long strings, keys of every length class, and one instance reused.
 */
class KeyedDigestTest {
    @TempDir
    Path tmp;

    static List<String> samples() {
        List<String> s = new ArrayList<>(List.of("", "{}", "{\"orderId\":\"o-1842\",\"amount\":120.5}", "refund 600 €", "Grüße, 東京",
                "emoji \uD83D\uDE00 pair", "lone \uD800 high", "lone \uDC00 low", "trailing high \uD83D", "nul \0 inside", "\u007f\u0080\u07ff\u0800\uffff"));
        Random random = new Random(42);
        for (int len : new int[] {1, 54, 55, 56, 63, 64, 65, 119, 120, 511, 512, 513, 4096, 70_000}) {
            StringBuilder ascii = new StringBuilder();
            StringBuilder any = new StringBuilder();
            for (int i = 0; i < len; i++) {
                ascii.append((char) (32 + random.nextInt(95)));
                any.append((char) random.nextInt(0x10000));
            }
            s.add(ascii.toString());
            s.add(any.toString());
        }
        return s;
    }

    private void assertSameAsMac(EvidenceKey key) {
        Mac mac = key.newMac();
        KeyedDigest digest = new KeyedDigest(key);
        for (int round = 0; round < 2; round++) {
            for (String v : samples()) {
                assertEquals(key.digest(mac, new String[] {v}, 1), digest.digest(v), () -> "digest of a " + v.length() + "-char string");
            }
            assertEquals(key.digest(mac, new String[] {null}, 1), digest.digest(null));
            // several values (process arguments, a modified request's fields): each followed by its NUL
            List<String> all = samples();
            String[] values = {all.get(0), null, all.get(1), "", "-rf", all.get(all.size() - 1), all.get(all.size() - 2)};
            for (int count = 0; count <= values.length; count++) {
                int n = count;
                assertEquals(key.digest(mac, values, n), digest.digest(values, n), () -> "digest of " + n + " values");
            }
        }
    }

    @Test
    void sameDigestsAsTheMacForAGeneratedKey() throws Exception {
        EvidenceKey key = EvidenceKey.loadOrCreate(tmp);
        assertSameAsMac(key);
        String d = new KeyedDigest(key).digest("{\"amount\":600}");
        assertTrue(d.matches("hmac-sha256:" + key.id() + ":[0-9a-f]{64}"), d);
    }

    @Test
    void sameDigestsAsTheMacForShortBlockSizedAndLongKeys() throws Exception {
        Random random = new Random(7);
        for (int bytes : new int[] {16, 63, 64, 65, 100}) {
            Path dir = Files.createDirectories(tmp.resolve("k" + bytes));
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < bytes; i++) {
                hex.append(String.format("%02x", random.nextInt(256)));
            }
            Files.writeString(dir.resolve(EvidenceKey.FILE), hex, StandardCharsets.US_ASCII);
            assertSameAsMac(EvidenceKey.loadOrCreate(dir));
        }
    }

    @Test
    void anotherKeyGivesAnotherDigest() throws Exception {
        EvidenceKey a = EvidenceKey.loadOrCreate(Files.createDirectories(tmp.resolve("a")));
        EvidenceKey b = EvidenceKey.loadOrCreate(Files.createDirectories(tmp.resolve("b")));
        assertNotEquals(new KeyedDigest(a).digest("{\"amount\":600}").substring(21), new KeyedDigest(b).digest("{\"amount\":600}").substring(21));
    }
}
