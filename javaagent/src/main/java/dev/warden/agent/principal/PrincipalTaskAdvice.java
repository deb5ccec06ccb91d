package dev.warden.agent.principal;

import dev.warden.agent.instrument.HookAdvice;
import org.objectweb.asm.MethodVisitor;

/**
 * Servlet {@code AsyncContext.start(Runnable)} (jakarta and javax containers' implementations):
 * at entry the task argument is replaced by {@code Bridge.principalTask(task)}, which runs it with
 * the principal of the request being served (the task itself when there is none). One instance
 * per woven method; confined to the transforming thread.
 */
public final class PrincipalTaskAdvice extends HookAdvice {
    public PrincipalTaskAdvice(MethodVisitor mv, int access, String name, String descriptor) {
        super(mv, access, name, descriptor, false);
    }

    @Override
    protected void enter() {
        loadArg(0);
        bridge("principalTask", "(Ljava/lang/Runnable;)Ljava/lang/Runnable;");
        storeArg(0);
    }
}
