package dev.warden.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class IdentityTableTest {
    @Test
    void keysCompareByIdentityNotEquality() {
        IdentityTable<String> t = new IdentityTable<>(1000);
        String a = new String("same");
        String b = new String("same");
        t.put(a, "first");
        assertEquals("first", t.get(a));
        assertNull(t.get(b));
        t.put(b, "second");
        assertEquals("first", t.get(a));
        assertEquals("second", t.remove(b));
        assertNull(t.get(b));
    }

    @Test
    void theTableIsBounded() {
        IdentityTable<Integer> t = new IdentityTable<>(256);
        Object[] keep = new Object[10_000];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = new Object();
            t.put(keep[i], i);
        }
        assertEquals(true, t.size() <= 256 + 16 * 16, "size " + t.size());
    }
}
