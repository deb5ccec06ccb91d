package dev.warden.agent.principal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.warden.agent.runtime.Governor;
import dev.warden.agent.runtime.ThreadState;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the principal (the end user on whose behalf the agent acts, policy language 1.1) comes
 * from, as named in the {@code config=FILE} YAML:
 *
 * <pre>
 * principal:
 *   header: X-User-Id                             # a header of the inbound request the thread is serving
 *   mdc: user.id                                  # a key of the SLF4J MDC (Logback, Log4j 2 via SLF4J)
 *   thread-local: com.acme.security.Users.CURRENT # a static field holding a ThreadLocal; its value's toString()
 * </pre>
 *
 * The header is captured where a server starts serving a request: servlet containers'
 * {@code HttpServlet.service(ServletRequest, ServletResponse)} (jakarta and javax) and the JDK
 * {@code HttpServer}'s {@code Filter.Chain.doFilter(HttpExchange)} (every context's handler runs
 * inside it), and servlet {@code FilterChain.doFilter} (so filters, which run before the servlet,
 * see it too); it is the thread's principal until that method returns, then the previous one is
 * restored. The MDC and the thread-local are read on the thread that makes the call, through the
 * application's class loader (the thread's context loader, else the system loader; never
 * Warden's own SLF4J), reflectively and cached per loader. Precedence when several have a value:
 * what the thread carries (a served request's header, or a principal a task or thread carried from
 * its submitter), MDC, thread-local.
 *
 * <p>The principal travels where the agent session does ({@code session/SessionPropagation}):
 * work handed to an executor, a {@code CompletableFuture} async stage, servlet
 * {@code AsyncContext.start} or a thread started during a request captures {@link #current()} at
 * submission and runs with it ({@link #carry}); JDK {@code HttpClient} and OkHttp calls capture it
 * when the call is created and use it for hops that run on the client's threads.
 *
 * <p>What a thread carries is its {@code ThreadState.principal}. Thread-safe; {@link #current}
 * allocates nothing, and after the first call per class loader an MDC read is two method-handle calls.
 */
public final class PrincipalSource {
    private static final Object MISSING = new Object();
    /** A {@link #enter} token meaning "no principal before". */
    private static final Object NONE = new Object();
    /** Request class → its header getter (servlet {@code getHeader}, or the JDK exchange's headers). */
    private static final ClassValue<Object> GETTERS = new ClassValue<>() {
        @Override
        protected Object computeValue(Class<?> type) {
            return headerGetter(type);
        }
    };

    private final String header;
    private final String mdcKey;
    private final String threadLocalClass;
    private final String threadLocalField;
    private final ConcurrentHashMap<ClassLoader, Object> mdc = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ClassLoader, Object> threadLocals = new ConcurrentHashMap<>();

    PrincipalSource(String mdcKey, String threadLocal) {
        this(null, mdcKey, threadLocal);
    }

    PrincipalSource(String header, String mdcKey, String threadLocal) {
        this.header = header;
        this.mdcKey = mdcKey;
        int dot = threadLocal == null ? -1 : threadLocal.lastIndexOf('.');
        this.threadLocalClass = dot > 0 ? threadLocal.substring(0, dot) : null;
        this.threadLocalField = dot > 0 ? threadLocal.substring(dot + 1) : null;
    }

    /**
     * The principal source of the config file's {@code principal} section, or null when there is
     * none. Throws {@link IllegalArgumentException} with one line when it is malformed.
     */
    public static PrincipalSource fromConfig(Map<String, JsonNode> extra) {
        JsonNode p = extra == null ? null : extra.get("principal");
        if (p == null || p.isNull()) {
            return null;
        }
        if (!p.isObject()) {
            throw new IllegalArgumentException("principal: must be a map with header: NAME, mdc: KEY and/or thread-local: CLASS.FIELD");
        }
        String header = null;
        String mdcKey = null;
        String threadLocal = null;
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) p::fields) {
            String v = e.getValue().isTextual() ? e.getValue().asText().trim() : null;
            switch (e.getKey()) {
                case "header":
                    if (v == null || !v.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                        throw new IllegalArgumentException("principal.header must be an HTTP header name, not " + e.getValue());
                    }
                    header = v;
                    break;
                case "mdc":
                    if (v == null || v.isEmpty()) {
                        throw new IllegalArgumentException("principal.mdc must be an MDC key");
                    }
                    mdcKey = v;
                    break;
                case "thread-local":
                    if (v == null || !v.matches("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)+")) {
                        throw new IllegalArgumentException("principal.thread-local must be CLASS.FIELD (a static ThreadLocal field), not " + e.getValue());
                    }
                    threadLocal = v;
                    break;
                default:
                    throw new IllegalArgumentException("principal." + e.getKey() + " is not a setting (header, mdc, thread-local)");
            }
        }
        return header == null && mdcKey == null && threadLocal == null ? null : new PrincipalSource(header, mdcKey, threadLocal);
    }

    /**
     * A server thread starts serving {@code request}: its principal header (when configured and
     * present) becomes the thread's principal. Returns the token {@link #exit} restores the
     * previous principal with, or null when nothing changed.
     */
    public Object enter(Object request) {
        if (header == null || request == null) {
            return null;
        }
        String value = headerOf(request, header);
        ThreadState ts = Governor.state();
        String previous = ts.principal;
        if (value == null && previous == null) {
            return null;
        }
        // a request without the header is served by nobody in particular, not by the previous request's user
        ts.principal = value == null || value.isEmpty() ? null : value;
        return previous == null ? NONE : previous;
    }

    /** Restores the principal {@link #enter} replaced. */
    public static void exit(Object token) {
        if (token == NONE) {
            Governor.state().principal = null;
        } else if (token instanceof String) {
            Governor.state().principal = (String) token;
        }
    }

    /** What the calling thread carries (a served request's header, a submitter's principal), or null. */
    public static String carried() {
        return Governor.state().principal;
    }

    /**
     * Makes {@code principal} (null: none) what the calling thread carries: a task's or a new
     * thread's principal from its submitter, or the thread's own put back after the task ran.
     */
    public static void carry(String principal) {
        Governor.state().principal = principal;
    }

    /** The value of {@code name} in a servlet request or a JDK {@code HttpExchange}, or null. */
    static String headerOf(Object request, String name) {
        Object getter = GETTERS.get(request.getClass());
        try {
            if (getter instanceof java.lang.reflect.Method[]) {
                java.lang.reflect.Method[] m = (java.lang.reflect.Method[]) getter; // exchange.getRequestHeaders().getFirst(name)
                Object headers = m[0].invoke(request);
                return headers == null ? null : (String) m[1].invoke(headers, name);
            }
            if (getter instanceof java.lang.reflect.Method) {
                return (String) ((java.lang.reflect.Method) getter).invoke(request, name);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /** The public API that reads a header of requests of {@code type}: a Method, a Method[2], or MISSING. */
    private static Object headerGetter(Class<?> type) {
        for (String api : new String[] {"jakarta.servlet.http.HttpServletRequest", "javax.servlet.http.HttpServletRequest"}) {
            Class<?> c = assignableApi(type, api);
            if (c != null) {
                try {
                    return c.getMethod("getHeader", String.class);
                } catch (NoSuchMethodException e) {
                    return MISSING;
                }
            }
        }
        Class<?> exchange = assignableApi(type, "com.sun.net.httpserver.HttpExchange");
        if (exchange != null) {
            try {
                java.lang.reflect.Method headers = exchange.getMethod("getRequestHeaders");
                return new java.lang.reflect.Method[] {headers, headers.getReturnType().getMethod("getFirst", String.class)};
            } catch (NoSuchMethodException e) {
                return MISSING;
            }
        }
        return MISSING;
    }

    /** The public supertype of {@code type} named {@code name} (class or interface), or null. */
    private static Class<?> assignableApi(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(name)) {
                return c;
            }
            Class<?> i = interfaceNamed(c, name);
            if (i != null) {
                return i;
            }
        }
        return null;
    }

    private static Class<?> interfaceNamed(Class<?> c, String name) {
        for (Class<?> i : c.getInterfaces()) {
            if (i.getName().equals(name)) {
                return i;
            }
            Class<?> deeper = interfaceNamed(i, name);
            if (deeper != null) {
                return deeper;
            }
        }
        return null;
    }

    /** The calling thread's principal, or null. */
    public String current() {
        return current(Governor.state());
    }

    /** The principal of the thread whose state is {@code ts} (the calling thread's), or null. Allocation-free. */
    public String current(ThreadState ts) {
        String carried = ts.principal;
        if (carried != null) {
            return carried;
        }
        if (mdcKey == null && threadLocalClass == null) {
            return null;
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = ClassLoader.getSystemClassLoader();
        }
        if (mdcKey != null) {
            Object h = mdc.get(loader);
            if (h == null) {
                h = mdcHandle(loader);
                mdc.put(loader, h);
            }
            if (h != MISSING) {
                try {
                    String v = (String) ((MethodHandle) h).invokeExact(mdcKey);
                    if (v != null && !v.isEmpty()) {
                        return v;
                    }
                } catch (Throwable t) {
                    // an MDC adapter that fails is no principal
                }
            }
        }
        if (threadLocalClass != null) {
            Object tl = threadLocals.get(loader);
            if (tl == null) {
                tl = threadLocal(loader);
                threadLocals.put(loader, tl);
            }
            if (tl != MISSING) {
                Object v = ((ThreadLocal<?>) tl).get();
                return v == null ? null : v.toString();
            }
        }
        return null;
    }

    private static Object mdcHandle(ClassLoader loader) {
        try {
            Class<?> c = Class.forName("org.slf4j.MDC", false, loader);
            return MethodHandles.publicLookup().findStatic(c, "get", MethodType.methodType(String.class, String.class));
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return MISSING;
        }
    }

    private Object threadLocal(ClassLoader loader) {
        try {
            Field f = Class.forName(threadLocalClass, false, loader).getDeclaredField(threadLocalField);
            if (!Modifier.isStatic(f.getModifiers())) {
                return MISSING;
            }
            f.setAccessible(true);
            Object v = f.get(null);
            return v instanceof ThreadLocal ? v : MISSING;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return MISSING;
        }
    }
}
