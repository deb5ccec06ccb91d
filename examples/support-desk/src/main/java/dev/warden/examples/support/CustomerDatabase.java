package dev.warden.examples.support;

import org.h2.jdbcx.JdbcConnectionPool;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/**
 * The support desk's customer database: an H2 database reached through a small connection pool.
 * An in-memory URL without an {@code INIT} gets the seeded {@code customers} table (id, name, email,
 * country, ssn, card_number) through H2's own {@code INIT=RUNSCRIPT}, so provisioning runs inside
 * the database when the connection opens and is not one of the agent's SQL actions.
 *
 * <p>Thread-safe: {@link #connection()} may be called from any thread; each caller closes its
 * connection (which returns it to the pool).
 */
public final class CustomerDatabase implements AutoCloseable {

    static final String SEED = "INIT=RUNSCRIPT FROM 'classpath:dev/warden/examples/support/customers.sql'";

    private final JdbcConnectionPool pool;
    private final String url;

    public CustomerDatabase(String jdbcUrl) {
        this.url = jdbcUrl.startsWith("jdbc:h2:mem:") && !jdbcUrl.toUpperCase().contains("INIT=")
                ? jdbcUrl + (jdbcUrl.contains(";") ? ";" : ";DB_CLOSE_DELAY=-1;") + SEED
                : jdbcUrl;
        this.pool = JdbcConnectionPool.create(url, "support", "");
        this.pool.setMaxConnections(4);
    }

    /** A fresh in-memory database name, private to this process. */
    public static String privateInMemoryUrl() {
        return "jdbc:h2:mem:support-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    /** The URL actually used, seed included. */
    public String url() {
        return url;
    }

    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    @Override
    public void close() {
        pool.dispose();
    }
}
