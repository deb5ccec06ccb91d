package dev.warden.rules;

/** Enforce blocks; monitor evaluates and records what would have happened, and allows. */
public enum Mode {
    ENFORCE("enforce"), MONITOR("monitor");

    public final String label;

    Mode(String label) {
        this.label = label;
    }

    public static Mode of(String label) {
        for (Mode m : values()) {
            if (m.label.equals(label)) {
                return m;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return label;
    }
}
