package dev.warden.agent.instrument;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.AdviceAdapter;

/**
 * Base of every hook's advice: entry code at method entry, exit code before each normal return,
 * and, when {@code wrap} is set, a catch-all around the original body whose handler runs the
 * thrown-exit code and rethrows. The handler is added last to the exception table, so the
 * method's own handlers keep catching what they caught before.
 *
 * <p>Advice stays thin: it pushes {@code this}, arguments or a field, makes one call into
 * {@code dev.warden.agent.bootstrap.Bridge}, and throws what the bridge returns when it is a
 * {@code Throwable} (only Warden's block exception ever is). No lambdas, no new fields or methods:
 * the same advice serves retransformation of already-loaded classes. One instance per method
 * transformation; confined to the transforming thread.
 */
public abstract class HookAdvice extends AdviceAdapter {
    protected static final String BRIDGE = "dev/warden/agent/bootstrap/Bridge";
    protected static final Type OBJECT = Type.getType(Object.class);

    private final boolean wrap;
    private final Label start = new Label();
    private final Label handler = new Label();
    /** Local holding the token returned at entry, or -1. */
    protected int token = -1;

    protected HookAdvice(MethodVisitor mv, int access, String name, String descriptor, boolean wrap) {
        super(Opcodes.ASM9, mv, access, name, descriptor);
        this.wrap = wrap;
    }

    @Override
    protected final void onMethodEnter() {
        enter();
        if (wrap) {
            visitLabel(start);
        }
    }

    @Override
    protected final void onMethodExit(int opcode) {
        if (opcode != ATHROW) {
            exit(opcode);
        }
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        if (wrap) {
            Label end = new Label();
            visitLabel(end);
            visitTryCatchBlock(start, end, handler, "java/lang/Throwable");
            visitLabel(handler);
            thrown();
            visitInsn(ATHROW);
        }
        super.visitMaxs(maxStack, maxLocals);
    }

    /** Code at method entry (after {@code super()} in constructors). */
    protected void enter() {
    }

    /**
     * Code before a normal return; the return value (if any) is on the stack and must stay there.
     * By default, when {@link #enter()} kept a token, the standard exit ({@link #exitWithToken}).
     */
    protected void exit(int opcode) {
        if (token >= 0) {
            exitWithToken(opcode);
        }
    }

    /**
     * Handler code: the {@code Throwable} is on the stack and must be left there (it is rethrown).
     * By default, when {@link #enter()} kept a token, the standard thrown-exit ({@link #thrownWithToken}).
     */
    protected void thrown() {
        if (token >= 0) {
            thrownWithToken();
        }
    }

    // ---- helpers ----

    protected void bridge(String method, String descriptor) {
        visitMethodInsn(INVOKESTATIC, BRIDGE, method, descriptor, false);
    }

    /** Stack: [Object] → throws it when it is a Throwable, else leaves it. */
    protected void throwIfThrowable() {
        Label go = new Label();
        visitInsn(DUP);
        visitTypeInsn(INSTANCEOF, "java/lang/Throwable");
        visitJumpInsn(IFEQ, go);
        visitTypeInsn(CHECKCAST, "java/lang/Throwable");
        visitInsn(ATHROW);
        visitLabel(go);
    }

    /** Stack: [Object] → throws it when it is a Throwable, else keeps it as this call's token. */
    protected void throwOrKeepToken() {
        throwIfThrowable();
        token = newLocal(OBJECT);
        storeLocal(token);
    }

    /** Stack: [Object] → throws it when it is a Throwable, else drops it. */
    protected void throwOrDrop() {
        throwIfThrowable();
        visitInsn(POP);
    }

    /**
     * The standard exit: hands the token back with the return value (objects), the count
     * (int and long), or nothing (void, boolean and others).
     */
    protected void exitWithToken(int opcode) {
        switch (opcode) {
            case ARETURN:
                visitInsn(DUP);
                loadLocal(token);
                bridge("exitValue", "(Ljava/lang/Object;Ljava/lang/Object;)V");
                break;
            case IRETURN:
                if (Type.getReturnType(methodDesc).getSort() == Type.INT) {
                    visitInsn(DUP);
                    visitInsn(I2L);
                    loadLocal(token);
                    bridge("exitCount", "(JLjava/lang/Object;)V");
                } else {
                    loadLocal(token);
                    bridge("exitVoid", "(Ljava/lang/Object;)V");
                }
                break;
            case LRETURN:
                visitInsn(DUP2);
                loadLocal(token);
                bridge("exitCount", "(JLjava/lang/Object;)V");
                break;
            default:
                loadLocal(token);
                bridge("exitVoid", "(Ljava/lang/Object;)V");
        }
    }

    /** The standard thrown-exit: [Throwable] → hands it and the token back, keeps it on the stack. */
    protected void thrownWithToken() {
        visitInsn(DUP);
        loadLocal(token);
        bridge("exitThrown", "(Ljava/lang/Throwable;Ljava/lang/Object;)V");
    }

    protected void pushInt(int value) {
        push(value);
    }
}
