package dev.warden.agent.principal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The principal source: the config file's {@code principal} section (and its one-line errors),
 * the MDC read through the calling thread's context class loader (an application's own
 * {@code org.slf4j.MDC}, generated here), and a static ThreadLocal; the MDC wins when both have a value;
 * the served request's header, and what the thread carries (see {@link PrincipalPropagationTest}).
 */
class PrincipalSourceTest {
    public static final ThreadLocal<Object> USER = new ThreadLocal<>();

    static Map<String, JsonNode> config(String yaml) throws Exception {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        root.fields().forEachRemaining(e -> extra.put(e.getKey(), e.getValue()));
        return extra;
    }

    /** A class loader holding an {@code org.slf4j.MDC} whose {@code get(key)} answers {@code "mdc:" + key}, or null for key "none". */
    static ClassLoader applicationWithMdc() {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "org/slf4j/MDC", null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "get", "(Ljava/lang/String;)Ljava/lang/String;", null, null);
        mv.visitCode();
        org.objectweb.asm.Label some = new org.objectweb.asm.Label();
        mv.visitLdcInsn("none");
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/String", "equals", "(Ljava/lang/Object;)Z", false);
        mv.visitJumpInsn(Opcodes.IFEQ, some);
        mv.visitInsn(Opcodes.ACONST_NULL);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitLabel(some);
        mv.visitLdcInsn("mdc:");
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/String", "concat", "(Ljava/lang/String;)Ljava/lang/String;", false);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        byte[] bytes = cw.toByteArray();
        return new ClassLoader(PrincipalSourceTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.equals("org.slf4j.MDC")) {
                    synchronized (getClassLoadingLock(name)) {
                        Class<?> c = findLoadedClass(name);
                        return c != null ? c : defineClass(name, bytes, 0, bytes.length);
                    }
                }
                return super.loadClass(name, resolve);
            }
        };
    }

    static String onThreadWithLoader(ClassLoader loader, PrincipalSource source) {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(loader);
        try {
            return source.current();
        } finally {
            t.setContextClassLoader(before);
        }
    }

    @Test
    void mdcIsReadThroughTheApplicationsLoaderAndWinsOverTheThreadLocal() throws Exception {
        PrincipalSource s = PrincipalSource.fromConfig(config("principal:\n  mdc: user.id\n  thread-local: " + getClass().getName() + ".USER\n"));
        ClassLoader app = applicationWithMdc();
        USER.set("from-thread-local");
        try {
            assertEquals("mdc:user.id", onThreadWithLoader(app, s));
            PrincipalSource noneKey = PrincipalSource.fromConfig(config("principal:\n  mdc: none\n  thread-local: " + getClass().getName() + ".USER\n"));
            assertEquals("from-thread-local", onThreadWithLoader(app, noneKey));
        } finally {
            USER.remove();
        }
        assertNull(onThreadWithLoader(app, PrincipalSource.fromConfig(config("principal:\n  thread-local: " + getClass().getName() + ".USER\n"))));
    }

    @Test
    void threadLocalValueIsItsText() throws Exception {
        PrincipalSource s = PrincipalSource.fromConfig(config("principal:\n  thread-local: " + getClass().getName() + ".USER\n"));
        USER.set(new StringBuilder("user-").append(42));
        try {
            assertEquals("user-42", s.current());
        } finally {
            USER.remove();
        }
        assertNull(s.current());
        // a field that is not a static ThreadLocal is no principal, never an error at call time
        PrincipalSource wrong = PrincipalSource.fromConfig(config("principal:\n  thread-local: java.lang.Integer.MAX_VALUE\n"));
        assertNull(wrong.current());
    }

    /** A class loader defining an interface {@code jakarta.servlet.http.HttpServletRequest} with {@code getHeader(String)}. */
    static Class<?> servletRequestApi() throws Exception {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_INTERFACE | Opcodes.ACC_ABSTRACT, "jakarta/servlet/http/HttpServletRequest", null, "java/lang/Object", null);
        cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_ABSTRACT, "getHeader", "(Ljava/lang/String;)Ljava/lang/String;", null, null).visitEnd();
        cw.visitEnd();
        byte[] bytes = cw.toByteArray();
        ClassLoader loader = new ClassLoader(PrincipalSourceTest.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                if (name.equals("jakarta.servlet.http.HttpServletRequest")) {
                    return defineClass(name, bytes, 0, bytes.length);
                }
                throw new ClassNotFoundException(name);
            }
        };
        return loader.loadClass("jakarta.servlet.http.HttpServletRequest");
    }

    static Object servletRequest(Class<?> api, Map<String, String> headers) {
        return java.lang.reflect.Proxy.newProxyInstance(api.getClassLoader(), new Class<?>[] {api}, (proxy, method, args) ->
                method.getName().equals("getHeader") ? headers.get((String) args[0]) : null);
    }

    @Test
    void theServedRequestsHeaderIsThePrincipalUntilItIsServedAndNestsAndRestores() throws Exception {
        PrincipalSource s = PrincipalSource.fromConfig(config("principal:\n  header: X-User-Id\n  thread-local: " + getClass().getName() + ".USER\n"));
        Class<?> api = servletRequestApi();
        USER.set("from-thread-local");
        try {
            assertEquals("from-thread-local", s.current());
            Object outer = s.enter(servletRequest(api, Map.of("X-User-Id", "alice")));
            assertEquals("alice", s.current(), "the header wins while the request is served");
            Object inner = s.enter(servletRequest(api, Map.of())); // a forwarded request without the header
            assertEquals("from-thread-local", s.current(), "a request without the header does not inherit the outer user");
            PrincipalSource.exit(inner);
            assertEquals("alice", s.current());
            PrincipalSource.exit(outer);
            assertEquals("from-thread-local", s.current(), "restored when served");
            assertNull(s.enter(servletRequest(api, Map.of())), "nothing to restore when nothing changed");
            assertNull(s.enter("not a request"));
        } finally {
            USER.remove();
        }
        PrincipalSource noHeader = PrincipalSource.fromConfig(config("principal:\n  mdc: user.id\n"));
        assertNull(noHeader.enter(servletRequest(api, Map.of("X-User-Id", "alice"))), "no header configured: nothing captured");
        assertEquals("principal.header must be an HTTP header name, not \"X User\"",
                assertThrows(IllegalArgumentException.class, () -> PrincipalSource.fromConfig(config("principal:\n  header: X User\n"))).getMessage());
    }

    @Test
    void whatTheThreadCarriesWinsOverTheMdcAndTheThreadLocalUntilItIsPutBack() throws Exception {
        PrincipalSource s = PrincipalSource.fromConfig(config("principal:\n  thread-local: " + getClass().getName() + ".USER\n"));
        USER.set("from-thread-local");
        try {
            PrincipalSource.carry("alice"); // a task's principal from its submitter: read even with no header configured
            assertEquals("alice", PrincipalSource.carried());
            assertEquals("alice", s.current());
            PrincipalSource.carry(null);
            assertNull(PrincipalSource.carried());
            assertEquals("from-thread-local", s.current());
        } finally {
            USER.remove();
            PrincipalSource.carry(null);
        }
    }

    @Test
    void malformedSectionsAreOneLine() throws Exception {
        assertNull(PrincipalSource.fromConfig(config("tools: []\n")));
        assertEquals("principal.cookie is not a setting (header, mdc, thread-local)",
                assertThrows(IllegalArgumentException.class, () -> PrincipalSource.fromConfig(config("principal:\n  cookie: sid\n"))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> PrincipalSource.fromConfig(config("principal:\n  thread-local: NoDot\n")));
        assertThrows(IllegalArgumentException.class, () -> PrincipalSource.fromConfig(config("principal:\n  mdc: \"\"\n")));
        assertThrows(IllegalArgumentException.class, () -> PrincipalSource.fromConfig(config("principal: bob\n")));
    }
}
