package dev.warden.agent.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SqlDatabaseTest {
    @Test
    void theDatabaseIsTheJdbcUrlWithoutCredentialsOrParameters() {
        assertEquals(new SqlCalls.Database("postgresql://db.internal:5432/orders", "postgresql"),
                SqlCalls.fromUrl("jdbc:postgresql://app:s3cret@db.internal:5432/orders?ssl=true&password=x"));
        assertEquals(new SqlCalls.Database("h2:mem:test", "h2"), SqlCalls.fromUrl("jdbc:h2:mem:test;DB_CLOSE_DELAY=-1;PASSWORD=x"));
        assertEquals(new SqlCalls.Database("sqlite:/tmp/app.db", "sqlite"), SqlCalls.fromUrl("jdbc:sqlite:/tmp/app.db"));
        assertEquals(new SqlCalls.Database(null, null), SqlCalls.fromUrl(null));
    }
}
