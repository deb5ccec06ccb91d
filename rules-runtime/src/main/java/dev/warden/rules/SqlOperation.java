package dev.warden.rules;

/** What a SQL statement does, as classified by the agent's SQL parser. */
public enum SqlOperation {
    SELECT, INSERT, UPDATE, DELETE, MERGE, DDL, OTHER;

    /** Case-insensitive lookup; null when the name is not an operation. */
    public static SqlOperation of(String name) {
        for (SqlOperation op : values()) {
            if (op.name().equalsIgnoreCase(name)) {
                return op;
            }
        }
        return null;
    }

    /**
     * How much a statement of this operation can change; used to classify a multi-statement
     * string conservatively by its most consequential part.
     */
    public int weight() {
        switch (this) {
            case SELECT: return 0;
            case INSERT: return 2;
            case MERGE: return 3;
            case UPDATE: return 4;
            case DELETE: return 5;
            case DDL: return 6;
            default: return 1;
        }
    }
}
