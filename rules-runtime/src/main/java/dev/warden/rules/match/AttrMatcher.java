package dev.warden.rules.match;

import dev.warden.rules.Action;
import dev.warden.rules.Attr;

/**
 * One {@code key: matcher} pair of a rule's {@code match} (or {@code after}): which attribute
 * of the action to read and how to test it. Immutable; {@link #matches} allocates nothing.
 */
public final class AttrMatcher {
    public final Attr attr;
    /** For {@code args.<path>}: the path segments; else null. */
    public final String[] path;
    public final ValueMatcher matcher;
    /** The policy key as written ({@code host}, {@code args.amount}). */
    public final String key;

    public AttrMatcher(Attr attr, String key, String[] path, ValueMatcher matcher) {
        this.attr = attr;
        this.key = key;
        this.path = path;
        this.matcher = matcher;
    }

    public boolean matches(Action a, JsonSlice scratch) {
        switch (attr.type) {
            case NUMBER: {
                int port = a.port();
                return port < 0 ? matcher.test(null) : matcher.testNumber(port);
            }
            case SET:
            case LOWER_SET:
                if (attr == Attr.TABLES) {
                    return setOrAbsent(a.tableCount() == 0, TABLES, a);
                }
                if (attr == Attr.COLUMNS) {
                    return setOrAbsent(a.columnCount() == 0, COLUMNS, a);
                }
                return setOrAbsent(a.processArgCount() == 0, ARGS, a);
            case JSON: {
                if (!scratch.find(a.args(), path)) {
                    return matcher.test(null);
                }
                switch (scratch.type()) {
                    case NUMBER:
                        return matcher.testNumber(scratch.number());
                    default:
                        return matcher.test(scratch);
                }
            }
            default:
                return matcher.test(attr.text(a));
        }
    }

    private static final int TABLES = 0;
    private static final int COLUMNS = 1;
    private static final int ARGS = 2;

    private boolean setOrAbsent(boolean empty, int which, Action a) {
        if (empty) {
            return matcher.testSet(null, 0);
        }
        switch (which) {
            case TABLES: return matcher.testSet(a.rawTables(), a.tableCount());
            case COLUMNS: return matcher.testSet(a.rawColumns(), a.columnCount());
            default: return matcher.testSet(a.rawProcessArgs(), a.processArgCount());
        }
    }

    public String describe() {
        return key + ": " + matcher.describe();
    }

    @Override
    public String toString() {
        return describe();
    }
}
