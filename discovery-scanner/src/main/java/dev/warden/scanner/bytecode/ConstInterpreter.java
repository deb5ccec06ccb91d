package dev.warden.scanner.bytecode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MultiANewArrayInsnNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.Interpreter;

/**
 * A small abstract interpreter for ASM's {@code Analyzer}: it follows constant strings, class
 * literals, arrays and lists of constants, lambdas, and builder chains
 * ({@code Tool.builder().name("refund").description(...)}) far enough that the scanner can read
 * the arguments of a registration or process-launch call site, across local variables and
 * branches. It is deliberately shallow: anything it cannot follow becomes "unknown", never a
 * guess.
 *
 * <p>Termination: two different values merge to an unknown value (keeping a common type), so
 * every slot changes at most twice. Used by one thread per analysed method.
 */
final class ConstInterpreter extends Interpreter<ConstInterpreter.V> {

    /** An abstract value. Immutable except that an array's or builder's contents fill in as stores are seen. */
    static final class V implements org.objectweb.asm.tree.analysis.Value {
        final int size;
        /** Internal name of the static type, or null (primitives, unknown). */
        final String type;
        /** A constant string, or null. */
        final String str;
        /** A constant int (array indexes), or null. */
        final Integer intConst;
        /** A class literal's internal name, or null. */
        final String classConst;
        /** Elements of an array or list of known size, or null. Filled in by stores. */
        final List<V> elems;
        /** Properties gathered along a builder chain ({@code name}, {@code description}, {@code class}, ...). */
        final Map<String, String> props;
        /** {@code owner.name desc} of a lambda or method reference's implementation, or null. */
        final String handler;

        V(int size, String type, String str, Integer intConst, String classConst, List<V> elems, Map<String, String> props, String handler) {
            this.size = size;
            this.type = type;
            this.str = str;
            this.intConst = intConst;
            this.classConst = classConst;
            this.elems = elems;
            this.props = props;
            this.handler = handler;
        }

        static V unknown(int size, String type) {
            return new V(size, type, null, null, null, null, null, null);
        }

        /** The lambda or method reference this value holds, directly or recorded by a constructor. */
        String handler() {
            return handler != null ? handler : props == null ? null : props.get("handler");
        }

        boolean isPlain() {
            return str == null && intConst == null && classConst == null && elems == null && props == null && handler == null;
        }

        @Override
        public int getSize() {
            return size;
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            if (!(o instanceof V)) {
                return false;
            }
            V v = (V) o;
            return size == v.size && Objects.equals(type, v.type) && Objects.equals(str, v.str) && Objects.equals(intConst, v.intConst)
                    && Objects.equals(classConst, v.classConst) && elems == v.elems && Objects.equals(props, v.props) && Objects.equals(handler, v.handler);
        }

        @Override
        public int hashCode() {
            return Objects.hash(size, type, str, classConst, handler);
        }

        /** The strings this value stands for: itself, or the constant elements of an array/list. */
        List<String> strings() {
            List<String> out = new ArrayList<>();
            if (str != null) {
                out.add(str);
            } else if (elems != null) {
                for (V e : elems) {
                    if (e != null && e.str != null) {
                        out.add(e.str);
                    } else if (e != null && e.elems != null) {
                        out.addAll(e.strings());
                    } else {
                        out.add(null);
                    }
                }
            }
            return out;
        }
    }

    private static final V UNINITIALIZED = V.unknown(1, null);

    ConstInterpreter() {
        super(Opcodes.ASM9);
    }

    @Override
    public V newValue(Type t) {
        if (t == null) {
            return UNINITIALIZED;
        }
        if (t.getSort() == Type.VOID) {
            return null;
        }
        return V.unknown(t.getSize(), typeName(t));
    }

    private static String typeName(Type t) {
        if (t.getSort() == Type.OBJECT) {
            return t.getInternalName();
        }
        if (t.getSort() == Type.ARRAY) {
            return t.getDescriptor();
        }
        return null;
    }

    @Override
    public V newOperation(AbstractInsnNode insn) throws AnalyzerException {
        switch (insn.getOpcode()) {
            case Opcodes.ACONST_NULL:
                return V.unknown(1, null);
            case Opcodes.ICONST_M1: case Opcodes.ICONST_0: case Opcodes.ICONST_1: case Opcodes.ICONST_2:
            case Opcodes.ICONST_3: case Opcodes.ICONST_4: case Opcodes.ICONST_5:
                return new V(1, null, null, insn.getOpcode() - Opcodes.ICONST_0, null, null, null, null);
            case Opcodes.BIPUSH: case Opcodes.SIPUSH:
                return new V(1, null, null, ((IntInsnNode) insn).operand, null, null, null, null);
            case Opcodes.LCONST_0: case Opcodes.LCONST_1: case Opcodes.DCONST_0: case Opcodes.DCONST_1:
                return V.unknown(2, null);
            case Opcodes.FCONST_0: case Opcodes.FCONST_1: case Opcodes.FCONST_2:
                return V.unknown(1, null);
            case Opcodes.LDC: {
                Object c = ((LdcInsnNode) insn).cst;
                if (c instanceof String) {
                    return new V(1, "java/lang/String", (String) c, null, null, null, null, null);
                }
                if (c instanceof Integer) {
                    return new V(1, null, null, (Integer) c, null, null, null, null);
                }
                if (c instanceof Long || c instanceof Double) {
                    return V.unknown(2, null);
                }
                if (c instanceof Type && ((Type) c).getSort() == Type.OBJECT) {
                    return new V(1, "java/lang/Class", null, null, ((Type) c).getInternalName(), null, null, null);
                }
                return V.unknown(1, null);
            }
            case Opcodes.JSR:
                return V.unknown(1, null);
            case Opcodes.GETSTATIC:
                return newValue(Type.getType(((FieldInsnNode) insn).desc));
            case Opcodes.NEW:
                // a fresh object: its constructor's constant arguments are recorded into these props
                return new V(1, ((TypeInsnNode) insn).desc, null, null, null, null, new HashMap<>(), null);
            default:
                throw new AnalyzerException(insn, "unexpected opcode");
        }
    }

    @Override
    public V copyOperation(AbstractInsnNode insn, V value) {
        return value;
    }

    @Override
    public V unaryOperation(AbstractInsnNode insn, V value) throws AnalyzerException {
        switch (insn.getOpcode()) {
            case Opcodes.INEG: case Opcodes.IINC: case Opcodes.L2I: case Opcodes.F2I: case Opcodes.D2I:
            case Opcodes.I2B: case Opcodes.I2C: case Opcodes.I2S: case Opcodes.FNEG: case Opcodes.I2F:
            case Opcodes.L2F: case Opcodes.D2F: case Opcodes.ARRAYLENGTH: case Opcodes.INSTANCEOF:
                return V.unknown(1, null);
            case Opcodes.LNEG: case Opcodes.I2L: case Opcodes.F2L: case Opcodes.D2L: case Opcodes.DNEG:
            case Opcodes.I2D: case Opcodes.L2D: case Opcodes.F2D:
                return V.unknown(2, null);
            case Opcodes.IFEQ: case Opcodes.IFNE: case Opcodes.IFLT: case Opcodes.IFGE: case Opcodes.IFGT:
            case Opcodes.IFLE: case Opcodes.TABLESWITCH: case Opcodes.LOOKUPSWITCH: case Opcodes.IRETURN:
            case Opcodes.LRETURN: case Opcodes.FRETURN: case Opcodes.DRETURN: case Opcodes.ARETURN:
            case Opcodes.PUTSTATIC: case Opcodes.ATHROW: case Opcodes.MONITORENTER: case Opcodes.MONITOREXIT:
            case Opcodes.IFNULL: case Opcodes.IFNONNULL:
                return null;
            case Opcodes.GETFIELD:
                return newValue(Type.getType(((FieldInsnNode) insn).desc));
            case Opcodes.NEWARRAY:
                return new V(1, null, null, null, null, sized(value), null, null);
            case Opcodes.ANEWARRAY:
                return new V(1, "[L" + ((TypeInsnNode) insn).desc + ";", null, null, null, sized(value), null, null);
            case Opcodes.CHECKCAST: {
                String t = Type.getObjectType(((TypeInsnNode) insn).desc).getSort() == Type.ARRAY
                        ? ((TypeInsnNode) insn).desc : ((TypeInsnNode) insn).desc;
                return new V(1, t, value.str, value.intConst, value.classConst, value.elems, value.props, value.handler);
            }
            default:
                throw new AnalyzerException(insn, "unexpected opcode");
        }
    }

    private static List<V> sized(V count) {
        if (count != null && count.intConst != null && count.intConst >= 0 && count.intConst <= 256) {
            List<V> l = new ArrayList<>(count.intConst);
            for (int i = 0; i < count.intConst; i++) {
                l.add(null);
            }
            return l;
        }
        return null;
    }

    @Override
    public V binaryOperation(AbstractInsnNode insn, V a, V b) {
        switch (insn.getOpcode()) {
            case Opcodes.LALOAD: case Opcodes.DALOAD: case Opcodes.LADD: case Opcodes.DADD: case Opcodes.LSUB:
            case Opcodes.DSUB: case Opcodes.LMUL: case Opcodes.DMUL: case Opcodes.LDIV: case Opcodes.DDIV:
            case Opcodes.LREM: case Opcodes.DREM: case Opcodes.LSHL: case Opcodes.LSHR: case Opcodes.LUSHR:
            case Opcodes.LAND: case Opcodes.LOR: case Opcodes.LXOR:
                return V.unknown(2, null);
            case Opcodes.AALOAD:
                if (a.elems != null && b.intConst != null && b.intConst >= 0 && b.intConst < a.elems.size() && a.elems.get(b.intConst) != null) {
                    return a.elems.get(b.intConst);
                }
                return V.unknown(1, a.type != null && a.type.startsWith("[L") ? a.type.substring(2, a.type.length() - 1) : null);
            case Opcodes.IF_ICMPEQ: case Opcodes.IF_ICMPNE: case Opcodes.IF_ICMPLT: case Opcodes.IF_ICMPGE:
            case Opcodes.IF_ICMPGT: case Opcodes.IF_ICMPLE: case Opcodes.IF_ACMPEQ: case Opcodes.IF_ACMPNE:
            case Opcodes.PUTFIELD:
                return null;
            default:
                return V.unknown(1, null);
        }
    }

    @Override
    public V ternaryOperation(AbstractInsnNode insn, V array, V index, V value) {
        if (insn.getOpcode() == Opcodes.AASTORE && array.elems != null && index.intConst != null
                && index.intConst >= 0 && index.intConst < array.elems.size()) {
            array.elems.set(index.intConst, value);
        }
        return null;
    }

    @Override
    public V naryOperation(AbstractInsnNode insn, List<? extends V> values) {
        int op = insn.getOpcode();
        if (op == Opcodes.MULTIANEWARRAY) {
            return V.unknown(1, ((MultiANewArrayInsnNode) insn).desc);
        }
        if (op == Opcodes.INVOKEDYNAMIC) {
            return invokeDynamic((InvokeDynamicInsnNode) insn, values);
        }
        MethodInsnNode m = (MethodInsnNode) insn;
        Type ret = Type.getReturnType(m.desc);
        boolean isStatic = op == Opcodes.INVOKESTATIC;
        List<? extends V> args = isStatic ? values : values.subList(1, values.size());
        V receiver = isStatic ? null : values.get(0);

        if (m.name.equals("<init>")) {
            // the receiver is the NEW value, shared by its DUP: its (mutable) props take the constant arguments
            if (receiver != null && receiver.props != null) {
                for (int i = 0; i < args.size(); i++) {
                    V a = args.get(i);
                    if (a == null) {
                        continue;
                    }
                    if (a.str != null) {
                        receiver.props.putIfAbsent("arg" + i, a.str);
                    }
                    if (a.handler() != null) {
                        receiver.props.putIfAbsent("handler", a.handler());
                    }
                    if (a.props != null && a.props.containsKey("name")) {
                        receiver.props.putIfAbsent("name", a.props.get("name"));
                    }
                    if (a.props != null && a.props.containsKey("arg0")) {
                        receiver.props.putIfAbsent("name", a.props.get("arg0"));
                    }
                }
            }
            return null;
        }
        if (ret.getSort() == Type.VOID) {
            return null;
        }
        String owner = m.owner;
        // constant-preserving factories
        if ((owner.equals("java/util/List") || owner.equals("java/util/Set") || owner.equals("java/util/Map") || owner.equals("java/util/stream/Stream")) && m.name.equals("of")
                || owner.equals("java/util/Arrays") && m.name.equals("asList")) {
            List<V> elems = new ArrayList<>();
            if (args.size() == 1 && args.get(0).elems != null && m.desc.startsWith("([")) {
                elems.addAll(args.get(0).elems);
            } else {
                elems.addAll(args);
            }
            return new V(1, ret.getInternalName(), null, null, null, elems, null, null);
        }
        if ((owner.equals("java/nio/file/Path") && m.name.equals("of") || owner.equals("java/nio/file/Paths") && m.name.equals("get")
                || owner.equals("java/net/URI") && m.name.equals("create")) && !args.isEmpty() && args.get(0).str != null) {
            StringBuilder sb = new StringBuilder(args.get(0).str);
            if (args.size() == 2 && args.get(1).elems != null) {
                for (V e : args.get(1).elems) {
                    sb.append('/').append(e != null && e.str != null ? e.str : "*");
                }
            }
            return new V(1, ret.getInternalName(), sb.toString(), null, null, null, null, null);
        }
        if (owner.equals("java/lang/String") && m.name.equals("valueOf") && args.size() == 1 && args.get(0).str != null) {
            return args.get(0);
        }
        // builder chains and factories: carry what is known along
        Map<String, String> props = null;
        String handler = receiver == null ? null : receiver.handler();
        if (receiver != null && receiver.props != null) {
            props = new HashMap<>(receiver.props);
        }
        for (int i = 0; i < args.size(); i++) {
            V a = args.get(i);
            if (a == null) {
                continue;
            }
            if (a.props != null) {
                if (props == null) {
                    props = new HashMap<>();
                }
                for (Map.Entry<String, String> e : a.props.entrySet()) {
                    props.putIfAbsent(e.getKey(), e.getValue());
                }
            }
            if (a.handler() != null && handler == null) {
                handler = a.handler();
            }
            if (a.classConst != null) {
                if (props == null) {
                    props = new HashMap<>();
                }
                props.putIfAbsent("class", a.classConst);
            }
        }
        if (!isStatic && args.size() == 1 && args.get(0) != null && args.get(0).str != null) {
            if (props == null) {
                props = new HashMap<>();
            }
            props.put(m.name, args.get(0).str);
        }
        if (!isStatic && args.size() == 1 && args.get(0) != null && args.get(0).elems != null) {
            List<String> strs = args.get(0).strings();
            if (!strs.isEmpty() && !strs.contains(null)) {
                if (props == null) {
                    props = new HashMap<>();
                }
                props.put(m.name, String.join("\u0000", strs));
            }
        }
        if (props == null && handler == null) {
            return newValue(ret);
        }
        return new V(ret.getSize(), typeName(ret), null, null, null, null, props, handler);
    }

    private V invokeDynamic(InvokeDynamicInsnNode indy, List<? extends V> values) {
        Type ret = Type.getReturnType(indy.desc);
        Handle bsm = indy.bsm;
        if (bsm.getOwner().equals("java/lang/invoke/LambdaMetafactory") && indy.bsmArgs.length >= 2 && indy.bsmArgs[1] instanceof Handle) {
            Handle impl = (Handle) indy.bsmArgs[1];
            return new V(1, typeName(ret), null, null, null, null, null, impl.getOwner() + "." + impl.getName() + impl.getDesc());
        }
        if (bsm.getOwner().equals("java/lang/invoke/StringConcatFactory") && indy.bsmArgs.length >= 1 && indy.bsmArgs[0] instanceof String) {
            String recipe = (String) indy.bsmArgs[0];
            StringBuilder sb = new StringBuilder();
            int arg = 0;
            int cst = 1;
            for (int i = 0; i < recipe.length(); i++) {
                char c = recipe.charAt(i);
                if (c == '\u0001') {
                    V v = arg < values.size() ? values.get(arg) : null;
                    arg++;
                    if (v == null || v.str == null) {
                        return V.unknown(1, "java/lang/String");
                    }
                    sb.append(v.str);
                } else if (c == '\u0002') {
                    Object k = cst < indy.bsmArgs.length ? indy.bsmArgs[cst++] : null;
                    sb.append(k);
                } else {
                    sb.append(c);
                }
            }
            return new V(1, "java/lang/String", sb.toString(), null, null, null, null, null);
        }
        return newValue(ret);
    }

    @Override
    public void returnOperation(AbstractInsnNode insn, V value, V expected) {
        // nothing to check
    }

    @Override
    public V merge(V a, V b) {
        if (a == b || a.equals(b)) {
            return a;
        }
        int size = Math.min(a.size, b.size);
        String type = Objects.equals(a.type, b.type) ? a.type : null;
        if (a.isPlain() && a.size == size && Objects.equals(a.type, type)) {
            return a;
        }
        return V.unknown(size, type);
    }
}
