package dev.warden.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {
    @TempDir
    Path tmp;

    static AgentConfig parse(String args) throws ConfigException {
        return AgentConfig.parse(args, Map.of(), Map.of());
    }

    @Test
    void agentArgumentsBeatSystemPropertiesWhichBeatTheEnvironment() throws Exception {
        AgentConfig c = AgentConfig.parse("agent=from-args",
                Map.of("warden.agent", "from-props", "warden.evidence", "/props/ev"),
                Map.of("WARDEN_AGENT", "from-env", "WARDEN_EVIDENCE", "/env/ev", "WARDEN_POLICY_KEY", "/env/key", "WARDEN_MODE", "monitor"));
        assertEquals("from-args", c.agent);
        assertEquals(Path.of("/props/ev"), c.evidence);
        assertEquals(Path.of("/env/key"), c.policyKey);
        assertTrue(c.monitor);
    }

    @Test
    void defaultsFollowTheContract() throws Exception {
        AgentConfig c = parse("policy=p.yaml");
        assertEquals(Path.of("warden-evidence"), c.evidence);
        assertEquals(AgentConfig.Failure.CLOSED, c.failure);
        assertEquals(AgentConfig.Approvals.DENY, c.approvals);
        assertFalse(c.monitor);
        assertNull(c.collector);
        assertEquals(AgentConfig.Approvals.COLLECTOR, parse("collector=collector.local:7070").approvals, "with a collector, approvals go there");
        assertTrue(c.agent.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"), c.agent);
    }

    @Test
    void hostileArgumentsGetOneClearMessage() {
        assertEquals("unknown agent argument 'polcy' (known keys: policy, agent, evidence, collector, mode, approvals, failure, config, policy-key, verify, heartbeat)",
                assertThrows(ConfigException.class, () -> parse("polcy=x")).getMessage());
        assertTrue(assertThrows(ConfigException.class, () -> parse("agent=../../etc")).getMessage().contains("not a valid agent id"));
        assertTrue(assertThrows(ConfigException.class, () -> parse("agent=a/b")).getMessage().contains("not a valid agent id"));
        assertTrue(assertThrows(ConfigException.class, () -> parse("mode=enforce-harder")).getMessage().contains("not one of: monitor, enforce"));
        assertTrue(assertThrows(ConfigException.class, () -> parse("failure=maybe")).getMessage().contains("not one of: closed, open"));
        assertTrue(assertThrows(ConfigException.class, () -> parse("collector=host")).getMessage().contains("not HOST:PORT"));
        assertTrue(assertThrows(ConfigException.class, () -> parse("collector=host:99999")).getMessage().contains("not HOST:PORT"));
        assertTrue(assertThrows(ConfigException.class, () -> parse("policy=a,policy=b")).getMessage().contains("given twice"));
        assertTrue(assertThrows(ConfigException.class, () -> parse("justtext")).getMessage().contains("is not key=value"));
        assertTrue(assertThrows(ConfigException.class, () -> parse("policy=a\u0007b")).getMessage().contains("control character"));
        assertTrue(assertThrows(ConfigException.class, () -> parse("policy=")).getMessage().contains("empty value"));
    }

    @Test
    void theConfigFileFillsWhatTheArgumentsLeaveOpen() throws Exception {
        Path file = Files.writeString(tmp.resolve("warden.yaml"), "agent: from-file\nfailure: open\ntools:\n  - com.example.Tools#refund\n");
        AgentConfig c = parse("config=" + file + ",agent=from-args");
        assertEquals("from-args", c.agent);
        assertEquals(AgentConfig.Failure.OPEN, c.failure);
        assertTrue(c.extra.containsKey("tools"));

        Path bad = Files.writeString(tmp.resolve("bad.yaml"), "colector: x:1\n");
        assertTrue(assertThrows(ConfigException.class, () -> parse("config=" + bad)).getMessage().contains("unknown setting 'colector'"));
        assertTrue(assertThrows(ConfigException.class, () -> parse("config=" + tmp.resolve("missing.yaml"))).getMessage().contains("cannot be read"));
    }

    @Test
    void theHeartbeatIntervalIsSettableEveryWay() throws Exception {
        assertEquals(AgentConfig.DEFAULT_HEARTBEAT_MILLIS, parse("policy=p.yaml").heartbeatMillis);
        assertEquals(300, parse("heartbeat=300").heartbeatMillis);
        assertEquals(700, AgentConfig.parse(null, Map.of("warden.heartbeat", "700"), Map.of()).heartbeatMillis);
        assertEquals(900, AgentConfig.parse(null, Map.of(), Map.of("WARDEN_HEARTBEAT", "900")).heartbeatMillis);
        Path file = Files.writeString(tmp.resolve("hb.yaml"), "heartbeat: 1200\npolicy-key: keys/order-signing.pub\n");
        AgentConfig c = parse("config=" + file);
        assertEquals(1200, c.heartbeatMillis);
        assertEquals(Path.of("keys/order-signing.pub"), c.policyKey);
        assertEquals("heartbeat=5s is not a number of milliseconds between 50 and 3600000",
                assertThrows(ConfigException.class, () -> parse("heartbeat=5s")).getMessage());
        assertTrue(assertThrows(ConfigException.class, () -> parse("heartbeat=1")).getMessage().contains("between 50 and 3600000"));
    }

    @Test
    void theFailureModeSurvivesAnUnusableConfiguration() {
        assertEquals(AgentConfig.Failure.OPEN, AgentConfig.failureModeOf("bogus=1,failure=open", Map.of(), Map.of()));
        assertEquals(AgentConfig.Failure.OPEN, AgentConfig.failureModeOf("bogus", Map.of(), Map.of("WARDEN_FAILURE", "open")));
        assertEquals(AgentConfig.Failure.CLOSED, AgentConfig.failureModeOf("nonsense", Map.of(), Map.of()));
    }
}
