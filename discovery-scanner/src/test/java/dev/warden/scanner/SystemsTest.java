package dev.warden.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What names a host or a database, and what only looks like one. */
class SystemsTest {
    @Test
    void hostNamesAddressesAndServiceNamesArePlausible() {
        for (String h : new String[] {"api.stripe.com", "api.openai.com", "s3.eu-central-1.amazonaws.com", "127.0.0.1", "10.0.0.12", "::1",
            "localhost", "payments", "llm.internal.example", "tickets.corp.example", "orders.default.svc", "db.svc.cluster.local",
            "status.example.net", "mail.acme.co.uk", "xn--bcher-kva.example", "my_service"}) {
            assertTrue(Systems.isPlausibleHost(h), h);
        }
    }

    @Test
    void dottedJavaNamesAndFragmentsAreNotHosts() {
        for (String h : new String[] {"javax.xml.xmlconstants", "org.h2.jdbcx", "java.lang.string", "a..b", "{host}", "-bad.com", "12345",
            "x".repeat(64) + ".com", "", "host.invalid", "svc_name.com_"}) {
            assertFalse(Systems.isPlausibleHost(h), h);
        }
    }

    @Test
    void aPortSetAtRunTimeIsNotTheSchemesDefault() {
        assertEquals(0, Systems.url("http://127.0.0.1:*/refunds").port());
        assertEquals(-1, Systems.url("https://api.stripe.com/v1").port());
        assertEquals(8080, Systems.url("http://tickets.corp.example:8080/api").port());
        assertEquals("*", Systems.url("https://*/v1").host());
    }

    @Test
    void aJdbcUrlMustNameAHostOrADatabase() {
        assertNull(Systems.jdbc("jdbc:h2:mem:"));
        assertNull(Systems.jdbc("jdbc:postgresql:"));
        assertEquals("support-*", Systems.jdbc("jdbc:h2:mem:support-*;DB_CLOSE_DELAY=-1").database());
        Systems.Jdbc pg = Systems.jdbc("jdbc:postgresql://db.corp.example:5432/ops?user=ops&password=hunter2");
        assertEquals("db.corp.example", pg.host());
        assertEquals("jdbc:postgresql://db.corp.example:5432/ops?user=&password=", pg.sanitized());
    }
}
