package dev.warden.agent.config;

/** A configuration problem the user caused, described in one line (no stack trace is shown). */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
