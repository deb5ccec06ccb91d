package dev.warden.examples.support;

/**
 * A tool could not do its job (a service refused, a host was unreachable, a statement failed, or
 * Warden blocked the call inside it). Unchecked on purpose: LangChain4j turns any tool exception into
 * an error result and Spring AI turns a RuntimeException into a result text, so the model reads
 * {@link #getMessage()}; a checked exception would abort a Spring AI conversation instead.
 */
public final class ToolFailure extends RuntimeException {
    public ToolFailure(String message, Throwable cause) {
        super(message, cause);
    }

    public ToolFailure(String message) {
        super(message);
    }
}
