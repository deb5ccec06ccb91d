package dev.warden.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.agent.approval.FixedApprovals;
import dev.warden.agent.bootstrap.BlockedIOException;
import dev.warden.agent.evidence.EvidenceKey;
import dev.warden.agent.evidence.EvidenceLog;
import dev.warden.agent.evidence.EvidenceQueueReader;
import dev.warden.agent.runtime.Call;
import dev.warden.agent.runtime.Governor;
import dev.warden.rules.control.Order;
import dev.warden.rules.control.OrderKeys;
import dev.warden.rules.evidence.EvidenceRecord;
import dev.warden.rules.policy.PolicyParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Orders on the agent without a wire: verification, atomic application, evidence and persistence across a restart. */
class HeldOrdersTest {
    static final String LOCAL = "version: 1\nname: local\ndefault: allow\nrules: []\n";
    static final String NO_RM = """
            version: 1
            name: pushed
            default: allow
            rules:
              - id: no-rm
                match: { kind: process, command: rm }
                action: deny
            """;
    static final KeyPair COLLECTOR = OrderKeys.generate();
    static final KeyPair OTHER = OrderKeys.generate();

    @TempDir
    Path tmp;
    final List<EvidenceLog> logs = new ArrayList<>();

    @AfterEach
    void close() {
        logs.forEach(EvidenceLog::close);
    }

    Governor governor() throws Exception {
        EvidenceLog log = EvidenceLog.open(tmp, "bot", "instance-" + System.nanoTime());
        logs.add(log);
        return new Governor("bot", PolicyParser.parse(LOCAL.getBytes(StandardCharsets.UTF_8), "local.yaml"), log, null,
                EvidenceKey.loadOrCreate(tmp), FixedApprovals.DENY, true, false);
    }

    HeldOrders held(Governor g) {
        return new HeldOrders("bot", COLLECTOR.getPublic(), null, tmp, g);
    }

    static Order policy(long serial, String target, String yaml) {
        return new Order(Order.POLICY, serial, target, null, "alice", "rollout", 1L, "p.yaml", 0,
                yaml.getBytes(StandardCharsets.UTF_8), null);
    }

    static Order kill(long serial, String tool) {
        return new Order(Order.KILL, serial, "*", tool, "alice", "incident 42", 1L, null, 0, null, null);
    }

    static Order resume(long serial, String tool) {
        return new Order(Order.RESUME, serial, "*", tool, "alice", "fixed", 1L, null, 0, null, null);
    }

    List<EvidenceRecord> all() throws Exception {
        for (EvidenceLog l : logs) {
            assertTrue(l.awaitWritten(10_000));
        }
        return EvidenceQueueReader.readAllCopies(tmp);
    }

    List<EvidenceRecord> control() throws Exception {
        return all().stream().filter(r -> "control".equals(r.kind)).toList();
    }

    EvidenceRecord lastDecision() throws Exception {
        return all().stream().filter(r -> r.type == EvidenceRecord.Type.DECISION).reduce((a, b) -> b).orElseThrow();
    }

    @Test
    void aSignedPolicyIsAppliedAtomicallyAndAcknowledgedWithItsVersion() throws Exception {
        Governor g = governor();
        HeldOrders h = held(g);
        HeldOrders.Outcome o = h.receive(policy(5, "bot", NO_RM).sign(COLLECTOR.getPrivate()));
        assertTrue(o.applied(), o.detail());
        assertEquals("pushed", g.policy().name);
        assertEquals(5, g.policy().serial);
        assertEquals(PolicyParser.sha256(NO_RM.getBytes(StandardCharsets.UTF_8)), o.policyVersion());
        assertInstanceOf(BlockedIOException.class, g.processStart(new ProcessBuilder("rm", "x")));

        EvidenceRecord decision = lastDecision();
        assertEquals(5, decision.policySerial, "decisions under a pushed policy carry its serial");
        EvidenceRecord applied = control().get(0);
        assertEquals("order-applied", applied.event);
        assertEquals("allow", applied.decision);
        assertEquals(5, applied.policySerial);
        assertEquals(o.policyVersion(), applied.policyVersion);
    }

    @Test
    void aPushedPolicyWinsOverEditsOfTheLocalFile() throws Exception {
        Path file = Files.writeString(tmp.resolve("local.yaml"), LOCAL);
        dev.warden.agent.policy.PolicyFile local = new dev.warden.agent.policy.PolicyFile(file);
        Governor g = governor();
        assertEquals("local", local.load().policy().name);
        local.watch(g);
        assertTrue(held(g).receive(policy(5, "bot", NO_RM).sign(COLLECTOR.getPrivate())).applied());

        Files.writeString(file, LOCAL.replace("name: local", "name: edited-locally"));
        local.check(); // the change is seen
        local.check(); // and acted on once the file is stable
        assertEquals("pushed", g.policy().name, "the pushed policy stays in force");
        EvidenceRecord ignored = all().stream().filter(r -> "policy-refused".equals(r.event)).findFirst().orElseThrow();
        assertTrue(ignored.reason.contains("the pushed policy pushed (serial 5) is in force; the edit is ignored"), ignored.reason);
    }

    @Test
    void unsignedForgedReplayedMistargetedAndInvalidOrdersAreRefusedAndRecorded() throws Exception {
        Governor g = governor();
        HeldOrders h = held(g);
        assertTrue(h.receive(policy(5, "*", NO_RM).sign(COLLECTOR.getPrivate())).applied());
        String version = g.policy().version;

        List<HeldOrders.Outcome> refused = List.of(
                h.receive(policy(6, "bot", LOCAL)),                                       // unsigned
                h.receive(policy(7, "bot", LOCAL).sign(OTHER.getPrivate())),             // forged
                h.receive(policy(4, "bot", LOCAL).sign(COLLECTOR.getPrivate())),         // replayed: lower serial
                h.receive(policy(5, "bot", LOCAL).sign(COLLECTOR.getPrivate())),         // replayed: equal serial, other bytes
                h.receive(policy(8, "other-bot", LOCAL).sign(COLLECTOR.getPrivate())),   // wrong target
                h.receive(policy(9, "bot", "version: 1\nname: broken\nrules: [\n").sign(COLLECTOR.getPrivate())));
        List<String> reasons = refused.stream().map(HeldOrders.Outcome::detail).toList();
        assertTrue(refused.stream().noneMatch(HeldOrders.Outcome::applied), reasons.toString());
        assertTrue(reasons.get(0).startsWith("unsigned"), reasons.get(0));
        assertTrue(reasons.get(1).startsWith("bad signature"), reasons.get(1));
        assertTrue(reasons.get(2).startsWith("replayed") && reasons.get(2).contains("older"), reasons.get(2));
        assertTrue(reasons.get(3).startsWith("replayed") && reasons.get(3).contains("other content"), reasons.get(3));
        assertTrue(reasons.get(4).startsWith("wrong target"), reasons.get(4));
        assertTrue(reasons.get(5).startsWith("invalid policy: p.yaml:"), reasons.get(5));
        assertEquals(version, g.policy().version, "nothing refused changes what is enforced");
        assertTrue(refused.stream().allMatch(o -> version.equals(o.policyVersion())));

        // an identical re-delivery (the collector re-sends what is in force on WELCOME) is acknowledged again
        assertTrue(h.receive(policy(5, "*", NO_RM).sign(COLLECTOR.getPrivate())).applied());

        List<EvidenceRecord> ev = control();
        List<EvidenceRecord> refusals = ev.stream().filter(r -> "order-refused".equals(r.event)).toList();
        assertEquals(6, refusals.size(), ev.toString());
        assertTrue(refusals.stream().allMatch(r -> "deny".equals(r.decision) && r.policySerial == 5));
        assertTrue(refusals.get(1).reason.contains("bad signature"), refusals.get(1).reason);
        assertEquals("policy #8 -> other-bot by alice", refusals.get(4).target);
    }

    @Test
    void withoutAPolicyKeyEveryOrderIsRefused() throws Exception {
        Governor g = governor();
        HeldOrders h = new HeldOrders("bot", null, "the agent was started without policy-key=FILE", tmp, g);
        HeldOrders.Outcome o = h.receive(kill(3, null).sign(COLLECTOR.getPrivate()));
        assertFalse(o.applied());
        assertTrue(o.detail().startsWith("no policy-key"), o.detail());
        assertTrue(g.evaluator().killSwitch().isEmpty());
        assertEquals("order-refused", control().get(0).event);
    }

    @Test
    void killDeniesTheNextGovernedCallNamingTheOrderAndResumeRestores() throws Exception {
        Governor g = governor();
        HeldOrders h = held(g);
        assertTrue(h.receive(kill(11, null).sign(COLLECTOR.getPrivate())).applied());
        BlockedIOException b = assertInstanceOf(BlockedIOException.class, g.processStart(new ProcessBuilder("echo", "hi")));
        assertTrue(b.getMessage().contains("kill-11"), b.getMessage());
        EvidenceRecord denied = lastDecision();
        assertEquals(List.of("kill-11"), denied.rules);
        assertTrue(denied.reason.startsWith("kill order #11 by alice"), denied.reason);

        assertTrue(h.receive(resume(12, null).sign(COLLECTOR.getPrivate())).applied());
        Object token = g.processStart(new ProcessBuilder("echo", "hi"));
        assertInstanceOf(Call.class, token);
        g.exit(token, null, -1, null);
        // the kill it lifted cannot be replayed
        HeldOrders.Outcome replay = h.receive(kill(11, null).sign(COLLECTOR.getPrivate()));
        assertFalse(replay.applied());
        assertTrue(replay.detail().startsWith("replayed"), replay.detail());
        assertTrue(control().stream().anyMatch(r -> r.rules.contains("kill-11") && "order-applied".equals(r.event)));
    }

    @Test
    void aToolKillStopsOnlyThatTool() throws Exception {
        Governor g = governor();
        HeldOrders h = held(g);
        assertTrue(h.receive(kill(20, "refund").sign(COLLECTOR.getPrivate())).applied());
        assertEquals(1, g.evaluator().killSwitch().orders().size());
        Object token = g.processStart(new ProcessBuilder("echo", "hi"));
        assertInstanceOf(Call.class, token, "a process launch is not the killed tool");
        g.exit(token, null, -1, null);
        assertTrue(h.receive(resume(21, "refund").sign(COLLECTOR.getPrivate())).applied());
        assertTrue(g.evaluator().killSwitch().isEmpty());
    }

    @Test
    void theResendAfterAWelcomeBringsAnOfflineAgentToTheCollectorsStateAndIsANoOpForAnUpToDateOne() throws Exception {
        Order kill11 = kill(11, null).sign(COLLECTOR.getPrivate());
        Order resume12 = resume(12, null).sign(COLLECTOR.getPrivate());
        Order kill13 = kill(13, "refund").sign(COLLECTOR.getPrivate());
        Order resume14 = resume(14, "refund").sign(COLLECTOR.getPrivate());
        // what the collector re-sends on WELCOME, in serial order: the kills in force (none) and the newest resume of each scope
        List<Order> resend = List.of(resume12, resume14);

        HeldOrders offline = held(governor());
        assertTrue(offline.receive(kill11).applied());
        for (Order o : resend) {
            assertTrue(offline.receive(o).applied());
        }
        assertEquals(List.of(), offline.kills(), "the missed resume of everything lifted kill-11");

        Governor g = governor();
        HeldOrders upToDate = held(g);
        for (Order o : List.of(kill11, resume12, kill13, resume14)) {
            assertTrue(upToDate.receive(o).applied());
        }
        for (Order o : resend) {
            HeldOrders.Outcome again = upToDate.receive(o);
            assertTrue(again.applied(), again.detail());
            assertTrue(again.detail().startsWith("already in force"), again.detail());
        }
        assertTrue(g.evaluator().killSwitch().isEmpty());
    }

    @Test
    void whatIsInForceSurvivesARestartAndIsReverified() throws Exception {
        Governor before = governor();
        HeldOrders h = held(before);
        assertTrue(h.receive(policy(5, "bot", NO_RM).sign(COLLECTOR.getPrivate())).applied());
        assertTrue(h.receive(kill(6, null).sign(COLLECTOR.getPrivate())).applied());
        assertTrue(Files.exists(tmp.resolve("bot/control/orders")));
        assertFalse(Files.exists(tmp.resolve("bot/control/orders.tmp")));

        Governor after = governor(); // a new JVM: local policy, no kill, until the held orders are restored
        assertTrue(after.evaluator().killSwitch().isEmpty());
        HeldOrders restored = held(after);
        assertEquals(List.of(), restored.restore());
        assertEquals(5, after.policy().serial);
        assertEquals(6, after.evaluator().killSwitch().orders().get(0).serial);
        BlockedIOException b = assertInstanceOf(BlockedIOException.class, after.processStart(new ProcessBuilder("echo", "hi")));
        assertTrue(b.getMessage().contains("kill-6"), b.getMessage());
        // held serials were restored too: an old kill is still a replay
        assertFalse(restored.receive(kill(4, null).sign(COLLECTOR.getPrivate())).applied());

        // a file whose orders no longer verify (another collector key) restores nothing, and says so
        Governor third = governor();
        List<String> problems = new HeldOrders("bot", OTHER.getPublic(), null, tmp, third).restore();
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("bad signature"), problems.get(0));
        assertTrue(third.evaluator().killSwitch().isEmpty());
        assertEquals(0, third.policy().serial);
        // no key at all: one line, nothing restored
        Governor keyless = governor();
        List<String> one = new HeldOrders("bot", null, "the agent was started without policy-key=FILE", tmp, keyless).restore();
        assertEquals(1, one.size(), one.toString());
        assertTrue(one.get(0).endsWith("2 held order(s) not restored (no policy-key: the agent was started without policy-key=FILE)"), one.get(0));
        assertTrue(keyless.evaluator().killSwitch().isEmpty());
    }
}
