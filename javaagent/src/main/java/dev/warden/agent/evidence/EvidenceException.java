package dev.warden.agent.evidence;

/** Local evidence cannot be written (directory unwritable, disk full, queue broken); one line. */
public final class EvidenceException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean reported;

    public EvidenceException(String message, Throwable cause) {
        this(message, cause, false);
    }

    /** {@code reported}: the problem was already printed (once for its episode); callers print nothing more. */
    public EvidenceException(String message, Throwable cause, boolean reported) {
        super(message, cause, false, false);
        this.reported = reported;
    }

    /** True when this problem has been reported on stderr already. */
    public boolean reported() {
        return reported;
    }
}
