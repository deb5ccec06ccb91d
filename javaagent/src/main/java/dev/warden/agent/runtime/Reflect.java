package dev.warden.agent.runtime;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads values from library objects Warden cannot link against (Apache HttpClient, OkHttp live
 * in the application's class loader, invisible to Warden's): public no-argument methods and
 * public fields, looked up once per runtime class and name and cached. A method declared by a
 * non-public class is reached through the public interface or superclass that declares it.
 *
 * <p>Thread-safe; after the first call per class and name, a lookup allocates nothing.
 */
public final class Reflect {
    private static final Object MISSING = new Object();
    /** The arguments of a no-argument call: {@code invoke(target)} would allocate an empty varargs array per call. */
    private static final Object[] NO_ARGS = {};
    private static final ClassValue<ConcurrentHashMap<String, Object>> MEMBERS = new ClassValue<>() {
        @Override
        protected ConcurrentHashMap<String, Object> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    private Reflect() {
    }

    /** {@code target.name()}; throws {@link NoSuchMethodException} when there is no such public method. */
    public static Object call(Object target, String name) throws ReflectiveOperationException {
        Class<?> type = target.getClass();
        ConcurrentHashMap<String, Object> members = MEMBERS.get(type);
        Object m = members.get(name);
        if (m == null) {
            m = findMethod(type, name);
            members.put(name, m == null ? MISSING : m);
        }
        if (m == MISSING) {
            throw new NoSuchMethodException(type.getName() + "." + name + "()");
        }
        try {
            return ((Method) m).invoke(target, NO_ARGS);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw e;
        }
    }

    /**
     * {@code target.name()}, or null when the target is null, has no such method, or the method
     * fails: for reading a framework object's accessors where absence is an answer.
     */
    public static Object callOrNull(Object target, String name) {
        if (target == null) {
            return null;
        }
        try {
            return call(target, name);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** {@code target.name}, a public field. */
    public static Object field(Object target, String name) throws ReflectiveOperationException {
        Class<?> type = target.getClass();
        ConcurrentHashMap<String, Object> members = MEMBERS.get(type);
        String key = "#" + name;
        Object f = members.get(key);
        if (f == null) {
            Field found = null;
            try {
                found = type.getField(name);
            } catch (NoSuchFieldException e) {
                // recorded as missing
            }
            f = found == null ? MISSING : found;
            members.put(key, f);
        }
        if (f == MISSING) {
            throw new NoSuchFieldException(type.getName() + "." + name);
        }
        return ((Field) f).get(target);
    }

    /** {@code call(target, name)} as an int, or {@code fallback} when it fails or is not a number. */
    public static int intOf(Object target, String name, int fallback) {
        try {
            Object v = call(target, name);
            return v instanceof Number ? ((Number) v).intValue() : fallback;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return fallback;
        }
    }

    private static Method findMethod(Class<?> type, String name) {
        Method m;
        try {
            m = type.getMethod(name);
        } catch (NoSuchMethodException e) {
            return null;
        }
        if (Modifier.isPublic(m.getDeclaringClass().getModifiers())) {
            return m;
        }
        return findPublicDeclaration(type, name);
    }

    private static Method findPublicDeclaration(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (Modifier.isPublic(c.getModifiers())) {
                try {
                    Method m = c.getMethod(name);
                    if (Modifier.isPublic(m.getDeclaringClass().getModifiers())) {
                        return m;
                    }
                } catch (NoSuchMethodException e) {
                    // keep looking
                }
            }
            for (Class<?> i : c.getInterfaces()) {
                Method m = findPublicDeclaration(i, name);
                if (m != null) {
                    return m;
                }
            }
        }
        return null;
    }
}
