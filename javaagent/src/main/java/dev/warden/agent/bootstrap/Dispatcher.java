package dev.warden.agent.bootstrap;

/**
 * What the {@link Bridge} forwards to: implemented once by Warden's runtime (in its isolated
 * class loader) and installed in {@link Bridge#dispatcher}. Arguments are plain objects because
 * the bridge, on the bootstrap path, cannot name {@code java.net.http}, {@code java.sql} or
 * library types; the implementation casts or reads them reflectively.
 *
 * <p>Methods returning {@code Object} return {@code null} (not governed here: nested call or no
 * dispatcher), a {@link Throwable} the injected code throws (the call is blocked), or an opaque
 * token the injected code hands back to {@link #exit}. Called on application threads, any number
 * at once; implementations must be thread-safe and must not throw.
 */
public interface Dispatcher {
    // ---- HTTP ----
    /** A multi-hop exchange was created on the caller's thread: remember the caller's context for its hops. */
    void httpCallCreated(Object call);

    /** JDK HttpClient: one hop of {@code MultiExchange} is about to be sent. */
    Object httpJdkRequest(Object exchange, Object request);

    /** JDK HttpClient: a hop of {@code exchange} received a response with {@code status}. */
    void httpJdkResponse(Object exchange, int status);

    /** JDK HttpClient: the exchange's final future (records a failure outcome when it fails). */
    void httpJdkCompleted(Object exchange, Object future);

    /** {@code HttpURLConnection} is about to connect (once per connection and per redirect hop). */
    Object httpConnection(Object connection);

    /** {@code HttpURLConnection}: a response ({@code responseCode}, or -1) arrived or the attempt failed. */
    void httpConnectionResponse(Object connection, int responseCode, Throwable thrown);

    /** A library client ({@link Bridge#APACHE4} ...) is about to send one request; a and b as the hook passes them. */
    Object httpRequest(int client, Object a, Object b);

    // ---- JDBC ----
    void sqlPrepared(Object statement, String sql);

    /** {@code addBatch(sql)} or, with {@code clear}, {@code clearBatch()}. */
    void sqlBatch(Object statement, String sql, boolean clear);

    /** A statement is about to execute; {@code sql} is null for prepared statements and batches. */
    Object sqlExecute(Object statement, String sql, int method);

    // ---- process ----
    Object processStart(Object builder);

    Object processPipeline(Object builders);

    // ---- common ----
    /** The governed call whose {@code token} it is ended: with {@code value}/{@code count}, or {@code thrown}. */
    void exit(Object token, Object value, long count, Throwable thrown);

    /** The bridge caught {@code t} from this dispatcher: what to do under the configured failure mode. */
    Object internalError(Throwable t);

    // ---- principal (policy language 1.1) ----
    /** A server thread starts serving {@code request} (a servlet request, a JDK {@code HttpExchange}): the token {@link #principalExit} restores, or null. */
    default Object principalEnter(Object request) {
        return null;
    }

    /** The request {@link #principalEnter} saw is served: restore the thread's previous principal. */
    default void principalExit(Object token) {
    }
}
