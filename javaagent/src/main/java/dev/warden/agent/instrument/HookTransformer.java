package dev.warden.agent.instrument;

import dev.warden.agent.runtime.Log;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Weaves the {@link HookRegistry}'s advice into classes as they load (and into already-loaded
 * ones through retransformation). Named hooks are found by a map lookup; JDBC hooks, which
 * apply to every class implementing {@code java.sql.Statement} or {@code Connection}, first pass
 * a cheap byte scan for their method names, then a declared-method check, then a supertype walk
 * that reads class files instead of loading classes.
 *
 * <p>Safety: any failure leaves the class untouched (returns null) and is reported once. Frames
 * are computed by {@link HierarchyClassWriter}. In verify mode every woven class is checked with
 * ASM's {@code CheckClassAdapter} and data-flow analyser before it is handed to the JVM; one that
 * fails is not woven. Called by the JVM on any thread; thread-safe.
 */
public final class HookTransformer implements ClassFileTransformer {
    /**
     * A class file that names none of these cannot need a subtype hook (JDBC method names; Thread
     * subclasses name their superclass; servlet {@code FilterChain.doFilter}; a servlet
     * {@code AsyncContext} implementation names its interface).
     */
    private static final byte[][] JDBC_NAMES = {
        bytes("execute"), bytes("prepareStatement"), bytes("prepareCall"), bytes("addBatch"), bytes("clearBatch"), bytes("java/lang/Thread"),
        bytes("doFilter"), bytes("servlet/AsyncContext")};

    private final Map<String, List<Hook>> byClass = new HashMap<>();
    private final Map<String, List<Hook>> bySupertype = new HashMap<>();
    private final Set<String> subtypeMethodNames = new LinkedHashSet<>();
    /** Annotation hooks and the descriptors a class file must contain for them to be considered. */
    private final List<Hook> annotated = new ArrayList<>();
    private byte[][] annotationNames = new byte[0][];
    private final ClassHierarchy hierarchy = new ClassHierarchy();
    private final ClassLoader ownLoader;
    private final boolean verify;
    private final Set<String> woven = ConcurrentHashMap.newKeySet();
    private final AtomicInteger failures = new AtomicInteger();

    /**
     * @param ownLoader Warden's own class loader, whose classes are never woven (null: none)
     * @param verify test mode: verify every woven class before the JVM sees it
     */
    public HookTransformer(List<Hook> hooks, ClassLoader ownLoader, boolean verify) {
        this.ownLoader = ownLoader;
        this.verify = verify;
        for (Hook h : hooks) {
            if (h.annotation != null) {
                annotated.add(h);
                annotationNames = java.util.Arrays.copyOf(annotationNames, annotationNames.length + 1);
                annotationNames[annotationNames.length - 1] = bytes(h.annotation);
            } else if (h.className != null) {
                byClass.computeIfAbsent(h.className, k -> new ArrayList<>()).add(h);
            } else {
                bySupertype.computeIfAbsent(h.supertype, k -> new ArrayList<>()).add(h);
                subtypeMethodNames.add(h.method);
            }
        }
    }

    /** Told about each class woven (the heartbeat's library list); called on the class-loading thread. */
    public interface WovenListener {
        void woven(String family, String library, ProtectionDomain domain);
    }

    private volatile WovenListener listener;

    /** Reports every class woven from now on to {@code l}. */
    public void listener(WovenListener l) {
        this.listener = l;
    }

    /** Binary names of the classes woven so far (for the start-up line, tests and verify mode). */
    public Set<String> woven() {
        return woven;
    }

    public int failures() {
        return failures.get();
    }

    /** True when an already-loaded class should be retransformed. */
    public boolean wants(Class<?> c) {
        String internal = c.getName().replace('.', '/');
        if (byClass.containsKey(internal) || HookRegistry.STATEMENT_BASES.contains(internal)) {
            return true;
        }
        return !c.isInterface() && (java.sql.Statement.class.isAssignableFrom(c) || java.sql.Connection.class.isAssignableFrom(c)
                || (Thread.class.isAssignableFrom(c) && c != Thread.class && c.getClassLoader() != null));
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain, byte[] bytes) {
        if (className == null || bytes == null || (loader != null && loader == ownLoader) || className.startsWith("dev/warden/agent/")) {
            return null;
        }
        try {
            List<Hook> named = byClass.get(className);
            List<Hook> typed = null;
            ClassReader reader = null;
            if (loader != null && containsAny(bytes, JDBC_NAMES)) {
                reader = new ClassReader(bytes);
                typed = subtypeHooks(loader, reader);
            }
            List<Hook> byAnnotation = loader != null && annotationNames.length > 0 && containsAny(bytes, annotationNames) ? annotated : null;
            if (named == null && (typed == null || typed.isEmpty()) && byAnnotation == null) {
                return null;
            }
            List<Hook> hooks = new ArrayList<>();
            if (byAnnotation != null) {
                hooks.addAll(byAnnotation);
            }
            if (named != null) {
                hooks.addAll(named);
            }
            if (typed != null) {
                hooks.addAll(typed);
            }
            if (reader == null) {
                reader = new ClassReader(bytes);
            }
            byte[] out = weave(reader, loader, hooks);
            if (out == null) {
                return null;
            }
            if (verify) {
                String problem = WovenClassVerifier.verify(out, loader, hierarchy);
                if (problem != null) {
                    failures.incrementAndGet();
                    Log.line("verify FAILED " + className.replace('/', '.') + ": " + problem);
                    return null;
                }
                Log.line("verify ok " + className.replace('/', '.'));
            }
            woven.add(className.replace('/', '.'));
            WovenListener l = listener;
            if (l != null) {
                for (Hook h : hooks) {
                    l.woven(h.family, h.library, domain);
                }
            }
            Log.debug("instrumented " + className.replace('/', '.'));
            return out;
        } catch (Throwable t) {
            failures.incrementAndGet();
            Log.once("transform:" + className, "could not instrument " + className.replace('/', '.') + " (" + t + "); it runs ungoverned");
            return null;
        }
    }

    /** The JDBC hooks that apply to this class: it declares a hooked method and is a Statement or Connection. */
    private List<Hook> subtypeHooks(ClassLoader loader, ClassReader reader) {
        if ((reader.getAccess() & Opcodes.ACC_INTERFACE) != 0) {
            return null;
        }
        List<String[]> declared = new ArrayList<>();
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0 && subtypeMethodNames.contains(name)) {
                    declared.add(new String[] {name, descriptor});
                }
                return null;
            }
        }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        if (declared.isEmpty()) {
            return null;
        }
        ClassHierarchy.Info self = ClassHierarchy.header(reader);
        hierarchy.remember(loader, self);
        List<Hook> out = new ArrayList<>();
        for (Map.Entry<String, List<Hook>> e : bySupertype.entrySet()) {
            boolean isSubtype = (e.getKey().equals(HookRegistry.STATEMENT) && HookRegistry.STATEMENT_BASES.contains(self.name()))
                    || hierarchy.isSubtypeOf(loader, self, e.getKey());
            if (!isSubtype) {
                continue;
            }
            for (Hook h : e.getValue()) {
                for (String[] m : declared) {
                    if (h.matches(m[0], m[1]) && (h.descriptor != null || m[1].startsWith("(Ljava/lang/String;"))) {
                        out.add(h);
                        break;
                    }
                }
            }
        }
        return out;
    }

    private byte[] weave(ClassReader reader, ClassLoader loader, List<Hook> hooks) {
        ClassWriter writer = new HierarchyClassWriter(reader, hierarchy, loader);
        int[] count = {0};
        ClassVisitor visitor = new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0 || mv == null) {
                    return mv;
                }
                for (Hook h : hooks) {
                    if (h.matches(name, descriptor) && (h.descriptor != null || h.className != null || h.annotation != null
                            || descriptor.startsWith("(Ljava/lang/String;"))) {
                        count[0]++;
                        return h.advice.advise(mv, access, name, descriptor);
                    }
                }
                return mv;
            }
        };
        reader.accept(visitor, ClassReader.SKIP_FRAMES);
        return count[0] == 0 ? null : writer.toByteArray();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** A plain scan of the class file bytes (names live in the constant pool as modified UTF-8). */
    static boolean containsAny(byte[] haystack, byte[][] needles) {
        int n = haystack.length;
        for (int i = 0; i < n; i++) {
            byte b = haystack[i];
            for (byte[] needle : needles) {
                if (needle[0] == b && i + needle.length <= n) {
                    int j = 1;
                    while (j < needle.length && haystack[i + j] == needle[j]) {
                        j++;
                    }
                    if (j == needle.length) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
