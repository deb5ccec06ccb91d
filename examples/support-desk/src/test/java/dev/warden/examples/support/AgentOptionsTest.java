package dev.warden.examples.support;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentOptionsTest {

    @Test
    void argumentsWinOverSystemPropertiesAndDefaultsFillTheRest() throws Exception {
        Map<String, String> props = Map.of("refund.payments-url", "http://127.0.0.1:2", "refund.mail-url", "http://127.0.0.1:9", "refund.session", "from-props");
        AgentOptions o = AgentOptions.parse(new String[] {"--model-url", "http://127.0.0.1:1/v1/", "--mail-url=http://127.0.0.1:3", "--session", "s-9"}, props::get);
        assertEquals("http://127.0.0.1:1/v1", o.modelUrl());
        assertEquals("http://127.0.0.1:2", o.paymentsUrl());
        assertEquals("http://127.0.0.1:3", o.mailUrl());
        assertEquals("s-9", o.session());
        assertEquals("gpt-4o-mini", o.model());
        assertTrue(o.dbUrl().startsWith("jdbc:h2:mem:support-"));
        assertEquals(1, o.repeat());
        assertEquals(3, AgentOptions.parse(new String[] {"--repeat", "3"}, Map.of("refund.model-url", "http://m/v1", "refund.payments-url", "http://p", "refund.mail-url", "http://m")::get).repeat());
    }

    @Test
    void badArgumentsGiveOneLine() {
        Map<String, String> none = Map.of();
        assertEquals("--model-url is required (or -Drefund.model-url=URL); usage: " + AgentOptions.USAGE,
                assertThrows(AgentOptions.UsageException.class, () -> AgentOptions.parse(new String[0], none::get)).getMessage());
        assertEquals("--payments-url must be an http(s) URL, not localhost:8080",
                assertThrows(AgentOptions.UsageException.class, () -> AgentOptions.parse(
                        new String[] {"--model-url", "http://a/v1", "--payments-url", "localhost:8080", "--mail-url", "http://b"}, none::get)).getMessage());
        assertTrue(assertThrows(AgentOptions.UsageException.class, () -> AgentOptions.parse(new String[] {"--modle-url", "x"}, none::get))
                .getMessage().startsWith("unknown argument --modle-url"));
        assertEquals("--repeat must be a whole number of at least 1, not 0", assertThrows(AgentOptions.UsageException.class,
                () -> AgentOptions.parse(new String[] {"--model-url", "http://a/v1", "--payments-url", "http://p", "--mail-url", "http://b", "--repeat", "0"}, none::get)).getMessage());
        assertEquals("--session needs a value", assertThrows(AgentOptions.UsageException.class,
                () -> AgentOptions.parse(new String[] {"--session"}, none::get)).getMessage());
    }
}
