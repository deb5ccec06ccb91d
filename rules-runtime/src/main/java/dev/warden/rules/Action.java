package dev.warden.rules;

import java.util.Arrays;

/**
 * One intercepted call, described by its {@link Kind} and attributes (DESIGN.md, "The action
 * model").
 *
 * <p>Mutable and reusable on purpose: the agent keeps one instance per thread, calls
 * {@link #reset()} and fills it with references it already holds (interned tool names, the
 * request's host string, a cached table array), so building an action allocates nothing. An
 * instance is confined to one thread at a time; nothing here is thread-safe.
 */
public final class Action {
    public static final String PARENT_MODEL = "model";

    Kind kind;

    // common
    String agent;
    String session;
    String sessionSource;
    String parent;
    String principal;
    long timeMillis;
    String region;
    boolean regionResolved;

    // tool
    String tool;
    String framework;
    String args;
    String server;

    // http
    String method;
    String scheme;
    String host;
    int port = -1;
    String path;
    String url;
    String client;

    // sql
    SqlOperation operation;
    String[] tables = NONE;
    int tableCount;
    String[] columns = NONE;
    int columnCount;
    String statement;
    String database;
    String driver;

    // process
    String command;
    String[] processArgs = NONE;
    int processArgCount;

    private static final String[] NONE = new String[0];

    public Action reset() {
        kind = null;
        agent = session = sessionSource = parent = principal = region = null;
        regionResolved = false;
        timeMillis = 0;
        tool = framework = args = server = null;
        method = scheme = host = path = url = client = null;
        port = -1;
        operation = null;
        tables = NONE;
        tableCount = 0;
        columns = NONE;
        columnCount = 0;
        statement = database = driver = null;
        command = null;
        processArgs = NONE;
        processArgCount = 0;
        return this;
    }

    // ---- builders (return this, allocate nothing) ----

    public Action kind(Kind k) { this.kind = k; return this; }
    public Action agent(String v) { this.agent = v; return this; }
    public Action session(String v) { this.session = v; return this; }
    public Action sessionSource(String v) { this.sessionSource = v; return this; }
    public Action parent(String v) { this.parent = v; return this; }
    public Action principal(String v) { this.principal = v; return this; }
    /** Evaluation time, epoch milliseconds; 0 means "now" at evaluation. */
    public Action timeMillis(long v) { this.timeMillis = v; return this; }
    /** Overrides the region the policy's {@code regions} map would derive from the host. */
    public Action region(String v) { this.region = v; this.regionResolved = v != null; return this; }

    public Action tool(String name) { this.tool = name; return this; }
    public Action framework(String v) { this.framework = v; return this; }
    /** The tool arguments as the JSON text the model sent. */
    public Action args(String json) { this.args = json; return this; }
    public Action server(String v) { this.server = v; return this; }

    public Action method(String v) { this.method = v; return this; }
    public Action scheme(String v) { this.scheme = v; return this; }
    /** The host, already normalised with {@link Hosts#normalize(String)}. */
    public Action host(String v) { this.host = v; return this; }
    public Action port(int v) { this.port = v; return this; }
    public Action path(String v) { this.path = v; return this; }
    public Action url(String v) { this.url = v; return this; }
    public Action client(String v) { this.client = v; return this; }

    public Action operation(SqlOperation v) { this.operation = v; return this; }
    /** Lower-case table names; the array is referenced, not copied, and must not change while in use. */
    public Action tables(String[] v, int count) { this.tables = v == null ? NONE : v; this.tableCount = v == null ? 0 : count; return this; }
    public Action tables(String... v) { return tables(v, v == null ? 0 : v.length); }
    /** Lower-case {@code table.column} names; referenced, not copied. */
    public Action columns(String[] v, int count) { this.columns = v == null ? NONE : v; this.columnCount = v == null ? 0 : count; return this; }
    public Action columns(String... v) { return columns(v, v == null ? 0 : v.length); }
    public Action statement(String v) { this.statement = v; return this; }
    public Action database(String v) { this.database = v; return this; }
    public Action driver(String v) { this.driver = v; return this; }

    public Action command(String v) { this.command = v; return this; }
    public Action processArgs(String[] v, int count) { this.processArgs = v == null ? NONE : v; this.processArgCount = v == null ? 0 : count; return this; }
    public Action processArgs(String... v) { return processArgs(v, v == null ? 0 : v.length); }

    // ---- accessors ----

    public Kind kind() { return kind; }
    public String agent() { return agent; }
    public String session() { return session; }
    public String sessionSource() { return sessionSource; }
    public String parent() { return parent; }
    public String principal() { return principal; }
    public long timeMillis() { return timeMillis; }
    public String region() { return region; }
    public String tool() { return tool; }
    public String framework() { return framework; }
    public String args() { return args; }
    public String server() { return server; }
    public String method() { return method; }
    public String scheme() { return scheme; }
    public String host() { return host; }
    public int port() { return port; }
    public String path() { return path; }
    public String url() { return url; }
    public String client() { return client; }
    public SqlOperation operation() { return operation; }
    public String[] tables() { return Arrays.copyOf(tables, tableCount); }
    public int tableCount() { return tableCount; }
    public String table(int i) { return tables[i]; }
    public String[] columns() { return Arrays.copyOf(columns, columnCount); }
    public int columnCount() { return columnCount; }
    public String column(int i) { return columns[i]; }
    /** The internal table array (valid up to {@link #tableCount()}); read-only, for matchers. */
    public String[] rawTables() { return tables; }
    /** The internal column array (valid up to {@link #columnCount()}); read-only. */
    public String[] rawColumns() { return columns; }
    /** The internal process-argument array (valid up to {@link #processArgCount()}); read-only. */
    public String[] rawProcessArgs() { return processArgs; }
    public String statement() { return statement; }
    public String database() { return database; }
    public String driver() { return driver; }
    public String command() { return command; }
    public String[] processArgs() { return Arrays.copyOf(processArgs, processArgCount); }
    public int processArgCount() { return processArgCount; }
    public String processArg(int i) { return processArgs[i]; }

    /** Copies every attribute of {@code other} into this action (arrays are shared). */
    public Action copyFrom(Action o) {
        kind = o.kind; agent = o.agent; session = o.session; sessionSource = o.sessionSource;
        parent = o.parent; principal = o.principal; timeMillis = o.timeMillis; region = o.region;
        regionResolved = o.regionResolved; tool = o.tool; framework = o.framework; args = o.args;
        server = o.server; method = o.method; scheme = o.scheme; host = o.host; port = o.port;
        path = o.path; url = o.url; client = o.client; operation = o.operation; tables = o.tables;
        tableCount = o.tableCount; columns = o.columns; columnCount = o.columnCount;
        statement = o.statement; database = o.database; driver = o.driver; command = o.command;
        processArgs = o.processArgs; processArgCount = o.processArgCount;
        return this;
    }

    /**
     * A short human description of the target, as in the evidence record's {@code target}
     * field: {@code POST https://host/path}, {@code issueRefund}, {@code SELECT customers}.
     * Allocates; not for the hot path.
     */
    public String target() {
        if (kind == null) {
            return "?";
        }
        switch (kind) {
            case TOOL:
                return tool == null ? "?" : tool;
            case HTTP:
                return (method == null ? "" : method + " ") + (url != null ? url : (scheme == null ? "" : scheme + "://") + host + (path == null ? "" : path));
            case SQL: {
                StringBuilder sb = new StringBuilder(operation == null ? "OTHER" : operation.name());
                for (int i = 0; i < tableCount; i++) {
                    sb.append(i == 0 ? " " : ",").append(tables[i]);
                }
                return sb.toString();
            }
            case PROCESS:
                return command == null ? "?" : command;
            default:
                return "?";
        }
    }

    @Override
    public String toString() {
        return "Action{" + kind + " " + target() + (session == null ? "" : " session=" + session) + "}";
    }
}
