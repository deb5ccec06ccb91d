package dev.warden.agent.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Columns from SQL text (policy language 1.1 {@code columns}), before metadata: qualified names
 * through aliases, unqualified names of a one-table statement, {@code *} and {@code t.*} kept
 * symbolic per table, unqualified names of a join kept as {@code ?.column}; text the parser
 * cannot read has none.
 */
class SqlColumnsTest {
    final SqlClassifier classifier = new SqlClassifier(100);

    List<String> columns(String sql) {
        return List.of(classifier.classify(sql).columns());
    }

    @Test
    void columnsAreQualifiedThroughAliasesAndTables() {
        assertEquals(List.of("customers.ssn"), columns("SELECT ssn FROM customers"));
        assertEquals(List.of("customers.ssn", "customers.id"), columns("SELECT k.ssn FROM PUBLIC.Customers k WHERE k.id = 3"));
        assertEquals(List.of("customers.name", "customers.card_number"), columns("SELECT name FROM customers WHERE card_number LIKE '4%'"));
        assertEquals(List.of("customers.*"), columns("SELECT * FROM customers"));
        assertEquals(List.of("orders.total", "customers.*", "orders.customer", "customers.id"),
                columns("SELECT o.total, c.* FROM orders o JOIN customers c ON o.customer = c.id"));
        assertEquals(List.of("?.total", "?.ssn", "orders.customer", "customers.id"),
                columns("SELECT total, ssn FROM orders o JOIN customers k ON o.customer = k.id"));
        assertEquals(List.of("customers.ssn"), columns("UPDATE customers SET ssn = NULL"));
    }

    @Test
    void unreadableTextHasNoColumns() {
        assertEquals(List.of(), columns("FROBNICATE the customers ssn"));
    }
}
