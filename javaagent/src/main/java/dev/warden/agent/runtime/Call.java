package dev.warden.agent.runtime;

/**
 * A governed call that went ahead and whose outcome is still to be recorded: the token the
 * injected code hands back at exit, or that Warden keeps beside an object whose call completes
 * elsewhere (an {@code HttpURLConnection}, a JDK HTTP exchange).
 *
 * <p>Calls that start and end in one method frame reuse their thread's instance per family
 * ({@link #pooled}); calls that outlive the frame are allocated. Confined to one thread at a
 * time (handed over, not shared, when an asynchronous call completes elsewhere).
 */
public final class Call {
    public final Family family;
    final boolean pooled;
    boolean active;
    /** True when the call's thread guard (family depth) must be released at exit. */
    boolean framed;
    ThreadState owner;

    long seq;
    long startNanos;
    /** What the family needs to read the outcome: the HTTP client ({@code Bridge.APACHE4} ...), the SQL execution kind. */
    public int kindOfCall;

    Call(Family family, boolean pooled) {
        this.family = family;
        this.pooled = pooled;
    }

    public long seq() {
        return seq;
    }
}
