package dev.warden.agent.tool;

import dev.warden.agent.instrument.Hook;
import dev.warden.agent.instrument.HookAdvice;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;

/**
 * A tool call's advice: at entry {@code Bridge.toolCall(framework, argA, argB, argC)}; when the
 * answer is an instance of the method's own return type the call is denied and that result is
 * returned at once (the tool body never runs), otherwise it is kept as the token handed back to
 * {@code Bridge.toolExit}/{@code toolThrown} when the method returns or throws. Arguments are
 * given by index ({@code -1}: null, {@code -2}: {@code this}). When an {@code action: modify} rule
 * changed the arguments, {@code Bridge.toolArgument(token)} hands back the rebuilt first argument
 * of the method (the framework's request or input), which replaces it. One instance per woven method;
 * confined to the transforming thread.
 */
public final class ToolCallAdvice extends HookAdvice {
    private final int framework;
    private final int[] args;

    private ToolCallAdvice(MethodVisitor mv, int access, String name, String descriptor, int framework, int[] args) {
        super(mv, access, name, descriptor, true);
        this.framework = framework;
        this.args = args;
    }

    /** The advice factory of one framework's hook: which arguments become (a, b, c). */
    public static Hook.AdviceFactory of(int framework, int a, int b, int c) {
        int[] args = {a, b, c};
        return (mv, access, name, descriptor) -> new ToolCallAdvice(mv, access, name, descriptor, framework, args);
    }

    @Override
    protected void enter() {
        pushInt(framework);
        for (int i : args) {
            if (i == -1) {
                visitInsn(ACONST_NULL);
            } else if (i == -2) {
                loadThis();
            } else {
                loadArg(i);
                Type t = Type.getArgumentTypes(methodDesc)[i];
                if (t.getSort() != Type.OBJECT && t.getSort() != Type.ARRAY) {
                    box(t);
                }
            }
        }
        bridge("toolCall", "(ILjava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;");
        Type ret = Type.getReturnType(methodDesc);
        if (ret.getSort() == Type.OBJECT) {
            // a denial: the framework's own result, returned without running the body
            Label go = new Label();
            visitInsn(DUP);
            visitTypeInsn(INSTANCEOF, ret.getInternalName());
            visitJumpInsn(IFEQ, go);
            visitTypeInsn(CHECKCAST, ret.getInternalName());
            mv.visitInsn(ARETURN); // straight to the next visitor: this is no exit of a governed call
            visitLabel(go);
        }
        throwOrKeepToken();
        // action: modify: the first argument rebuilt with the modified tool arguments
        Type first = Type.getArgumentTypes(methodDesc)[0];
        Label keep = new Label();
        Label done = new Label();
        loadLocal(token);
        bridge("toolArgument", "(Ljava/lang/Object;)Ljava/lang/Object;");
        visitInsn(DUP);
        visitJumpInsn(IFNULL, keep);
        visitTypeInsn(CHECKCAST, first.getInternalName());
        storeArg(0);
        visitJumpInsn(GOTO, done);
        visitLabel(keep);
        visitInsn(POP);
        visitLabel(done);
    }

    @Override
    protected void exit(int opcode) {
        if (opcode == ARETURN) {
            visitInsn(DUP);
        } else {
            visitInsn(ACONST_NULL);
        }
        loadLocal(token);
        bridge("toolExit", "(Ljava/lang/Object;Ljava/lang/Object;)V");
    }

    @Override
    protected void thrown() {
        visitInsn(DUP);
        loadLocal(token);
        bridge("toolThrown", "(Ljava/lang/Throwable;Ljava/lang/Object;)V");
    }
}
