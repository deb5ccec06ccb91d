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

    @Test
    void aRepeatedKeyReadsAsItsLastOccurrenceAsJacksonBindsIt() {
        JsonSlice s = new JsonSlice();
        // a model that repeats a key must not pass a rule with the first value and run with the last
        String json = "{\"amount\":1,\"customer\":\"c-1\",\"amount\":5000,\"order\":{\"amount\":2,\"amount\":7}}";
        assertTrue(s.find(json, AMOUNT));
        assertEquals(5000, s.number());
        assertTrue(s.find(json, NESTED_AMOUNT));
        assertEquals(7, s.number());
        assertTrue(s.find(json, CUSTOMER));
        assertEquals("c-1", s.toString());
        assertTrue(s.find(json, AMOUNT));
        assertEquals(5000, s.number());
    }

    @Test
    void everyPathOfOneTextReadsWhatAFreshParseReads() {
        String json = "{ \"a\" : 1 , \"b\":\"x\\\"y\", \"c\":[1,{\"d\":2}], \"\\u0065\":true, \"f\":{\"g\":null} }";
        String[][] paths = {{"a"}, {"b"}, {"c", "1", "d"}, {"e"}, {"f", "g"}, {"missing"}, {"f", "missing"}};
        String[] expected = {"1", "x\"y", "2", "true", "null", null, null};
        JsonSlice shared = new JsonSlice();
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < paths.length; i++) {
                JsonSlice fresh = new JsonSlice();
                boolean f = fresh.find(json, paths[i]);
                assertEquals(expected[i] != null, f, "fresh " + String.join(".", paths[i]));
                assertEquals(f, shared.find(json, paths[i]), "shared " + String.join(".", paths[i]));
                if (f) {
                    assertEquals(expected[i], fresh.toString());
                    assertEquals(expected[i], shared.toString());
                }
            }
        }
    }

    @Test
    void moreMembersThanTheIndexHoldsAndMalformedTextsStillReadCorrectly() {
        StringBuilder big = new StringBuilder("{");
        for (int i = 0; i < 40; i++) {
            big.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
        }
        big.append(",\"k3\":333}");
        String json = big.toString();
        JsonSlice s = new JsonSlice();
        assertTrue(s.find(json, new String[] {"k39"}));
        assertEquals(39, s.number());
        assertTrue(s.find(json, new String[] {"k3"}));
        assertEquals(333, s.number(), "past the index, a repeated key still reads as its last occurrence");
        assertFalse(s.find("{\"amount\":1,\"customer\":", CUSTOMER), "text ends inside the object");
        assertFalse(s.find("{\"amount\" 1}", AMOUNT), "no colon");
        assertFalse(s.find("[{\"amount\":1}]", AMOUNT), "not an object");
        assertTrue(s.find("[{\"amount\":1}]", new String[] {"0", "amount"}));
        assertEquals(1, s.number());
        assertTrue(s.find("{}", AMOUNT) == false);
    }

    @Test
    void pathsReadAgainInTheSameTextAnswerAsTheFirstReadDid() {
        JsonSlice s = new JsonSlice();
        String json = "{\"amount\":\"12.50\",\"note\":\"a\\nb\",\"customer\":\"c-9\"}";
        String[] note = {"note"};
        String[] missing = {"missing"};
        for (int round = 0; round < 3; round++) {
            assertTrue(s.find(json, AMOUNT));
            assertEquals(12.5, s.number());
            assertEquals("12.50", s.toString());
            assertTrue(s.find(json, note));
            assertEquals("a\nb", s.toString(), "an escaped string is decoded every time");
            assertFalse(s.find(json, missing));
            assertTrue(s.find(json, CUSTOMER));
            assertEquals(JsonSlice.Type.STRING, s.type());
            assertTrue(s.contentEquals("c-9"));
            assertEquals(Double.NaN, s.number());
        }
        String other = "{\"amount\":3,\"missing\":true}";
        assertTrue(s.find(other, missing), "a new text is read afresh");
        assertEquals(JsonSlice.Type.TRUE, s.type());
        assertTrue(s.find(other, AMOUNT));
        assertEquals(3, s.number());
    }

    @Test
    void longTextsAndShortOnesAfterThemReadTheirOwnCharacters() {
        JsonSlice s = new JsonSlice();
        String filler = "x".repeat(40_000);
        String long1 = "{\"note\":\"" + filler + "\",\"amount\":41}";
        String mid = "{\"note\":\"" + filler.substring(0, 5_000) + "\",\"amount\":42}";
        String small = "{\"amount\":43}";
        for (int round = 0; round < 2; round++) {
            assertTrue(s.find(long1, AMOUNT));
            assertEquals(41, s.number());
            assertTrue(s.find(small, AMOUNT));
            assertEquals(43, s.number());
            assertTrue(s.find(mid, AMOUNT));
            assertEquals(42, s.number());
            assertTrue(s.find(mid, new String[] {"note"}));
            assertEquals(5_000, s.length());
            assertTrue(s.find(small, AMOUNT));
            assertEquals("43", s.toString());
        }
        assertFalse(s.find("{\"amount\":\"4", AMOUNT), "a string the text ends inside");
        assertFalse(s.find("{\"amount\":tru", AMOUNT), "a literal the text ends inside");
        assertFalse(s.find("{\"amount\":{\"a\":1", AMOUNT), "an object the text ends inside");
        assertFalse(s.find("{\"amount\":\"\\u00\"}", AMOUNT), "a unicode escape cut short");
        assertFalse(s.find("   ", AMOUNT));
    }
}
