package dev.warden.rules.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Lexical handling of SQL text that needs no parser: the normalised form kept in evidence
 * (comments removed, string and numeric literals replaced by {@code ?}, whitespace collapsed,
 * capped) and a split into top-level statements with their leading keyword and the names that
 * follow {@code FROM}, {@code JOIN}, {@code INTO}, {@code UPDATE}, {@code TABLE} — the
 * conservative classification of text the parser cannot read. Quotes, comments and dollar
 * quotes are honoured, so a {@code ;} or a keyword inside a literal counts for nothing.
 * Shared by the agent (evidence text and the fallback of its JDBC classifier) and the discovery
 * scanner (the statements it lists, and the fallback for constant SQL JSqlParser cannot read),
 * so an inventory's statement and the evidence of the same statement read alike.
 * Stateless; any thread.
 */
public final class SqlText {
    /** Longest normalised statement kept in evidence. */
    public static final int MAX_EVIDENCE = 4096;

    private SqlText() {
    }

    /** The evidence form of {@code sql}. */
    public static String normalize(String sql) {
        StringBuilder out = new StringBuilder(Math.min(sql.length(), MAX_EVIDENCE) + 8);
        int n = sql.length();
        int i = 0;
        boolean space = false;
        while (i < n && out.length() < MAX_EVIDENCE) {
            char c = sql.charAt(i);
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                i = skipLine(sql, i);
                space = true;
                continue;
            }
            if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = skipBlock(sql, i);
                space = true;
                continue;
            }
            if (Character.isWhitespace(c)) {
                space = true;
                i++;
                continue;
            }
            if (space && out.length() > 0) {
                out.append(' ');
            }
            space = false;
            if (c == '\'' || ((c == 'N' || c == 'n' || c == 'E' || c == 'e' || c == 'X' || c == 'x' || c == 'B' || c == 'b')
                    && i + 1 < n && sql.charAt(i + 1) == '\'' && !identPart(sql, i - 1))) {
                i = skipQuoted(sql, c == '\'' ? i : i + 1, '\'');
                out.append('?');
            } else if (c == '$' && dollarTag(sql, i) > 0) {
                i = skipDollar(sql, i);
                out.append('?');
            } else if ((Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(sql.charAt(i + 1)))) && !identPart(sql, i - 1)) {
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.'
                        || ((sql.charAt(i) == '+' || sql.charAt(i) == '-') && (sql.charAt(i - 1) == 'e' || sql.charAt(i - 1) == 'E')))) {
                    i++;
                }
                out.append('?');
            } else if (c == '"' || c == '`' || c == '[') {
                int end = skipQuoted(sql, i, c == '[' ? ']' : c);
                out.append(sql, i, Math.min(end, i + MAX_EVIDENCE));
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        if (i < n) {
            out.append(" ...");
        }
        return out.toString();
    }

    /**
     * One top-level statement: its leading keyword (upper case), the table-like names found
     * lexically, and the most consequential operation any of its words names (null: none).
     */
    public record Part(String keyword, List<String> tables, dev.warden.rules.SqlOperation strongest) {
    }

    /** Splits at top-level semicolons; reads at most {@code limit} characters. */
    public static List<Part> parts(String sql, int limit) {
        List<Part> out = new ArrayList<>();
        int n = Math.min(sql.length(), limit);
        int i = 0;
        String keyword = null;
        List<String> tables = new ArrayList<>();
        dev.warden.rules.SqlOperation strongest = null;
        String previous = null;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                i = skipLine(sql, i);
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = skipBlock(sql, i);
            } else if (c == '\'') {
                i = skipQuoted(sql, i, '\'');
                previous = "'";
            } else if (c == '$' && dollarTag(sql, i) > 0) {
                i = skipDollar(sql, i);
                previous = "'";
            } else if (c == ';') {
                if (keyword != null) {
                    out.add(new Part(keyword, tables, strongest));
                }
                keyword = null;
                tables = new ArrayList<>();
                strongest = null;
                previous = null;
                i++;
            } else if (Character.isLetter(c) || c == '_' || c == '"' || c == '`' || c == '[') {
                int start = i;
                i = readName(sql, i, n);
                String word = sql.substring(start, i);
                String upper = word.toUpperCase(java.util.Locale.ROOT);
                dev.warden.rules.SqlOperation op = operationOfWord(upper);
                if (op != null && (strongest == null || op.weight() > strongest.weight())) {
                    strongest = op;
                }
                if (keyword == null) {
                    keyword = upper;
                } else if (previous != null && (previous.equals("FROM") || previous.equals("JOIN") || previous.equals("INTO")
                        || previous.equals("UPDATE") || previous.equals("TABLE") || previous.equals("EXISTS") && tables.isEmpty())) {
                    if (!isKeyword(upper)) {
                        tables.add(tableName(word));
                    }
                }
                previous = upper;
            } else {
                if (!Character.isWhitespace(c)) {
                    previous = String.valueOf(c);
                }
                i++;
            }
        }
        if (keyword != null) {
            out.add(new Part(keyword, tables, strongest));
        }
        return out;
    }

    /** The most consequential operation any of {@code parts} names, or null when none names one. */
    public static dev.warden.rules.SqlOperation strongest(List<Part> parts) {
        dev.warden.rules.SqlOperation op = null;
        for (Part p : parts) {
            if (p.strongest() != null && (op == null || p.strongest().weight() > op.weight())) {
                op = p.strongest();
            }
        }
        return op;
    }

    /** Every table-like name of {@code parts}, in order of appearance, each once. */
    public static List<String> tables(List<Part> parts) {
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        for (Part p : parts) {
            out.addAll(p.tables());
        }
        return new ArrayList<>(out);
    }

    /** The operation a keyword names when it appears anywhere in a statement, or null. */
    public static dev.warden.rules.SqlOperation operationOfWord(String upper) {
        switch (upper) {
            case "CREATE": case "DROP": case "ALTER": case "TRUNCATE": case "RENAME": case "GRANT": case "REVOKE": case "COMMENT":
                return dev.warden.rules.SqlOperation.DDL;
            case "DELETE":
                return dev.warden.rules.SqlOperation.DELETE;
            case "UPDATE":
                return dev.warden.rules.SqlOperation.UPDATE;
            case "MERGE":
                return dev.warden.rules.SqlOperation.MERGE;
            case "INSERT": case "REPLACE": case "UPSERT":
                return dev.warden.rules.SqlOperation.INSERT;
            default:
                return null;
        }
    }

    /** The bare lower-case table name: quotes removed, schema and catalog qualification dropped. */
    public static String tableName(String qualified) {
        String s = qualified.trim();
        int dot = lastDotOutsideQuotes(s);
        if (dot >= 0) {
            s = s.substring(dot + 1);
        }
        if (s.length() >= 2 && (s.charAt(0) == '"' || s.charAt(0) == '`' || s.charAt(0) == '[')) {
            s = s.substring(1, s.length() - 1);
        }
        return s.toLowerCase(java.util.Locale.ROOT);
    }

    private static int lastDotOutsideQuotes(String s) {
        int last = -1;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '`') {
                quote = c;
            } else if (c == '[') {
                quote = ']';
            } else if (c == '.') {
                last = i;
            }
        }
        return last;
    }

    private static boolean isKeyword(String upper) {
        switch (upper) {
            case "SELECT": case "WHERE": case "ONLY": case "LATERAL": case "IF": case "NOT": case "EXISTS": case "LOWER": case "UPPER":
            case "SET": case "VALUES": case "DUAL": case "UNNEST": case "TABLE": case "IGNORE":
                return true;
            default:
                return false;
        }
    }

    private static int readName(String sql, int i, int n) {
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '"' || c == '`') {
                i = skipQuoted(sql, i, c);
            } else if (c == '[') {
                i = skipQuoted(sql, i, ']');
            } else if (Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '.' || c == '#' || c == '@') {
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    private static boolean identPart(String s, int i) {
        if (i < 0) {
            return false;
        }
        char c = s.charAt(i);
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    private static int skipLine(String s, int i) {
        int nl = s.indexOf('\n', i);
        return nl < 0 ? s.length() : nl + 1;
    }

    private static int skipBlock(String s, int i) {
        int end = s.indexOf("*/", i + 2);
        return end < 0 ? s.length() : end + 2;
    }

    /** Skips a quoted run starting at {@code i} (the opening quote); a doubled closing quote escapes. */
    private static int skipQuoted(String s, int i, char close) {
        int n = s.length();
        int j = i + 1;
        while (j < n) {
            char c = s.charAt(j);
            if (c == '\\' && close == '\'' && j + 1 < n) {
                j += 2;
                continue;
            }
            if (c == close) {
                if (j + 1 < n && s.charAt(j + 1) == close && close != ']') {
                    j += 2;
                    continue;
                }
                return j + 1;
            }
            j++;
        }
        return n;
    }

    /** Length of a {@code $tag$} opener at {@code i}, or 0. */
    private static int dollarTag(String s, int i) {
        int j = i + 1;
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
            j++;
        }
        if (j < s.length() && s.charAt(j) == '$' && (j == i + 1 || !Character.isDigit(s.charAt(i + 1)))) {
            return j - i + 1;
        }
        return 0;
    }

    private static int skipDollar(String s, int i) {
        int len = dollarTag(s, i);
        String tag = s.substring(i, i + len);
        int end = s.indexOf(tag, i + len);
        return end < 0 ? s.length() : end + len;
    }
}
