package dev.warden.rules.evidence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class EvidenceCodecTest {

    static EvidenceRecord sample() {
        EvidenceRecord r = new EvidenceRecord();
        r.type = EvidenceRecord.Type.DECISION;
        r.instance = "5f0c2d1e-aaaa-bbbb-cccc-0123456789ab";
        r.seq = 42;
        r.timeMicros = 1_795_000_000_123_456L;
        r.agent = "refund-bot";
        r.session = "conv-7";
        r.sessionSource = "langchain4j";
        r.parent = "issueRefund";
        r.kind = "http";
        r.target = "POST https://payments.internal.example/refunds";
        r.attributes.put("host", "payments.internal.example");
        r.attributes.put("method", "POST");
        r.argsDigest = "hmac-sha256:k1:abcdef";
        r.decision = "deny";
        r.wouldDecide = "deny";
        r.rules.add("egress-allowlist");
        r.reason = "Tool traffic may only reach our own services — ünïcødé 🚀";
        r.mode = "enforce";
        r.policyName = "refund-agent-baseline";
        r.policyVersion = "sha256:00ff";
        r.policySerial = 7;
        r.controls.add("EU-AI-Act:Art.14");
        r.approvalId = "ap-1";
        r.approver = "alice";
        r.approvalDecision = "approved";
        r.approvalWaitedMs = 1234;
        r.outcomeStatus = "ok";
        r.outcomeDurationUs = 87;
        r.outcomeDetail = "HTTP 201";
        r.prevHash = "aa";
        r.hash = "bb";
        return r;
    }

    @Test
    void roundTripKeepsEveryField() {
        EvidenceRecord r = sample();
        byte[] bytes = EvidenceCodec.encode(r);
        EvidenceRecord back = EvidenceCodec.decode(bytes);
        assertEquals(EvidenceJson.toJson(r), EvidenceJson.toJson(back));
        assertEquals("5f0c2d1e-aaaa-bbbb-cccc-0123456789ab-42", back.id());
        assertArrayEquals(bytes, EvidenceCodec.encode(back));
    }

    @Test
    void emptyRecordRoundTrips() {
        EvidenceRecord r = new EvidenceRecord();
        assertEquals(EvidenceJson.toJson(r), EvidenceJson.toJson(EvidenceCodec.decode(EvidenceCodec.encode(r))));
    }

    @Test
    void writerIsReusableWithoutGrowingOnceLargeEnough() {
        EvidenceCodec.Writer w = new EvidenceCodec.Writer(16);
        EvidenceCodec.encode(sample(), w);
        byte[] buf = w.buffer();
        for (int i = 0; i < 10; i++) {
            EvidenceCodec.encode(sample(), w.reset());
        }
        assertTrue(buf == w.buffer(), "the buffer is reused");
    }

    @Test
    void jsonHasTheDesignShape() {
        String json = EvidenceJson.toJson(sample());
        assertTrue(json.startsWith("{\"id\":\"5f0c2d1e-aaaa-bbbb-cccc-0123456789ab-42\",\"type\":\"decision\",\"time\":\""), json);
        assertTrue(json.contains("\"policy\":{\"name\":\"refund-agent-baseline\",\"version\":\"sha256:00ff\",\"serial\":7}"), json);
        assertTrue(json.contains("\"approval\":{\"id\":\"ap-1\",\"approver\":\"alice\",\"decision\":\"approved\",\"waited_ms\":1234}"), json);
        assertTrue(json.contains("\"outcome\":{\"status\":\"ok\",\"duration_us\":87,\"detail\":\"HTTP 201\"}"), json);
        assertTrue(json.endsWith("\"prev_hash\":\"aa\",\"hash\":\"bb\"}"), json);
        assertTrue(json.contains("\"time\":\"2026-11-18T"), json);
    }

    @Test
    void chainHashCoversContentAndPredecessor() {
        EvidenceRecord r = sample();
        String h1 = EvidenceJson.chainHash("prev", r);
        assertEquals(h1, EvidenceJson.chainHash("prev", r.copy()));
        assertNotEquals(h1, EvidenceJson.chainHash("other", r));
        r.decision = "allow";
        assertNotEquals(h1, EvidenceJson.chainHash("prev", r));
        r.decision = "deny";
        r.hash = "changed-hash-field-is-not-covered";
        assertEquals(h1, EvidenceJson.chainHash("prev", r));
    }

    @Test
    void malformedInputFailsCleanly() {
        byte[] good = EvidenceCodec.encode(sample());
        for (int len = 0; len < good.length; len++) {
            int l = len;
            assertThrows(IllegalArgumentException.class, () -> EvidenceCodec.decode(good, 0, l, new EvidenceRecord()), "truncated at " + len);
        }
        byte[] huge = {EvidenceCodec.MAGIC, EvidenceCodec.FORMAT, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
        assertThrows(IllegalArgumentException.class, () -> EvidenceCodec.decode(huge));
        Random rnd = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = good.clone();
            junk[3 + rnd.nextInt(junk.length - 3)] ^= (byte) (1 + rnd.nextInt(255));
            try {
                EvidenceCodec.decode(junk);
            } catch (IllegalArgumentException expected) {
                // dropped cleanly
            }
        }
        for (int i = 0; i < 5_000; i++) {
            byte[] junk = new byte[rnd.nextInt(64)];
            rnd.nextBytes(junk);
            try {
                EvidenceCodec.decode(junk);
            } catch (IllegalArgumentException expected) {
                // dropped cleanly
            }
        }
    }
}
