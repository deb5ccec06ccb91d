package dev.warden.agent.instrument;

import org.objectweb.asm.MethodVisitor;

/**
 * One hook point: the class it applies to (by exact name, or every class that is a subtype of
 * {@link #supertype}), the method name and descriptor, and the advice woven into it. Instances
 * are listed in {@link HookRegistry}. Immutable.
 */
public final class Hook {
    /** Creates the advice for one matching method. */
    @FunctionalInterface
    public interface AdviceFactory {
        MethodVisitor advise(MethodVisitor mv, int access, String name, String descriptor);
    }

    public final String family;
    public final String library;
    /** Internal name of the class, or null for a subtype hook. */
    public final String className;
    /** Internal name of the supertype, for subtype hooks. */
    public final String supertype;
    public final String method;
    /** JVM descriptor; null matches any (constructors that differ between JDK versions). */
    public final String descriptor;
    public final AdviceFactory advice;
    /** Descriptor of the method annotation that selects the methods, for annotation hooks ({@link #onAnnotated}); else null. */
    public final String annotation;

    private Hook(String family, String library, String className, String supertype, String method, String descriptor, AdviceFactory advice) {
        this(family, library, className, supertype, method, descriptor, advice, null);
    }

    private Hook(String family, String library, String className, String supertype, String method, String descriptor, AdviceFactory advice,
                 String annotation) {
        this.annotation = annotation;
        this.family = family;
        this.library = library;
        this.className = className;
        this.supertype = supertype;
        this.method = method;
        this.descriptor = descriptor;
        this.advice = advice;
    }

    /** A hook on one named class. */
    public static Hook on(String family, String library, String className, String method, String descriptor, AdviceFactory advice) {
        return new Hook(family, library, className, null, method, descriptor, advice);
    }

    /** A hook on every class that extends or implements {@code supertype} and declares the method. */
    public static Hook onSubtypes(String family, String library, String supertype, String method, String descriptor, AdviceFactory advice) {
        return new Hook(family, library, null, supertype, method, descriptor, advice);
    }

    /**
     * A hook on the methods of any class that carry the annotation {@code annotationDescriptor}
     * (matched by descriptor, never loaded): classes whose constant pool names it are offered every
     * method but constructors and initialisers, and the advice itself weaves only the annotated
     * ones (annotations are visited before the code).
     */
    public static Hook onAnnotated(String family, String library, String annotationDescriptor, AdviceFactory advice) {
        return new Hook(family, library, null, null, "*", null, advice, annotationDescriptor);
    }

    public boolean matches(String name, String desc) {
        if (annotation != null) {
            return !name.equals("<init>") && !name.equals("<clinit>");
        }
        return method.equals(name) && (descriptor == null || descriptor.equals(desc));
    }

    @Override
    public String toString() {
        if (annotation != null) {
            return family + "/" + library + " @" + annotation;
        }
        return family + "/" + library + " " + (className != null ? className : "<: " + supertype) + "." + method + (descriptor == null ? "" : descriptor);
    }
}
