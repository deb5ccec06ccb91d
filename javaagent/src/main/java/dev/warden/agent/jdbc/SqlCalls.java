package dev.warden.agent.jdbc;

import dev.warden.agent.bootstrap.Bridge;
import dev.warden.agent.runtime.Call;
import dev.warden.agent.runtime.Family;
import dev.warden.agent.runtime.Governor;
import dev.warden.agent.runtime.IdentityTable;
import dev.warden.agent.runtime.Log;
import dev.warden.agent.runtime.ThreadState;
import dev.warden.rules.Action;
import dev.warden.rules.Decision;
import dev.warden.rules.Kind;
import dev.warden.rules.Modify;
import dev.warden.rules.evidence.EvidenceRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
        /** True while Warden's max_rows cap is set on the statement; {@code originalMaxRows} is the application's own. */
        boolean capped;
        int originalMaxRows;
    }

    /**
     * What Warden learned about one database (by connection URL without credentials): each
     * table's columns from JDBC metadata (learned once, lower case), and the resolved columns
     * of each classification seen against it (bounded).
     */
    private static final class Schema {
        final ConcurrentHashMap<String, String[]> tableColumns = new ConcurrentHashMap<>();
        final ConcurrentHashMap<SqlClassifier.Classification, Resolved> resolved = new ConcurrentHashMap<>();
    }

    /** A classification's columns with {@code *} and unqualified names resolved, and their evidence text. */
    private record Resolved(String[] columns, String text) {
    }

    private static final Resolved NO_COLUMNS = new Resolved(new String[0], "");
    private static final int MAX_RESOLVED = 4096;
    private final ConcurrentHashMap<String, Schema> schemas = new ConcurrentHashMap<>();

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
        Resolved columns = c == null ? NO_COLUMNS : columns(ts, statement, db, c);

        Governor.begin(ts);
        Action a = ts.action;
        a.kind(Kind.SQL).database(db.name()).driver(db.driver());
        EvidenceRecord r = ts.record;
        if (c != null) {
            a.operation(c.operation()).tables(c.tables(), c.tables().length).statement(c.statement())
                    .columns(columns.columns(), columns.columns().length);
            // the same classification as this thread's previous statement (a repeated prepared
            // statement): reuse its texts instead of joining and concatenating them again
            Object[] last = lastText(ts);
            String tables;
            if (last[0] == c) {
                tables = (String) last[1];
                r.target = (String) last[2];
            } else {
                tables = c.tablesText();
                r.target = tables.isEmpty() ? c.operation().name() : c.operation().name() + " " + tables;
                last[0] = c;
                last[1] = tables;
                last[2] = r.target;
            }
            r.attributes.put("operation", c.operation().name());
            if (!tables.isEmpty()) {
                r.attributes.put("tables", tables);
            }
            r.attributes.put("statement", c.statement());
            if (!columns.text().isEmpty()) {
                r.attributes.put("columns", columns.text());
            }
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
            maxRows(ts, statement, info);
        }
        return result;
    }

    /** This thread's {classification, tables text, target} of its previous statement. */
    private static Object[] lastText(ThreadState ts) {
        Object o = ts.scratch(ThreadState.SCRATCH_SQL);
        if (o instanceof Object[]) {
            return (Object[]) o;
        }
        Object[] last = new Object[3];
        ts.scratch(ThreadState.SCRATCH_SQL, last);
        return last;
    }

    /**
     * Applies the {@code max_rows} of the modify rules that decided (the smallest wins, and never
     * more than the application's own limit) through {@code Statement.setMaxRows}, not by
     * rewriting the SQL; puts the application's own limit back when a later execution of the
     * same statement is not capped.
     */
    private void maxRows(ThreadState ts, Object statement, StatementInfo info) {
        Decision d = ts.decision;
        long cap = -1;
        for (int i = 0; i < d.modifyCount(); i++) {
            Modify m = d.modify(i);
            if (m.maxRows >= 0) {
                cap = cap < 0 ? m.maxRows : Math.min(cap, m.maxRows);
            }
        }
        if ((cap < 0 && !info.capped) || !(statement instanceof java.sql.Statement)) {
            return;
        }
        java.sql.Statement s = (java.sql.Statement) statement;
        ts.enter(Family.SQL);
        try {
            if (cap >= 0) {
                if (!info.capped) {
                    info.originalMaxRows = s.getMaxRows();
                    info.capped = true;
                }
                int own = info.originalMaxRows;
                // to JDBC 0 means "no limit": max_rows 0 cannot be expressed and is applied as 1, never as unlimited
                int limit = (int) Math.max(1, Math.min(cap, Integer.MAX_VALUE));
                s.setMaxRows(own > 0 ? Math.min(own, limit) : limit);
            } else {
                s.setMaxRows(info.originalMaxRows);
                info.capped = false;
            }
        } catch (SQLException | RuntimeException e) {
            Log.once("maxrows:" + e.getClass().getName(), "could not apply max_rows through Statement.setMaxRows (" + e + ")");
        } finally {
            ts.leave(Family.SQL);
        }
    }

    /**
     * The classification's columns against this database: {@code table.*} expanded to the
     * table's columns and {@code ?.column} given the tables that have it, from JDBC metadata
     * ({@code DatabaseMetaData.getColumns}, once per table and connection URL, with the SQL
     * family guard up so the driver's own queries are not governed). A symbolic entry stays as
     * it is when the metadata does not know the table.
     */
    private Resolved columns(ThreadState ts, Object statement, Database db, SqlClassifier.Classification c) {
        String[] cols = c.columns();
        if (cols.length == 0) {
            return NO_COLUMNS;
        }
        Schema schema = schemas.computeIfAbsent(db.name() == null ? "" : db.name(), k -> new Schema());
        Resolved res = schema.resolved.get(c);
        if (res != null) {
            return res;
        }
        boolean complete = true;
        Set<String> out = new LinkedHashSet<>();
        for (String col : cols) {
            if (col.endsWith(".*")) {
                String table = col.substring(0, col.length() - 2);
                String[] known = tableColumns(ts, statement, schema, table);
                if (known == null) {
                    out.add(col);
                    complete = false;
                } else {
                    for (String k : known) {
                        out.add(table + "." + k);
                    }
                }
            } else if (col.startsWith(SqlColumns.UNKNOWN_TABLE)) {
                String name = col.substring(SqlColumns.UNKNOWN_TABLE.length());
                boolean found = false;
                for (String table : c.tables()) {
                    String[] known = tableColumns(ts, statement, schema, table);
                    if (known == null) {
                        complete = false;
                    } else if (java.util.Arrays.asList(known).contains(name)) {
                        out.add(table + "." + name);
                        found = true;
                    }
                }
                if (!found) {
                    out.add(col);
                }
            } else {
                out.add(col);
            }
        }
        String[] arr = out.toArray(new String[0]);
        res = new Resolved(arr, String.join(",", arr));
        if (complete) {
            if (schema.resolved.size() >= MAX_RESOLVED) {
                schema.resolved.clear();
            }
            schema.resolved.put(c, res);
        }
        return res;
    }

    /** A table's columns (lower case) from the connection's metadata, cached per URL; null when unknown. */
    private String[] tableColumns(ThreadState ts, Object statement, Schema schema, String table) {
        String[] known = schema.tableColumns.get(table);
        if (known != null || !(statement instanceof java.sql.Statement)) {
            return known;
        }
        ts.enter(Family.SQL);
        try {
            Connection conn = ((java.sql.Statement) statement).getConnection();
            java.sql.DatabaseMetaData md = conn.getMetaData();
            for (String name : new String[] {table, table.toUpperCase(Locale.ROOT)}) {
                List<String> names = new ArrayList<>();
                try (java.sql.ResultSet rs = md.getColumns(null, null, name, null)) {
                    while (rs.next()) {
                        String n = rs.getString("COLUMN_NAME");
                        if (n != null && !names.contains(n.toLowerCase(Locale.ROOT))) {
                            names.add(n.toLowerCase(Locale.ROOT));
                        }
                    }
                }
                if (!names.isEmpty()) {
                    known = names.toArray(new String[0]);
                    schema.tableColumns.put(table, known);
                    return known;
                }
            }
            return null; // not cached: the table may not exist yet
        } catch (SQLException | RuntimeException e) {
            return null;
        } finally {
            ts.leave(Family.SQL);
        }
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
