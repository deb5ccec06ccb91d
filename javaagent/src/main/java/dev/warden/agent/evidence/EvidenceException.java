package dev.warden.agent.evidence;

/** Local evidence cannot be written (directory unwritable, disk full, queue broken); one line. */
public final class EvidenceException extends Exception {
    private static final long serialVersionUID = 1L;

    public EvidenceException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
