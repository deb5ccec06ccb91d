package dev.warden.agent.jdbc;

import dev.warden.agent.runtime.Governor;
import dev.warden.rules.SqlOperation;
import dev.warden.rules.sql.SqlText;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.alter.AlterSession;
import net.sf.jsqlparser.statement.alter.AlterSystemStatement;
import net.sf.jsqlparser.statement.alter.RenameTableStatement;
import net.sf.jsqlparser.statement.alter.sequence.AlterSequence;
import net.sf.jsqlparser.statement.comment.Comment;
import net.sf.jsqlparser.statement.create.function.CreateFunction;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.procedure.CreateProcedure;
import net.sf.jsqlparser.statement.create.schema.CreateSchema;
import net.sf.jsqlparser.statement.create.sequence.CreateSequence;
import net.sf.jsqlparser.statement.create.synonym.CreateSynonym;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.view.AlterView;
import net.sf.jsqlparser.statement.create.view.CreateView;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.grant.Grant;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.upsert.Upsert;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * Classifies SQL text for policy: its operation ({@code SELECT ... DDL}, {@code OTHER}) and the
 * tables it touches (bare lower-case names), using JSqlParser. A string holding several
 * statements is classified by its most consequential operation and the union of their tables.
 * Text the parser cannot read (or that takes too long, or is longer than {@link #MAX_PARSE}) is
 * classified lexically and conservatively: the strongest operation any of its words names, and
 * never {@code SELECT} (an allow rule for reads must not let unreadable text through), else
 * {@code OTHER}.
 *
 * <p>Results are cached twice, bounded: by the exact text, and by its normalised form (literals
 * replaced), so statements that differ only in their literals are parsed once. Parsing runs on
 * Warden's own short-lived daemon threads with a time limit (JSqlParser's own entry points start
 * a new thread per call). Thread-safe.
 */
public final class SqlClassifier {
    /** Texts longer than this are classified lexically only. */
    public static final int MAX_PARSE = 64 * 1024;
    static final long PARSE_TIMEOUT_MS = 500;

    /**
     * One classification. Immutable; the arrays are shared and must not be changed. {@code columns}
     * are {@code table.column}, possibly symbolic ({@code table.*}, {@code ?.column}: see
     * {@link SqlColumns}); empty when the text was classified lexically.
     */
    public record Classification(SqlOperation operation, String[] tables, String statement, boolean parsed, String[] columns) {
        public String tablesText() {
            return String.join(",", tables);
        }
    }

    private final int maxEntries;
    private final ConcurrentHashMap<String, Classification> byText = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Classification> byShape = new ConcurrentHashMap<>();
    private final ExecutorService parsers;

    public SqlClassifier(int maxEntries) {
        this.maxEntries = maxEntries;
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, 4, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(() -> {
                Governor.markInternal();
                r.run();
            }, "warden-sql-parser");
            t.setDaemon(true);
            return t;
        });
        this.parsers = pool;
    }

    /** The classification of {@code sql} (cached). */
    public Classification classify(String sql) {
        Classification c = byText.get(sql);
        if (c != null) {
            return c;
        }
        String normalized = SqlText.normalize(sql);
        c = byShape.get(normalized);
        if (c == null) {
            c = compute(sql, normalized);
            put(byShape, normalized, c);
        }
        if (sql.length() <= MAX_PARSE) {
            put(byText, sql, c);
        }
        return c;
    }

    /** A batch of statements classified as one: strongest operation, union of tables. */
    public Classification classifyAll(List<String> sqls) {
        SqlOperation op = null;
        Set<String> tables = new LinkedHashSet<>();
        Set<String> columns = new LinkedHashSet<>();
        StringBuilder text = new StringBuilder();
        boolean parsed = true;
        for (String s : sqls) {
            Classification c = classify(s);
            op = stronger(op, c.operation());
            tables.addAll(List.of(c.tables()));
            columns.addAll(List.of(c.columns()));
            parsed &= c.parsed();
            if (text.length() < SqlText.MAX_EVIDENCE) {
                text.append(text.length() == 0 ? "" : "; ").append(c.statement());
            }
        }
        return new Classification(op == null ? SqlOperation.OTHER : op, tables.toArray(new String[0]), text.toString(), parsed,
                columns.toArray(new String[0]));
    }

    private void put(ConcurrentHashMap<String, Classification> map, String key, Classification c) {
        if (map.size() >= maxEntries) {
            map.clear(); // bounded: dynamic SQL with ever-new shapes must not grow memory
        }
        map.put(key, c);
    }

    private Classification compute(String sql, String normalized) {
        if (sql.length() <= MAX_PARSE) {
            try {
                Statements statements = CCJSqlParserUtil.parseStatements(sql, parsers, p -> p.withTimeOut(PARSE_TIMEOUT_MS));
                Classification c = fromStatements(statements, normalized);
                if (c != null) {
                    return c;
                }
            } catch (RejectedExecutionException busy) {
                // every parser thread is busy with slow text: classify lexically
            } catch (Exception | StackOverflowError unreadable) {
                // not SQL JSqlParser reads: classify lexically
            }
        }
        return lexical(sql, normalized);
    }

    private static Classification fromStatements(Statements statements, String normalized) {
        if (statements == null || statements.isEmpty()) {
            return null;
        }
        SqlOperation op = null;
        Set<String> tables = new LinkedHashSet<>();
        Set<String> columns = new LinkedHashSet<>();
        for (Statement s : statements) {
            if (s == null) {
                continue;
            }
            op = stronger(op, operationOf(s));
            for (String t : tablesOf(s)) {
                tables.add(SqlText.tableName(t));
            }
            columns.addAll(SqlColumns.of(s));
        }
        if (op == null) {
            return null;
        }
        return new Classification(op, tables.toArray(new String[0]), normalized, true, columns.toArray(new String[0]));
    }

    static SqlOperation operationOf(Statement s) {
        if (s instanceof Select) {
            return SqlOperation.SELECT;
        }
        if (s instanceof Insert || s instanceof Upsert) {
            return SqlOperation.INSERT;
        }
        if (s instanceof Update) {
            return SqlOperation.UPDATE;
        }
        if (s instanceof Delete) {
            return SqlOperation.DELETE;
        }
        if (s instanceof Merge) {
            return SqlOperation.MERGE;
        }
        if (s instanceof CreateTable || s instanceof CreateIndex || s instanceof CreateView || s instanceof AlterView
                || s instanceof Alter || s instanceof Drop || s instanceof Truncate || s instanceof CreateSchema
                || s instanceof CreateSequence || s instanceof AlterSequence || s instanceof Comment
                || s instanceof RenameTableStatement || s instanceof CreateFunction || s instanceof CreateProcedure
                || s instanceof CreateSynonym || s instanceof Grant || s instanceof AlterSystemStatement || s instanceof AlterSession) {
            return SqlOperation.DDL;
        }
        return SqlOperation.OTHER;
    }

    private static List<String> tablesOf(Statement s) {
        List<String> out = new ArrayList<>();
        if (s instanceof CreateTable) {
            add(out, ((CreateTable) s).getTable());
        } else if (s instanceof Drop) {
            add(out, ((Drop) s).getName());
        } else if (s instanceof Truncate) {
            Truncate t = (Truncate) s;
            if (t.getTables() != null) {
                t.getTables().forEach(x -> add(out, x));
            } else {
                add(out, t.getTable());
            }
        } else if (s instanceof CreateIndex) {
            add(out, ((CreateIndex) s).getTable());
        } else if (s instanceof CreateView) {
            add(out, ((CreateView) s).getView());
        } else if (s instanceof Alter) {
            add(out, ((Alter) s).getTable());
        }
        try {
            out.addAll(new TablesNamesFinder<Void>().getTables(s));
        } catch (RuntimeException unsupported) {
            // TablesNamesFinder does not know every statement type; the names above stand
        }
        return out;
    }

    private static void add(List<String> out, Table t) {
        if (t != null && t.getName() != null) {
            out.add(t.getName());
        }
    }

    static Classification lexical(String sql, String normalized) {
        List<SqlText.Part> parts = SqlText.parts(sql, 1 << 20);
        SqlOperation op = SqlText.strongest(parts);
        return new Classification(op == null ? SqlOperation.OTHER : op, SqlText.tables(parts).toArray(new String[0]), normalized, false, new String[0]);
    }

    private static SqlOperation stronger(SqlOperation a, SqlOperation b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return b.weight() > a.weight() ? b : a;
    }
}
