package dev.warden.agent.principal;

import com.fasterxml.jackson.databind.JsonNode;
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
 *   mdc: user.id                                  # a key of the SLF4J MDC (Logback, Log4j 2 via SLF4J)
 *   thread-local: com.acme.security.Users.CURRENT # a static field holding a ThreadLocal; its value's toString()
 * </pre>
 *
 * Both are read on the thread that makes the call, through the application's class loader (the
 * thread's context loader, else the system loader; never Warden's own SLF4J), reflectively and
 * cached per loader. The MDC wins when both are set and both have a value. JDK
 * {@code HttpClient} and OkHttp calls capture the caller's principal when the call is created and
 * use it for hops that run on the client's threads.
 *
 * <p>Thread-safe; after the first call per class loader a read is two method-handle calls.
 */
public final class PrincipalSource {
    private static final Object MISSING = new Object();

    private final String mdcKey;
    private final String threadLocalClass;
    private final String threadLocalField;
    private final ConcurrentHashMap<ClassLoader, Object> mdc = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ClassLoader, Object> threadLocals = new ConcurrentHashMap<>();

    PrincipalSource(String mdcKey, String threadLocal) {
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
            throw new IllegalArgumentException("principal: must be a map with mdc: KEY and/or thread-local: CLASS.FIELD");
        }
        String mdcKey = null;
        String threadLocal = null;
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) p::fields) {
            String v = e.getValue().isTextual() ? e.getValue().asText().trim() : null;
            switch (e.getKey()) {
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
                    throw new IllegalArgumentException("principal." + e.getKey() + " is not a setting (mdc, thread-local)");
            }
        }
        return mdcKey == null && threadLocal == null ? null : new PrincipalSource(mdcKey, threadLocal);
    }

    /** The calling thread's principal, or null. */
    public String current() {
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
