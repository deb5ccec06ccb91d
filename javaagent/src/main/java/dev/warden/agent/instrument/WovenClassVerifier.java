package dev.warden.agent.instrument;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.SimpleVerifier;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * Test mode ({@code verify=true}): checks a woven class before the JVM sees it — ASM's
 * {@link CheckClassAdapter} for structure, then a data-flow analysis of every method with a
 * {@link SimpleVerifier} whose type questions are answered from class files
 * ({@link ClassHierarchy}) instead of by loading classes. Returns null when the class is sound,
 * else a one-line description. Stateless; any thread.
 */
final class WovenClassVerifier {
    private WovenClassVerifier() {
    }

    static String verify(byte[] bytes, ClassLoader loader, ClassHierarchy hierarchy) {
        ClassReader reader = new ClassReader(bytes);
        ClassNode node = new ClassNode();
        try {
            reader.accept(new CheckClassAdapter(node, false), 0);
        } catch (RuntimeException e) {
            return "structure: " + e.getMessage();
        }
        Type self = Type.getObjectType(node.name);
        Type superType = node.superName == null ? null : Type.getObjectType(node.superName);
        List<Type> interfaces = node.interfaces.stream().map(Type::getObjectType).toList();
        boolean isInterface = (node.access & Opcodes.ACC_INTERFACE) != 0;
        for (MethodNode m : node.methods) {
            SimpleVerifier verifier = new HierarchyVerifier(self, superType, interfaces, isInterface, loader, hierarchy);
            try {
                new Analyzer<BasicValue>(verifier).analyze(node.name, m);
            } catch (AnalyzerException | RuntimeException e) {
                StringWriter text = new StringWriter();
                text.append(m.name).append(m.desc).append(": ").append(String.valueOf(e.getMessage()));
                if (Boolean.getBoolean("warden.debug")) {
                    e.printStackTrace(new PrintWriter(text));
                }
                return text.toString();
            }
        }
        return null;
    }

    /** A verifier that never loads a class. */
    private static final class HierarchyVerifier extends SimpleVerifier {
        private final ClassLoader loader;
        private final ClassHierarchy hierarchy;
        private final Type self;
        private final Type superType;
        private final List<Type> interfaces;
        private final boolean selfIsInterface;

        HierarchyVerifier(Type self, Type superType, List<Type> interfaces, boolean isInterface, ClassLoader loader, ClassHierarchy hierarchy) {
            super(Opcodes.ASM9, self, superType, interfaces, isInterface);
            this.self = self;
            this.superType = superType;
            this.interfaces = interfaces;
            this.selfIsInterface = isInterface;
            this.loader = loader;
            this.hierarchy = hierarchy;
        }

        private ClassHierarchy.Info info(Type t) {
            if (t.equals(self)) {
                return new ClassHierarchy.Info(self.getInternalName(), superType == null ? null : superType.getInternalName(),
                        interfaces.stream().map(Type::getInternalName).toArray(String[]::new), selfIsInterface);
            }
            ClassHierarchy.Info i = hierarchy.info(loader, t.getInternalName());
            if (i == null) {
                throw new IllegalStateException("cannot read " + t.getInternalName());
            }
            return i;
        }

        @Override
        protected boolean isInterface(Type type) {
            return info(type).isInterface();
        }

        @Override
        protected Type getSuperClass(Type type) {
            String s = info(type).superName();
            return s == null ? null : Type.getObjectType(s);
        }

        @Override
        protected boolean isAssignableFrom(Type to, Type from) {
            if (to.equals(from)) {
                return true;
            }
            if (to.getSort() == Type.ARRAY) {
                if (from.getSort() != Type.ARRAY || from.getDimensions() < to.getDimensions()) {
                    return false;
                }
                Type te = to.getElementType();
                Type fe = from.getElementType();
                if (from.getDimensions() == to.getDimensions()) {
                    return te.getSort() == Type.OBJECT && fe.getSort() == Type.OBJECT ? isAssignableFrom(te, fe) : te.equals(fe);
                }
                return te.getSort() == Type.OBJECT && (te.getInternalName().equals("java/lang/Object")
                        || te.getInternalName().equals("java/lang/Cloneable") || te.getInternalName().equals("java/io/Serializable"));
            }
            if (to.getSort() != Type.OBJECT) {
                return false;
            }
            String target = to.getInternalName();
            if (target.equals("java/lang/Object")) {
                return true;
            }
            if (from.getSort() == Type.ARRAY) {
                return target.equals("java/lang/Cloneable") || target.equals("java/io/Serializable");
            }
            if (from.getSort() != Type.OBJECT) {
                return false;
            }
            if (isInterface(to)) {
                return true; // as the JVM's verifier: interface types accept any reference
            }
            for (ClassHierarchy.Info i = info(from); i != null; i = i.superName() == null ? null : info(Type.getObjectType(i.superName()))) {
                if (i.name().equals(target)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        protected Class<?> getClass(Type type) {
            throw new IllegalStateException("the verifier must not load " + type);
        }
    }
}
