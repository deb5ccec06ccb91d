package dev.warden.collector.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.rules.control.Order;
import dev.warden.rules.control.OrderKeys;
import dev.warden.rules.policy.PolicyException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is in force, what is re-sent, what a rollback re-issues, and what survives a reopen. */
class OrderBookTest {
    @TempDir
    Path store;

    static byte[] policy(String name) {
        return ("version: 1\nname: " + name + "\ndefault: allow\nrules: []\n").getBytes(StandardCharsets.UTF_8);
    }

    static List<Long> serials(List<Order> l) {
        return l.stream().map(o -> o.serial).toList();
    }

    @Test
    void anAgentThatReconnectsGetsItsPolicyItsKillsAndTheNewestResumeOfEachScope() throws Exception {
        try (OrderBook b = new OrderBook(store)) {
            b.push("*", "p.yaml", policy("one"), "admin");            // 1
            b.kill("*", null, "alice", "stop everything");            // 2
            b.resume("*", null, "alice", "ok");                       // 3
            b.kill("*", "refund", "alice", "refunds only");           // 4
            b.kill("bot", "search", "alice", "bot's search");         // 5
            b.resume("*", "refund", "alice", "refunds ok");           // 6
            b.push("other", "p.yaml", policy("other"), "admin");      // 7
            b.kill("other", null, "alice", "another agent");          // 8
            assertEquals(List.of(5L), serials(b.killsFor("bot")));
            // policy #1, kill #5 in force, newest resume of "everything" #3 and of tool refund #6
            assertEquals(List.of(1L, 3L, 5L, 6L), serials(b.resendFor("bot")));
            assertEquals(List.of(3L, 6L, 7L, 8L), serials(b.resendFor("other")));
            // every order verifies against the published key
            var pub = OrderKeys.readPublic(b.publicKeyFile());
            assertTrue(b.all().stream().allMatch(o -> o.verify(pub)));
        }
    }

    @Test
    void rollbackGoesBackOneStepPerTargetUnderANewSerialAndSurvivesAReopen() throws Exception {
        try (OrderBook b = new OrderBook(store)) {
            assertThrows(IllegalArgumentException.class, () -> b.rollback("*", "admin"), "nothing pushed yet");
            b.push("*", "v1.yaml", policy("v1"), "admin");   // 1
            b.push("*", "v2.yaml", policy("v2"), "admin");   // 2
            b.push("*", "v3.yaml", policy("v3"), "admin");   // 3
            Order r = b.rollback("*", "admin");              // 4 = v2
            assertEquals(4, r.serial);
            assertEquals(2, r.rollbackOf);
            assertEquals("v2.yaml", r.contentName);
            assertEquals("v2", b.policyOf(r).name);
        }
        try (OrderBook b = new OrderBook(store)) {
            assertEquals(4, b.serial(), "the serial counter survives");
            assertEquals(4, b.policyFor("anyone").serial);
            Order r = b.rollback("*", "admin");              // 5 = v1
            assertEquals(1, r.rollbackOf);
            assertEquals("v1", b.policyOf(r).name);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.rollback("*", "admin"));
            assertTrue(e.getMessage().contains("no earlier one"), e.getMessage());
        }
    }

    @Test
    void anInvalidPolicyIsRefusedWithPolicyChecksLinesAndIssuesNothing() throws Exception {
        try (OrderBook b = new OrderBook(store)) {
            PolicyException e = assertThrows(PolicyException.class,
                    () -> b.push("*", "bad.yaml", "version: 1\nname: x\ndefault: perhaps\n".getBytes(StandardCharsets.UTF_8), "admin"));
            assertTrue(e.problems().get(0).matches("bad\\.yaml:\\d+:\\d+: .*"), e.problems().toString());
            assertEquals(0, b.serial());
        }
    }

    @Test
    void aLogWhoseOrdersTheKeyDidNotSignIsRefusedAtStart() throws Exception {
        try (OrderBook b = new OrderBook(store)) {
            b.kill("*", null, "alice", "x");
        }
        Files.delete(store.resolve("keys").resolve(OrderBook.KEY));
        Files.delete(store.resolve("keys").resolve(OrderBook.PUBLIC_KEY));
        IOException e = assertThrows(IOException.class, () -> new OrderBook(store));
        assertTrue(e.getMessage().contains("orders.log:1: an order not signed by"), e.getMessage());
    }
}
