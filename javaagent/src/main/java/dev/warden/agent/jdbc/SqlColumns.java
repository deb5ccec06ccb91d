package dev.warden.agent.jdbc;

import dev.warden.rules.sql.SqlText;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * The columns one parsed SQL statement reads or writes, as lower-case {@code table.column}
 * (policy language 1.1 {@code columns}), found with JSqlParser's statement walker. Qualifiers
 * are resolved through the statement's table aliases; an unqualified column of a one-table
 * statement belongs to that table. What cannot be resolved from the text alone stays symbolic
 * for {@link SqlCalls} to resolve from the database's metadata: {@code table.*} for {@code *} and
 * {@code t.*} (every column of the table), and {@code ?.column} for an unqualified column when the
 * statement reads several tables.
 *
 * <p>A new instance per statement (the walker keeps state); used on the parsing thread only.
 */
final class SqlColumns extends TablesNamesFinder<Void> {
    /** Prefix of a column whose table is not known from the text. */
    static final String UNKNOWN_TABLE = "?.";

    private final Map<String, String> aliases = new HashMap<>();
    private final Set<String> tables = new LinkedHashSet<>();
    /** [qualifier or null, column or "*"]. */
    private final List<String[]> refs = new ArrayList<>();

    private SqlColumns() {
    }

    /** The statement's columns (symbolic where the text alone cannot say); empty when the walker does not know the statement. */
    static List<String> of(Statement s) {
        SqlColumns finder = new SqlColumns();
        try {
            finder.getTables(s);
        } catch (RuntimeException unsupported) {
            return List.of();
        }
        return finder.resolve();
    }

    private List<String> resolve() {
        Set<String> out = new LinkedHashSet<>();
        for (String[] ref : refs) {
            String table;
            if (ref[0] != null) {
                String q = SqlText.tableName(ref[0]);
                table = aliases.getOrDefault(q, q);
            } else if (ref[1].equals("*")) {
                for (String t : tables) {
                    out.add(t + ".*");
                }
                continue;
            } else if (tables.size() == 1) {
                table = tables.iterator().next();
            } else {
                out.add(UNKNOWN_TABLE + ref[1]);
                continue;
            }
            out.add(table + "." + ref[1]);
        }
        return new ArrayList<>(out);
    }

    @Override
    public <S> Void visit(Table table, S context) {
        super.visit(table, context);
        if (table.getName() != null) {
            String name = SqlText.tableName(table.getName());
            tables.add(name);
            if (table.getAlias() != null && table.getAlias().getName() != null) {
                aliases.put(SqlText.tableName(table.getAlias().getName()), name);
            }
        }
        return null;
    }

    @Override
    public <S> Void visit(Column column, S context) {
        if (column.getColumnName() != null) {
            Table t = column.getTable();
            String q = t == null || t.getName() == null ? null : t.getName();
            refs.add(new String[] {q, SqlText.tableName(column.getColumnName())});
        }
        return null;
    }

    @Override
    public <S> Void visit(AllColumns all, S context) {
        refs.add(new String[] {null, "*"});
        return null;
    }

    @Override
    public <S> Void visit(AllTableColumns all, S context) {
        Table t = all.getTable();
        refs.add(new String[] {t == null ? null : t.getName(), "*"});
        return null;
    }
}
