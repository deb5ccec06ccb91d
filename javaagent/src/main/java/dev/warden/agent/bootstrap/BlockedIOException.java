package dev.warden.agent.bootstrap;

import java.io.InterruptedIOException;

/**
 * Thrown by HTTP clients and process launches that the policy denied. Immutable; any thread.
 *
 * <p>It extends {@link InterruptedIOException} (an {@code IOException}) on purpose: Apache
 * HttpClient 4 and 5 and the JDK client retry ordinary {@code IOException}s, which would evaluate
 * and record one denied request several times, and HttpClient 4 hides a denied non-repeatable
 * POST inside a {@code ClientProtocolException}; every one of them gives up at once on an
 * {@code InterruptedIOException} and rethrows it unchanged. The public {@code (String)}
 * constructor is what {@code HttpURLConnection.getChainedException} uses to re-create it on a
 * second {@code getInputStream()}.
 */
public class BlockedIOException extends InterruptedIOException implements WardenBlocked {
    private static final long serialVersionUID = 1L;
    private final String evidenceId;

    public BlockedIOException(String message) {
        this(message, null);
    }

    public BlockedIOException(String message, String evidenceId) {
        super(message);
        this.evidenceId = evidenceId;
    }

    @Override
    public String evidenceId() {
        return evidenceId;
    }
}
