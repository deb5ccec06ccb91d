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
 * {@code org.slf4j.MDC}, generated here), and a static ThreadLocal; the MDC wins when both have a value.
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

    @Test
    void malformedSectionsAreOneLine() throws Exception {
        assertNull(PrincipalSource.fromConfig(config("tools: []\n")));
        assertEquals("principal.header is not a setting (mdc, thread-local)",
                assertThrows(IllegalArgumentException.class, () -> PrincipalSource.fromConfig(config("principal:\n  header: X-User\n"))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> PrincipalSource.fromConfig(config("principal:\n  thread-local: NoDot\n")));
        assertThrows(IllegalArgumentException.class, () -> PrincipalSource.fromConfig(config("principal:\n  mdc: \"\"\n")));
        assertThrows(IllegalArgumentException.class, () -> PrincipalSource.fromConfig(config("principal: bob\n")));
    }
}
