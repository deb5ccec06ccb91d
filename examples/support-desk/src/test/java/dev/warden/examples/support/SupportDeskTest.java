package dev.warden.examples.support;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tools' back end against a real H2 database and a real loopback HTTP server. */
class SupportDeskTest {

    private HttpServer server;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private CustomerDatabase db;
    private SupportDesk desk;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(ex.getRequestURI().getPath() + " " + body);
            boolean refused = body.contains("\"C-99\"");
            byte[] answer = (refused ? "{\"error\":\"unknown customer C-99\"}"
                    : ex.getRequestURI().getPath().equals("/refunds")
                    ? "{\"id\":\"R-1\",\"customer\":\"C-17\",\"amount\":120.00,\"currency\":\"EUR\",\"status\":\"issued\"}"
                    : "{\"id\":\"M-1\",\"status\":\"queued\"}").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(refused ? 422 : 201, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        db = new CustomerDatabase(CustomerDatabase.privateInMemoryUrl());
        desk = new SupportDesk(db, url, url);
    }

    @AfterEach
    void stop() {
        server.stop(0);
        db.close();
    }

    @Test
    void lookupReturnsTheSeededRecordWithItsPersonalData() {
        String ada = desk.lookupCustomer("C-17");
        assertEquals("{\"id\":\"C-17\",\"name\":\"Ada Lovelace\",\"email\":\"ada.lovelace@mail.example\",\"country\":\"GB\","
                + "\"ssn\":\"323-11-4402\",\"card_number\":\"4111111111111111\"}", ada);
        assertEquals("No customer with id C-00", desk.lookupCustomer("C-00"));
    }

    @Test
    void refundsAndEmailsArePostedAsJson() {
        assertEquals("Refund R-1 of 120.00 EUR to C-17: issued", desk.issueRefund("C-17", 120));
        assertEquals("Email M-1 to a@mail.example: queued", desk.sendEmail("a@mail.example", "Sorry", "We apologise."));
        assertEquals(List.of(
                "/refunds {\"customer\":\"C-17\",\"amount\":120.00,\"currency\":\"EUR\"}",
                "/messages {\"to\":\"a@mail.example\",\"subject\":\"Sorry\",\"body\":\"We apologise.\"}"), received);
    }

    @Test
    void aRefusedRefundIsAToolFailureWithTheServiceAnswer() {
        ToolFailure f = assertThrows(ToolFailure.class, () -> desk.issueRefund("C-99", 10));
        assertTrue(f.getMessage().startsWith("issueRefund failed: POST http://127.0.0.1:"), f.getMessage());
        assertTrue(f.getMessage().endsWith("/refunds answered 422: {\"error\":\"unknown customer C-99\"}"), f.getMessage());
        assertThrows(ToolFailure.class, () -> desk.issueRefund("C-17", -5));
        assertThrows(ToolFailure.class, () -> desk.sendEmail("nobody", "s", "b"));
    }

    @Test
    void runSqlRunsWhateverItIsGivenIncludingSchemaChanges() throws Exception {
        assertEquals("n\n8", desk.runSql("SELECT COUNT(*) AS n FROM customers"));
        assertEquals("OK", desk.runSql("ALTER TABLE customers ADD COLUMN notes VARCHAR(100)"));
        assertEquals("OK, 1 row(s) affected", desk.runSql("UPDATE customers SET notes = 'vip' WHERE id = 'C-42'"));
        try (Connection c = DriverManager.getConnection(db.url(), "support", "");
             ResultSet rs = c.createStatement().executeQuery("SELECT notes FROM customers WHERE id = 'C-42'")) {
            assertTrue(rs.next());
            assertEquals("vip", rs.getString(1));
        }
        ToolFailure f = assertThrows(ToolFailure.class, () -> desk.runSql("SELEC nonsense"));
        assertTrue(f.getMessage().startsWith("runSql failed: Syntax error"), f.getMessage());
    }

    @Test
    void exportPostsTheCustomerRecordToTheDestination() {
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/upload";
        String result = desk.exportReport("C-42", url);
        assertTrue(result.startsWith("Report on C-42 delivered to 127.0.0.1: "), result);
        assertTrue(received.get(0).startsWith("/upload {\"report\":\"customer-account\",\"customer\":{\"id\":\"C-42\",\"name\":\"Grace Hopper\""), received.get(0));
        assertTrue(received.get(0).contains("\"ssn\":\"601-48-2213\""));
    }

    @Test
    void failuresAreDescribedOnOneLineWithTheirCauses() {
        java.net.ConnectException bare = new java.net.ConnectException();
        bare.initCause(new java.nio.channels.UnresolvedAddressException());
        assertEquals("ConnectException (UnresolvedAddressException)", SupportDesk.describe(bare));
        assertEquals("boom (disk\nfull)".replace("\n", " "), SupportDesk.describe(new RuntimeException("boom", new java.io.IOException("disk\nfull"))));
        assertEquals("same", SupportDesk.describe(new RuntimeException("same", new RuntimeException("same"))));
    }

    @Test
    void anUnreachableExportHostIsAToolFailure() {
        ToolFailure f = assertThrows(ToolFailure.class, () -> desk.exportReport("C-42", "https://reports.partner-analytics.example/upload"));
        assertTrue(f.getMessage().startsWith("exportReport failed: POST https://reports.partner-analytics.example/upload: "), f.getMessage());
        assertThrows(ToolFailure.class, () -> desk.exportReport("C-42", "ftp://x.example/"));
        assertThrows(ToolFailure.class, () -> desk.exportReport("C-00", "https://x.example/"));
    }
}
