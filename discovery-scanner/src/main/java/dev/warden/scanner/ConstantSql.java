package dev.warden.scanner;

import dev.warden.rules.SqlOperation;
import dev.warden.rules.sql.SqlText;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.create.index.CreateIndex;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.view.CreateView;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.truncate.Truncate;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.upsert.Upsert;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * Reads constant SQL found in bytecode or configuration: the operation and the tables, with
 * JSqlParser. SQL that JSqlParser cannot parse (a fragment built by a {@code StringBuilder}, a
 * dialect it does not know) falls back to the lexical reading the agent uses for SQL it cannot
 * parse ({@link SqlText#parts}: the names after {@code FROM}/{@code JOIN}/{@code INTO}/
 * {@code UPDATE}/{@code TABLE}, the most consequential operation named, else the leading
 * keyword), and says so ({@link Parsed#exact()} false). The statement text listed is
 * {@link SqlText#normalize}'s, the same form the agent's evidence shows.
 *
 * <p>Thread-safe; parsing runs on one shared daemon thread ({@code warden-sql-parse}) so that the
 * parser's own timeout can stop a pathological statement.
 */
public final class ConstantSql {
    private ConstantSql() {
    }

    /** The result: operation, lower-case tables, normalised text, whether JSqlParser read it. */
    public record Parsed(SqlOperation operation, List<String> tables, String normalized, boolean exact) {
    }

    private static final ExecutorService PARSER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "warden-sql-parse");
        t.setDaemon(true);
        return t;
    });

    public static Parsed parse(String sql) {
        String text = sql.strip();
        if (text.length() > 20_000) {
            return fallback(text);
        }
        try {
            Statements stmts = CCJSqlParserUtil.parseStatements(text, PARSER, p -> p.withTimeOut(2000));
            SqlOperation op = null;
            Set<String> tables = new LinkedHashSet<>();
            for (Statement st : stmts) {
                SqlOperation o = operation(st);
                op = op == null || o.weight() > op.weight() ? o : op;
                for (String t : new TablesNamesFinder<>().getTables(st)) {
                    tables.add(clean(t));
                }
            }
            if (op == null) {
                return fallback(text);
            }
            return new Parsed(op, new ArrayList<>(tables), normalize(text), true);
        } catch (Exception | StackOverflowError e) {
            return fallback(text);
        }
    }

    private static SqlOperation operation(Statement st) {
        if (st instanceof Select) {
            return SqlOperation.SELECT;
        }
        if (st instanceof Insert || st instanceof Upsert) {
            return SqlOperation.INSERT;
        }
        if (st instanceof Update) {
            return SqlOperation.UPDATE;
        }
        if (st instanceof Delete) {
            return SqlOperation.DELETE;
        }
        if (st instanceof Merge) {
            return SqlOperation.MERGE;
        }
        if (st instanceof CreateTable || st instanceof Alter || st instanceof Drop || st instanceof Truncate
                || st instanceof CreateIndex || st instanceof CreateView) {
            return SqlOperation.DDL;
        }
        return SqlOperation.OTHER;
    }

    private static Parsed fallback(String text) {
        List<SqlText.Part> parts = SqlText.parts(text, 1 << 20);
        SqlOperation op = SqlText.strongest(parts);
        if (op == null) {
            String first = parts.isEmpty() ? "" : parts.get(0).keyword();
            op = first.equals("SELECT") || first.equals("WITH") ? SqlOperation.SELECT : SqlOperation.OTHER;
        }
        return new Parsed(op, SqlText.tables(parts), normalize(text), false);
    }

    private static String clean(String t) {
        return t.replace("\"", "").replace("`", "").replace("[", "").replace("]", "").toLowerCase(Locale.ROOT);
    }

    /** Literals replaced by {@code ?}, comments removed, whitespace collapsed: what the evidence stores, too. */
    public static String normalize(String sql) {
        return SqlText.normalize(sql);
    }
}
