package dev.warden.rules.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrderTest {
    private static final byte[] POLICY = "version: 1\nname: p\ndefault: allow\nrules: []\n".getBytes(StandardCharsets.UTF_8);

    private static Order policy(long serial) {
        return new Order(Order.POLICY, serial, Order.ALL, null, "alice", "tighten egress", 1_700_000_000_000_000L,
                "p.yaml", 0, POLICY, null);
    }

    @Test
    void aSignedOrderRoundTripsAndVerifiesOnlyUnderItsKey() {
        KeyPair k = OrderKeys.generate();
        Order o = policy(12).sign(k.getPrivate());
        byte[] wire = o.encode();
        Order back = Order.decode(wire, 0, wire.length);
        assertTrue(back.verify(k.getPublic()));
        assertFalse(back.verify(OrderKeys.generate().getPublic()));
        assertEquals(12, back.serial);
        assertEquals("p.yaml", back.contentName);
        assertArrayEquals(POLICY, back.content());
        assertTrue(back.targets("anyone"));
        assertEquals("policy #12 -> * by alice: tighten egress", back.toString());
    }

    @Test
    void unsignedOrTamperedOrdersDoNotVerify() {
        KeyPair k = OrderKeys.generate();
        Order unsigned = policy(3);
        byte[] wire = unsigned.encode();
        Order back = Order.decode(wire, 0, wire.length);
        assertNull(back.signature());
        assertFalse(back.verify(k.getPublic()));

        byte[] signed = policy(3).sign(k.getPrivate()).encode();
        // raise the serial in place (a replay dressed up as new): byte 15 is the serial's low byte
        signed[15] ^= 1;
        Order tampered = Order.decode(signed, 0, signed.length);
        assertFalse(tampered.verify(k.getPublic()));
    }

    @Test
    void killAndResumeCarryScopeAndNoContent() {
        KeyPair k = OrderKeys.generate();
        Order kill = new Order(Order.KILL, 40, "refund-bot", "issueRefund", "bob", "fraud", 1, null, 0, null, null)
                .sign(k.getPrivate());
        byte[] w = kill.encode();
        Order back = Order.decode(w, 0, w.length);
        assertTrue(back.verify(k.getPublic()));
        assertEquals("kill", back.typeName());
        assertEquals("issueRefund", back.tool);
        assertTrue(back.targets("refund-bot"));
        assertFalse(back.targets("other-bot"));
        assertEquals(0, back.content().length);
    }

    @Test
    void malformedInputIsRefusedWithAReason() {
        byte[] w = policy(1).encode();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Order.decode(w, 0, w.length - 3));
        assertEquals("truncated frame", e.getMessage());
        byte[] junk = "hello".getBytes(StandardCharsets.US_ASCII);
        assertThrows(IllegalArgumentException.class, () -> Order.decode(junk, 0, junk.length));
        assertThrows(IllegalArgumentException.class, () -> new Order(Order.POLICY, 0, "*", null, "a", null, 0, null, 0, POLICY, null));
        assertThrows(IllegalArgumentException.class, () -> new Order(Order.POLICY, 1, "*", null, "a", null, 0, null, 0, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new Order(Order.POLICY, 1, "*", null, "a", null, 0, null, 0, new byte[Order.MAX_CONTENT + 1], null));
    }

    @Test
    void keysPersistAsPemAndBadFilesGiveOneLine(@TempDir Path dir) throws IOException {
        Path priv = dir.resolve("keys/order-signing.key");
        Path pub = dir.resolve("keys/order-signing.pub");
        KeyPair a = OrderKeys.loadOrCreate(priv, pub);
        KeyPair b = OrderKeys.loadOrCreate(priv, pub);
        assertArrayEquals(a.getPublic().getEncoded(), b.getPublic().getEncoded());
        assertEquals(OrderKeys.fingerprint(a.getPublic()), OrderKeys.fingerprint(OrderKeys.readPublic(pub)));
        assertTrue(Files.readString(pub).startsWith("-----BEGIN PUBLIC KEY-----"));
        Order o = policy(1).sign(b.getPrivate());
        assertTrue(o.verify(OrderKeys.readPublic(pub)));

        Path bad = dir.resolve("bad.pub");
        Files.writeString(bad, "not a key");
        IOException e = assertThrows(IOException.class, () -> OrderKeys.readPublic(bad));
        assertEquals(bad + ": expected a PEM '-----BEGIN PUBLIC KEY-----' block", e.getMessage());
        IOException missing = assertThrows(IOException.class, () -> OrderKeys.readPublic(dir.resolve("nope.pub")));
        assertTrue(missing.getMessage().endsWith("nope.pub: no such key file"));
        IOException wrongType = assertThrows(IOException.class, () -> OrderKeys.readPublic(priv));
        assertTrue(wrongType.getMessage().contains("expected a PEM"));
    }
}
