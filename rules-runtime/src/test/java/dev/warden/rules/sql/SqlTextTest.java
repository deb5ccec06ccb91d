package dev.warden.rules.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.warden.rules.SqlOperation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lexical SQL reading shared by the agent and the discovery scanner. */
class SqlTextTest {

    @Test
    void statementsAreSplitOutsideLiteralsAndTheStrongestOperationWins() {
        List<SqlText.Part> parts = SqlText.parts("SELECT * FROM \"Sales\".orders WHERE note = 'a; DROP TABLE x'; DELETE FROM audit_log", 1 << 20);
        assertEquals(2, parts.size());
        assertEquals("SELECT", parts.get(0).keyword());
        assertEquals(SqlOperation.DELETE, SqlText.strongest(parts));
        assertEquals(List.of("orders", "audit_log"), SqlText.tables(parts));
        assertNull(SqlText.strongest(SqlText.parts("SELECT 1 -- DROP TABLE t", 1 << 20)), "a comment names nothing");
    }

    @Test
    void normalisedTextHidesLiteralsAndComments() {
        assertEquals("UPDATE t SET a = ? WHERE id = ?", SqlText.normalize("UPDATE t /* why */ SET a = 'x'\n WHERE id = 42 -- done"));
        assertEquals("schema", SqlText.tableName("\"Schema\"").substring(0, 6));
        assertEquals("orders", SqlText.tableName("db.[Orders]"));
    }
}
