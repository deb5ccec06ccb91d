package dev.warden.agent.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON a custom or annotated tool's arguments become (what {@code args.<path>} rules read and the digest covers). */
class CustomToolsTest {
    private final StringBuilder scratch = new StringBuilder();

    @Test
    void argumentsAreNamedByParameterAndTypedAsJson() throws Exception {
        String json = CustomTools.arguments("issueRefund\0orderId,amount,urgent,note", new Object[] {"o-1", 600.5, true, null}, scratch);
        assertEquals("{\"orderId\":\"o-1\",\"amount\":600.5,\"urgent\":true,\"note\":null}", json);
        assertEquals(Map.of("orderId", "o-1", "amount", 600.5, "urgent", true), withoutNulls(new ObjectMapper().readValue(json, Map.class)));
    }

    @Test
    void withoutParameterNamesArgumentsArePositional() {
        assertEquals("{\"arg0\":42,\"arg1\":\"x\"}", CustomTools.arguments("refund\0", new Object[] {42, "x"}, scratch));
        assertEquals("{\"arg0\":7}", CustomTools.arguments("refund", new Object[] {7L}, scratch));
        assertEquals("{}", CustomTools.arguments("refund\0", new Object[0], scratch));
    }

    @Test
    void textIsEscapedAndOtherValuesAreTheirText() throws Exception {
        String json = CustomTools.arguments("t\0a,b,c", new Object[] {"say \"hi\"\n\\ \u0001", Double.NaN, new StringBuilder("sb")}, scratch);
        Map<?, ?> back = new ObjectMapper().readValue(json, Map.class);
        assertEquals("say \"hi\"\n\\ \u0001", back.get("a"));
        assertEquals("NaN", back.get("b"));
        assertEquals("sb", back.get("c"));
    }

    @Test
    void theToolNameIsBeforeTheSeparator() {
        assertEquals("issueRefund", CustomTools.name("issueRefund\0orderId"));
        assertEquals("issueRefund", CustomTools.name("issueRefund"));
    }

    private static Map<?, ?> withoutNulls(Map<?, ?> m) {
        m.values().removeIf(v -> v == null);
        return m;
    }
}
