package dev.warden.rules.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Reading argument values in place, and answering a repeated find (same text, same path) from the
 * previous one: the answer must always be the one a fresh parse would give.
 */
class JsonSliceTest {
    static final String[] AMOUNT = {"amount"};
    static final String[] CUSTOMER = {"customer"};
    static final String[] NESTED_AMOUNT = {"order", "amount"};

    @Test
    void alternatingPathsOnTheSameTextEachGetTheirOwnValue() {
        JsonSlice s = new JsonSlice();
        String json = "{\"amount\":12.5,\"customer\":\"c-17\",\"order\":{\"amount\":3}}";
        for (int i = 0; i < 3; i++) {
            assertTrue(s.find(json, AMOUNT));
            assertEquals(JsonSlice.Type.NUMBER, s.type());
            assertEquals(12.5, s.number());
            assertTrue(s.find(json, AMOUNT)); // answered from the previous find
            assertEquals(12.5, s.number());
            assertTrue(s.find(json, CUSTOMER));
            assertEquals(JsonSlice.Type.STRING, s.type());
            assertEquals("c-17", s.toString());
            assertTrue(s.find(json, NESTED_AMOUNT));
            assertEquals(3, s.number());
        }
    }

    @Test
    void anEqualPathInAnotherArrayAndAnotherTextAreParsedAfresh() {
        JsonSlice s = new JsonSlice();
        assertTrue(s.find("{\"amount\":1}", AMOUNT));
        assertEquals(1, s.number());
        assertTrue(s.find("{\"amount\":2}", new String[] {"amount"}));
        assertEquals(2, s.number());
        assertTrue(s.find(new String("{\"amount\":1}"), AMOUNT));
        assertEquals(1, s.number());
    }

    @Test
    void aFailedFindIsNeverAnsweredFromAnEarlierSuccess() {
        JsonSlice s = new JsonSlice();
        String json = "{\"amount\":7}";
        assertTrue(s.find(json, AMOUNT));
        assertFalse(s.find(json, CUSTOMER));
        assertFalse(s.find("{\"amount\":", AMOUNT), "malformed text");
        assertFalse(s.find(json, NESTED_AMOUNT));
        assertTrue(s.find(json, AMOUNT));
        assertEquals(7, s.number());
    }

    @Test
    void morePathsThanTheMemoHoldsStillReadCorrectly() {
        JsonSlice s = new JsonSlice();
        String json = "{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6}";
        String[][] paths = {{"a"}, {"b"}, {"c"}, {"d"}, {"e"}, {"f"}};
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < paths.length; i++) {
                assertTrue(s.find(json, paths[i]));
                assertEquals(i + 1, s.number(), "path " + paths[i][0]);
            }
        }
    }

    @Test
    void keysWithEscapesAndTheBackslashScanStayWithinTheKey() {
        JsonSlice s = new JsonSlice();
        assertTrue(s.find("{\"am\\u006funt\":5,\"note\":\"a\\\\b\"}", AMOUNT));
        assertEquals(5, s.number());
        assertTrue(s.find("{\"amount\":6,\"note\":\"a\\\\b\"}", AMOUNT));
        assertEquals(6, s.number());
        assertTrue(s.find("{\"note\":\"x\\\"y\",\"amount\":8}", AMOUNT));
        assertEquals(8, s.number());
    }
}
