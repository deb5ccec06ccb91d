package dev.warden.agent.tool;

import dev.warden.agent.bootstrap.Bridge;
import dev.warden.agent.instrument.Hook;
import dev.warden.agent.instrument.HookAdvice;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * A custom tool ({@code class#method} declared in the agent's {@code config=FILE}): at entry
 * {@code Bridge.toolCall(TOOL_CUSTOM, this or null, arguments as Object[], "name\0p1,p2")} (the
 * parameter names when the class was compiled with {@code -parameters}, else none: arguments are
 * then named {@code arg0, arg1, ...}); a denial is Warden's block exception, thrown before the
 * body runs; at exit {@code Bridge.toolExit}/{@code toolThrown}. Also the advice of annotated tools
 * ({@code Bridge.TOOL_ANNOTATED}, see {@link AnnotatedToolAdvice}). One instance per woven method;
 * confined to the transforming thread.
 */
public final class CustomToolAdvice extends HookAdvice {
    private final int framework;
    private final String tool;
    private final List<String> parameters;

    CustomToolAdvice(MethodVisitor mv, int access, String name, String descriptor, int framework, String tool, List<String> parameters) {
        super(mv, access, name, descriptor, true);
        this.framework = framework;
        this.tool = tool;
        this.parameters = parameters;
    }

    public static Hook.AdviceFactory of(String tool) {
        return (mv, access, name, descriptor) -> new CustomToolAdvice(mv, access, name, descriptor, Bridge.TOOL_CUSTOM, tool, new ArrayList<>());
    }

    @Override
    public void visitParameter(String name, int access) {
        parameters.add(name == null ? "" : name);
        super.visitParameter(name, access);
    }

    @Override
    protected void enter() {
        pushInt(framework);
        if ((methodAccess & Opcodes.ACC_STATIC) != 0) {
            visitInsn(ACONST_NULL);
        } else {
            loadThis();
        }
        loadArgArray();
        int n = Type.getArgumentTypes(methodDesc).length;
        push(tool + "\0" + (parameters.size() == n ? String.join(",", parameters) : ""));
        bridge("toolCall", "(ILjava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;");
        throwOrKeepToken();
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
