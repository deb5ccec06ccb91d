package dev.warden.agent.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.rules.SqlOperation;
import dev.warden.rules.sql.SqlText;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlClassifierTest {
    final SqlClassifier classifier = new SqlClassifier(100);

    void expect(String sql, SqlOperation op, String... tables) {
        SqlClassifier.Classification c = classifier.classify(sql);
        assertEquals(op, c.operation(), sql);
        assertArrayEquals(tables, c.tables(), sql + " -> " + List.of(c.tables()));
    }

    @Test
    void operationsAndTablesOfEverydayStatements() {
        expect("SELECT * FROM customers WHERE id = 7", SqlOperation.SELECT, "customers");
        expect("select c.name from Customers c join orders o on o.cid = c.id", SqlOperation.SELECT, "customers", "orders");
        expect("INSERT INTO orders (id) VALUES (?)", SqlOperation.INSERT, "orders");
        expect("UPDATE orders SET total = 0 WHERE id = ?", SqlOperation.UPDATE, "orders");
        expect("DELETE FROM orders WHERE id = 1", SqlOperation.DELETE, "orders");
        expect("MERGE INTO orders o USING staged s ON (o.id = s.id) WHEN MATCHED THEN UPDATE SET o.total = s.total", SqlOperation.MERGE, "orders", "staged");
        expect("CREATE TABLE audit (id INT)", SqlOperation.DDL, "audit");
        expect("DROP TABLE customers", SqlOperation.DDL, "customers");
        expect("ALTER TABLE customers ADD COLUMN ssn VARCHAR(11)", SqlOperation.DDL, "customers");
        expect("TRUNCATE TABLE customers", SqlOperation.DDL, "customers");
    }

    @Test
    void qualifiedAndQuotedNamesBecomeBareLowerCaseTables() {
        expect("INSERT INTO public.\"Secrets\" VALUES (1)", SqlOperation.INSERT, "secrets");
        expect("SELECT * FROM `shop`.`Orders`", SqlOperation.SELECT, "orders");
        expect("DELETE FROM crm.dbo.customers", SqlOperation.DELETE, "customers");
    }

    @Test
    void multipleStatementsAreClassifiedByTheMostConsequentialPart() {
        expect("SELECT * FROM a; DELETE FROM b", SqlOperation.DELETE, "a", "b");
        expect("select 1; drop table customers; select 2", SqlOperation.DDL, "customers");
    }

    @Test
    void commentsHideNothing() {
        expect("/* SELECT */ DELETE -- FROM nothing\n FROM customers", SqlOperation.DELETE, "customers");
        expect("SELECT '; DROP TABLE x; --' FROM notes", SqlOperation.SELECT, "notes");
    }

    @Test
    void unparseableTextIsOtherOrClassifiedConservatively() {
        SqlClassifier.Classification c = classifier.classify("FROBNICATE the widgets");
        assertEquals(SqlOperation.OTHER, c.operation());
        assertFalse(c.parsed());
        // not SQL the parser reads, but it names a deletion: never weaker than what it says
        SqlClassifier.Classification hidden = classifier.classify("FROBNICATE; DELETE FROM customers WHERE ((( ");
        assertEquals(SqlOperation.DELETE, hidden.operation());
        assertArrayEquals(new String[] {"customers"}, hidden.tables());
        // an unreadable "select" is not granted the status of a read
        assertEquals(SqlOperation.OTHER, classifier.classify("SELECT FROM WHERE ((((").operation());
    }

    @Test
    void hugeTextIsCappedAndClassifiedLexically() {
        StringBuilder sb = new StringBuilder("DELETE FROM customers WHERE id IN (");
        for (int i = 0; i < 30_000; i++) {
            sb.append(i).append(',');
        }
        sb.append("0)");
        SqlClassifier.Classification c = classifier.classify(sb.toString());
        assertTrue(sb.length() > SqlClassifier.MAX_PARSE);
        assertEquals(SqlOperation.DELETE, c.operation());
        assertArrayEquals(new String[] {"customers"}, c.tables());
        assertTrue(c.statement().length() <= SqlText.MAX_EVIDENCE + 4, "evidence text is capped");
    }

    @Test
    void statementsDifferingOnlyInLiteralsAreParsedOnce() {
        SqlClassifier.Classification a = classifier.classify("SELECT * FROM orders WHERE id = 1");
        SqlClassifier.Classification b = classifier.classify("SELECT * FROM orders WHERE id = 2");
        assertSame(a, b);
        assertSame(a, classifier.classify("SELECT * FROM orders WHERE id = 1"));
    }

    @Test
    void evidenceKeepsNoLiterals() {
        assertEquals("INSERT INTO users (name, card) VALUES (?, ?)", SqlText.normalize("INSERT INTO users (name, card)\n  VALUES ('Ann', 4111111111111111)"));
        assertEquals("SELECT * FROM t WHERE a = ? AND b = ? AND c = ?", SqlText.normalize("SELECT * FROM t WHERE a = 'it''s' AND b = 1.5e3 AND c = $$x$$"));
        assertEquals("SELECT col1 FROM t2", SqlText.normalize("SELECT col1 /* secret */ FROM t2 -- comment"));
    }

    @Test
    void batchesAreJudgedAsOne() {
        SqlClassifier.Classification c = classifier.classifyAll(List.of("INSERT INTO notes VALUES (1)", "DELETE FROM secrets"));
        assertEquals(SqlOperation.DELETE, c.operation());
        assertArrayEquals(new String[] {"notes", "secrets"}, c.tables());
    }
}
