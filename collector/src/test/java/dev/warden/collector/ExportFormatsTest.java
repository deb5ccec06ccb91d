package dev.warden.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.collector.export.Csv;
import dev.warden.collector.export.Ocsf;
import dev.warden.rules.evidence.EvidenceRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OCSF API Activity required fields and CSV quoting. */
class ExportFormatsTest {
    static final List<String> OCSF_REQUIRED = List.of("class_uid", "category_uid", "type_uid", "activity_id", "severity_id", "time",
            "metadata", "actor", "api", "src_endpoint", "status_id");

    static EvidenceRecord denied() {
        EvidenceRecord r = new EvidenceRecord();
        r.instance = "i1";
        r.seq = 42;
        r.timeMicros = 1_795_000_000_123_456L;
        r.agent = "refund-bot";
        r.session = "s1";
        r.kind = "http";
        r.target = "POST https://payments.internal.example/refunds";
        r.attributes.put("method", "POST");
        r.attributes.put("host", "payments.internal.example");
        r.attributes.put("port", "443");
        r.decision = "deny";
        r.rules.add("egress-allowlist");
        r.policyName = "baseline";
        r.policyVersion = "sha256:abc";
        r.policySerial = 7;
        return r;
    }

    @Test
    void ocsfApiActivityHasEveryRequiredField() throws Exception {
        JsonNode n = new ObjectMapper().readTree(Ocsf.toJson(denied()));
        for (String f : OCSF_REQUIRED) {
            assertTrue(n.has(f), "missing required OCSF field " + f + " in " + n);
        }
        assertEquals(6003, n.get("class_uid").asInt());
        assertEquals(6, n.get("category_uid").asInt());
        assertEquals(1, n.get("activity_id").asInt(), "POST is Create");
        assertEquals(600301, n.get("type_uid").asInt());
        assertEquals(1_795_000_000_123L, n.get("time").asLong(), "OCSF time is epoch milliseconds");
        assertEquals(2, n.get("status_id").asInt(), "a denied call failed");
        assertEquals("Warden", n.at("/metadata/product/name").asText());
        assertTrue(n.at("/metadata/version").asText().matches("\\d+\\.\\d+\\.\\d+"));
        assertEquals("refund-bot", n.at("/actor/app_name").asText());
        assertEquals("s1", n.at("/actor/session/uid").asText());
        JsonNode auth = n.at("/actor/authorizations/0");
        assertEquals("deny", auth.get("decision").asText());
        assertEquals("sha256:abc", auth.at("/policy/uid").asText());
        assertEquals("baseline", auth.at("/policy/name").asText());
        assertEquals("7", auth.at("/policy/version").asText());
        assertEquals("POST", n.at("/api/operation").asText());
        assertEquals("payments.internal.example", n.at("/dst_endpoint/hostname").asText());
        assertEquals(443, n.at("/dst_endpoint/port").asInt());
    }

    @Test
    void sqlBecomesResourcesAndReadActivity() throws Exception {
        EvidenceRecord r = denied();
        r.kind = "sql";
        r.attributes.clear();
        r.attributes.put("operation", "SELECT");
        r.attributes.put("tables", "customers,orders");
        r.decision = "allow";
        r.outcomeStatus = "ok";
        JsonNode n = new ObjectMapper().readTree(Ocsf.toJson(r));
        assertEquals(2, n.get("activity_id").asInt());
        assertEquals(1, n.get("status_id").asInt());
        assertEquals("customers", n.at("/resources/0/name").asText());
        assertEquals("table", n.at("/resources/0/type").asText());
    }

    @Test
    void csvQuotesAndDisarmsFormulas() {
        EvidenceRecord r = denied();
        r.reason = "=HYPERLINK(\"http://evil\")";
        r.outcomeDetail = "a,b\nc";
        String row = Csv.row(r);
        assertTrue(row.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""), row);
        assertTrue(row.contains("\"a,b\nc\""), row);
        assertEquals(Csv.header().split(",").length, 28);
    }
}
