package dev.warden.agent.instrument;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;

/**
 * Answers type questions about classes without loading them: each class file is read through
 * its loader's resources ({@code getResource(name + ".class")}) and only its header (super class,
 * interfaces, flags) is kept. Loading classes from inside a transformer invites circularity and
 * deadlocks, and would initialise the application's classes in the wrong order; this is how the
 * frame computation ({@link HierarchyClassWriter}), the JDBC type matching and the test-mode
 * verifier learn what they need.
 *
 * <p>Thread-safe; results are cached per class loader (bounded) and dropped with the loader.
 */
public final class ClassHierarchy {
    /** One class header. Immutable. */
    public record Info(String name, String superName, String[] interfaces, boolean isInterface) {
    }

    private static final Object BOOT = new Object();
    private static final int MAX_PER_LOADER = 20_000;
    private final Map<Object, ConcurrentHashMap<String, Info>> cache = new WeakHashMap<>();

    /** The header of {@code internalName} as seen from {@code loader} (null: bootstrap), or null when not found. */
    public Info info(ClassLoader loader, String internalName) {
        ConcurrentHashMap<String, Info> perLoader;
        synchronized (cache) {
            perLoader = cache.computeIfAbsent(loader == null ? BOOT : loader, k -> new ConcurrentHashMap<>());
        }
        Info info = perLoader.get(internalName);
        if (info != null) {
            return info;
        }
        info = read(loader, internalName);
        if (info != null) {
            if (perLoader.size() > MAX_PER_LOADER) {
                perLoader.clear();
            }
            perLoader.put(internalName, info);
        }
        return info;
    }

    /** Records a header the transformer already has in hand (the class being transformed). */
    public void remember(ClassLoader loader, Info info) {
        synchronized (cache) {
            cache.computeIfAbsent(loader == null ? BOOT : loader, k -> new ConcurrentHashMap<>()).put(info.name(), info);
        }
    }

    public static Info header(ClassReader reader) {
        return new Info(reader.getClassName(), reader.getSuperName(), reader.getInterfaces(), (reader.getAccess() & Opcodes.ACC_INTERFACE) != 0);
    }

    private static Info read(ClassLoader loader, String internalName) {
        String resource = internalName + ".class";
        URL url = loader != null ? loader.getResource(resource) : ClassLoader.getPlatformClassLoader().getResource(resource);
        if (url == null) {
            return null;
        }
        try (InputStream in = url.openStream()) {
            return header(new ClassReader(in));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * True when {@code internalName} (whose header is {@code start}, or looked up when null) is,
     * extends or implements {@code target}. Unknown supertypes count as not matching.
     */
    public boolean isSubtypeOf(ClassLoader loader, Info start, String target) {
        return isSubtypeOf(loader, start, target, 0);
    }

    private boolean isSubtypeOf(ClassLoader loader, Info info, String target, int depth) {
        if (info == null || depth > 64) {
            return false;
        }
        if (info.name().equals(target)) {
            return true;
        }
        for (String i : info.interfaces()) {
            if (i.equals(target) || isSubtypeOf(loader, info(loader, i), target, depth + 1)) {
                return true;
            }
        }
        String sup = info.superName();
        return sup != null && isSubtypeOf(loader, info(loader, sup), target, depth + 1);
    }

    /**
     * The nearest common super class of two classes, as ASM's frame computation needs it;
     * {@code java/lang/Object} when either is an interface. Throws when a type cannot be read
     * (the transformer then leaves the class untouched rather than guess).
     */
    public String commonSuperClass(ClassLoader loader, String a, String b) {
        if (a.equals(b)) {
            return a;
        }
        if (a.equals("java/lang/Object") || b.equals("java/lang/Object")) {
            return "java/lang/Object";
        }
        Info ia = require(loader, a);
        Info ib = require(loader, b);
        if (ia.isInterface() || ib.isInterface()) {
            if (isSubtypeOf(loader, ib, a)) {
                return a;
            }
            if (isSubtypeOf(loader, ia, b)) {
                return b;
            }
            return "java/lang/Object";
        }
        java.util.Set<String> chain = new java.util.HashSet<>();
        for (Info i = ia; i != null; i = i.superName() == null ? null : require(loader, i.superName())) {
            chain.add(i.name());
        }
        for (Info i = ib; i != null; i = i.superName() == null ? null : require(loader, i.superName())) {
            if (chain.contains(i.name())) {
                return i.name();
            }
        }
        return "java/lang/Object";
    }

    private Info require(ClassLoader loader, String name) {
        Info i = info(loader, name);
        if (i == null) {
            throw new IllegalStateException("cannot read the class file of " + name + " from " + loader);
        }
        return i;
    }
}
