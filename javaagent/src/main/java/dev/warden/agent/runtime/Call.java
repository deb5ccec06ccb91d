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

    // budgets (policy language 1.1): a reservation is given back when the call provably had no effect
    /** The budget this call reserved, or null. */
    dev.warden.rules.Reservation reservation;
    /** The in-progress call with a reservation that this call runs inside, on the same thread (e.g. the tool whose body makes it), or null. */
    Call budgeted;
    /** For a call with a reservation: the thread's previous {@link ThreadState#budgeted}, restored when it finishes. */
    Call outerBudgeted;
    /** For a call with a reservation: governed calls made inside it, and how many of them may have had an effect. */
    volatile int nestedCalls;
    volatile int nestedEffects;
    static final java.util.concurrent.atomic.AtomicIntegerFieldUpdater<Call> NESTED_CALLS =
            java.util.concurrent.atomic.AtomicIntegerFieldUpdater.newUpdater(Call.class, "nestedCalls");
    static final java.util.concurrent.atomic.AtomicIntegerFieldUpdater<Call> NESTED_EFFECTS =
            java.util.concurrent.atomic.AtomicIntegerFieldUpdater.newUpdater(Call.class, "nestedEffects");

    Call(Family family, boolean pooled) {
        this.family = family;
        this.pooled = pooled;
    }

    public long seq() {
        return seq;
    }
}
