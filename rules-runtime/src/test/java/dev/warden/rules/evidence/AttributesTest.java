package dev.warden.rules.evidence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Attributes} behaves like the {@code LinkedHashMap} it replaced in {@link EvidenceRecord}. */
class AttributesTest {

    @Test
    void randomOperationsMatchALinkedHashMap() {
        Random rnd = new Random(7);
        Attributes a = new Attributes();
        Map<String, String> expected = new LinkedHashMap<>();
        for (int step = 0; step < 20_000; step++) {
            String key = "k" + rnd.nextInt(14);
            switch (rnd.nextInt(6)) {
                case 0, 1, 2 -> assertEquals(expected.put(key, "v" + step), a.put(key, "v" + step));
                case 3 -> assertEquals(expected.remove(key), a.remove(key));
                case 4 -> assertEquals(expected.get(key), a.get(key));
                default -> {
                    if (rnd.nextInt(20) == 0) {
                        expected.clear();
                        a.clear();
                    }
                }
            }
            assertEquals(expected.size(), a.size());
        }
        assertEquals(new ArrayList<>(expected.entrySet()), new ArrayList<>(a.entrySet()));
        assertEquals(expected, a);
        assertEquals(a, expected);
        assertEquals(expected.hashCode(), a.hashCode());
        assertEquals(expected.toString(), a.toString());
    }

    @Test
    void keepsInsertionOrderAndPositionOnReplace() {
        Attributes a = new Attributes();
        for (int i = 0; i < 12; i++) {
            a.put("k" + i, "v" + i); // grows past the initial capacity
        }
        a.put("k3", "changed");
        assertEquals("k3", a.keyAt(3));
        assertEquals("changed", a.valueAt(3));
        assertEquals(List.of("k0", "k1", "k2", "k3"), new ArrayList<>(a.keySet()).subList(0, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> a.keyAt(12));
        assertThrows(NullPointerException.class, () -> a.put(null, "x"));
        assertNull(a.get(null));
        assertFalse(a.containsKey(null));
    }

    @Test
    void iteratorRemovesAndEntriesWriteThrough() {
        Attributes a = new Attributes();
        a.put("a", "1");
        a.put("b", "2");
        a.put("c", "3");
        Iterator<Map.Entry<String, String>> it = a.entrySet().iterator();
        it.next().setValue("one");
        assertEquals("b", it.next().getKey());
        it.remove();
        assertTrue(it.hasNext());
        assertEquals("c", it.next().getKey());
        assertEquals(Map.of("a", "one", "c", "3"), a);
        assertEquals(List.of("a", "c"), new ArrayList<>(a.keySet()));
    }

    @Test
    void reusedRecordRoundTripsThroughTheCodec() {
        EvidenceRecord r = new EvidenceRecord();
        for (int i = 0; i < 3; i++) {
            r.clear();
            r.attributes.put("method", "GET");
            r.attributes.put("host", "h" + i);
            EvidenceRecord back = EvidenceCodec.decode(EvidenceCodec.encode(r));
            assertEquals(r.attributes, back.attributes);
            assertEquals(List.of("method", "host"), new ArrayList<>(back.attributes.keySet()));
        }
    }
}
