package dev.warden.rules;

/** The families of consequential actions Warden governs. */
public enum Kind {
    TOOL("tool"), HTTP("http"), SQL("sql"), PROCESS("process");

    private static final Kind[] VALUES = values();
    public final String label;

    Kind(String label) {
        this.label = label;
    }

    /** The kind for a policy or JSON label, or null when there is none. */
    public static Kind of(String label) {
        for (Kind k : VALUES) {
            if (k.label.equals(label)) {
                return k;
            }
        }
        return null;
    }

    public static int count() {
        return VALUES.length;
    }

    @Override
    public String toString() {
        return label;
    }
}
