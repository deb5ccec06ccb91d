package dev.warden.agent.jdbc;

import dev.warden.agent.bootstrap.Bridge;
import dev.warden.agent.runtime.Call;
import dev.warden.agent.runtime.Family;
import dev.warden.agent.runtime.Governor;
import dev.warden.agent.runtime.IdentityTable;
import dev.warden.agent.runtime.ThreadState;
import dev.warden.rules.Action;
import dev.warden.rules.Kind;
import dev.warden.rules.evidence.EvidenceRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns JDBC calls into {@code sql} actions: remembers the SQL a statement was prepared with and
 * the statements added to a batch (by statement identity, weakly), classifies the text with the
 * {@link SqlClassifier}, and names the database and driver from the connection's JDBC URL
 * (without credentials or parameters). One user-level {@code execute*} is one evaluation: the
 * family guard makes the nested calls of a pool proxy and its driver invisible.
 *
 * <p>Thread-safe; per-statement data is only touched by the threads that use the statement.
 */
public final class SqlCalls {
    private static final int MAX_BATCH = 10_000;
    private static final String[] METHODS = {"execute", "executeQuery", "executeUpdate", "executeBatch"};

    private final Governor governor;
    private final SqlClassifier classifier = new SqlClassifier(4096);
    private final IdentityTable<StatementInfo> statements = new IdentityTable<>(1 << 17);
    private final IdentityTable<Database> databases = new IdentityTable<>(1 << 12);

    public SqlCalls(Governor governor) {
        this.governor = governor;
    }

    public SqlClassifier classifier() {
        return classifier;
    }

    /** What Warden knows about one statement object. */
    private static final class StatementInfo {
        volatile String sql;
        volatile Database database;
        List<String> batch;
    }

    /** Where a connection points: the JDBC URL without credentials or parameters, and the driver's short name. */
    record Database(String name, String driver) {
    }

    public void prepared(Object statement, String sql) {
        if (statement == null || sql == null) {
            return;
        }
        StatementInfo info = statements.get(statement);
        if (info == null) {
            info = new StatementInfo();
            statements.put(statement, info);
        }
        info.sql = sql;
    }

    public void batch(Object statement, String sql, boolean clear) {
        if (statement == null) {
            return;
        }
        StatementInfo info = statements.get(statement);
        if (info == null) {
            if (clear) {
                return;
            }
            info = new StatementInfo();
            statements.put(statement, info);
        }
        synchronized (info) {
            if (clear) {
                info.batch = null;
            } else if (sql != null) {
                if (info.batch == null) {
                    info.batch = new ArrayList<>();
                }
                if (info.batch.size() < MAX_BATCH) {
                    info.batch.add(sql);
                }
            }
        }
    }

    /** A statement is about to execute (never nested: the caller checked the family guard). */
    public Object execute(ThreadState ts, Object statement, String sql, int method) {
        StatementInfo info = statements.get(statement);
        SqlClassifier.Classification c;
        if (method == Bridge.SQL_BATCH) {
            List<String> batch = null;
            if (info != null) {
                synchronized (info) {
                    batch = info.batch;
                    info.batch = null;
                }
            }
            if (batch != null && !batch.isEmpty()) {
                c = classifier.classifyAll(batch);
            } else {
                c = info != null && info.sql != null ? classifier.classify(info.sql) : null;
            }
        } else {
            String text = sql != null ? sql : info != null ? info.sql : null;
            c = text == null ? null : classifier.classify(text);
        }
        if (info == null) {
            info = new StatementInfo();
            statements.put(statement, info);
        }
        Database db = info.database;
        if (db == null) {
            db = database(ts, statement);
            info.database = db;
        }

        Governor.begin(ts);
        Action a = ts.action;
        a.kind(Kind.SQL).database(db.name()).driver(db.driver());
        EvidenceRecord r = ts.record;
        if (c != null) {
            a.operation(c.operation()).tables(c.tables(), c.tables().length).statement(c.statement());
            String tables = c.tablesText();
            r.target = tables.isEmpty() ? c.operation().name() : c.operation().name() + " " + tables;
            r.attributes.put("operation", c.operation().name());
            if (!tables.isEmpty()) {
                r.attributes.put("tables", tables);
            }
            r.attributes.put("statement", c.statement());
            if (!c.parsed()) {
                r.attributes.put("classified", "lexically");
            }
        } else {
            // SQL prepared before Warden was attached, or by a path no hook saw
            a.operation(dev.warden.rules.SqlOperation.OTHER);
            r.target = "OTHER (statement text unknown)";
            r.attributes.put("operation", "OTHER");
        }
        if (db.name() != null) {
            r.attributes.put("database", db.name());
        }
        if (db.driver() != null) {
            r.attributes.put("driver", db.driver());
        }
        r.attributes.put("call", METHODS[Math.max(0, Math.min(method, METHODS.length - 1))]);
        Object result = governor.decide(ts, Family.SQL, null, true);
        if (result instanceof Call) {
            ((Call) result).kindOfCall = method;
        }
        return result;
    }

    public void outcome(Call c, Object value, long count, Throwable thrown) {
        if (thrown != null) {
            String detail = thrown.getClass().getName();
            if (thrown instanceof SQLException && ((SQLException) thrown).getSQLState() != null) {
                detail += " (SQLState " + ((SQLException) thrown).getSQLState() + ")";
            }
            governor.finish(c, "error", detail);
            return;
        }
        String detail = null;
        if (count >= 0) {
            detail = count + (count == 1 ? " row" : " rows");
        } else if (value instanceof int[] || value instanceof long[]) {
            long sum = 0;
            int n;
            if (value instanceof int[]) {
                int[] v = (int[]) value;
                n = v.length;
                for (int x : v) {
                    sum += Math.max(0, x);
                }
            } else {
                long[] v = (long[]) value;
                n = v.length;
                for (long x : v) {
                    sum += Math.max(0, x);
                }
            }
            detail = sum + (sum == 1 ? " row" : " rows") + " (batch of " + n + ")";
        } else if (c.kindOfCall == Bridge.SQL_QUERY) {
            detail = "result set";
        }
        governor.finish(c, "ok", detail);
    }

    private Database database(ThreadState ts, Object statement) {
        if (!(statement instanceof java.sql.Statement)) {
            return new Database(null, null);
        }
        // the driver may run SQL of its own to answer: keep the guard up so that is not governed
        ts.enter(Family.SQL);
        try {
            Connection conn = ((java.sql.Statement) statement).getConnection();
            if (conn == null) {
                return new Database(null, null);
            }
            Database db = databases.get(conn);
            if (db == null) {
                db = fromUrl(conn.getMetaData().getURL());
                databases.put(conn, db);
            }
            return db;
        } catch (SQLException | RuntimeException e) {
            return new Database(null, null);
        } finally {
            ts.leave(Family.SQL);
        }
    }

    /** {@code jdbc:postgresql://user:pw@db:5432/orders?ssl=true} → ({@code postgresql://db:5432/orders}, {@code postgresql}). */
    static Database fromUrl(String url) {
        if (url == null) {
            return new Database(null, null);
        }
        String u = url.startsWith("jdbc:") ? url.substring(5) : url;
        int cut = u.length();
        for (char stop : new char[] {';', '?'}) {
            int i = u.indexOf(stop);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        u = u.substring(0, cut);
        int slashes = u.indexOf("//");
        if (slashes >= 0) {
            int at = u.indexOf('@', slashes);
            int nextSlash = u.indexOf('/', slashes + 2);
            if (at >= 0 && (nextSlash < 0 || at < nextSlash)) {
                u = u.substring(0, slashes + 2) + u.substring(at + 1);
            }
        }
        int colon = u.indexOf(':');
        String driver = colon > 0 ? u.substring(0, colon) : u;
        return new Database(u, driver.toLowerCase(java.util.Locale.ROOT));
    }
}
