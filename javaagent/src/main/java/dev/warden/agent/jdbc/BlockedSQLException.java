package dev.warden.agent.jdbc;

import dev.warden.agent.bootstrap.WardenBlocked;
import java.sql.SQLException;

/**
 * Thrown from a JDBC {@code execute*} the policy denied; the statement never reached the driver.
 * SQLState {@code 42501} (insufficient privilege), so persistence layers translate it as an
 * access problem. Defined in Warden's own class loader, whose parent (the platform loader) links
 * {@code java.sql}; a class on the bootstrap path could not extend {@code SQLException}. Immutable.
 */
public final class BlockedSQLException extends SQLException implements WardenBlocked {
    private static final long serialVersionUID = 1L;
    public static final String SQL_STATE = "42501";
    private final String evidenceId;

    public BlockedSQLException(String message, String evidenceId) {
        super(message, SQL_STATE);
        this.evidenceId = evidenceId;
    }

    @Override
    public String evidenceId() {
        return evidenceId;
    }
}
