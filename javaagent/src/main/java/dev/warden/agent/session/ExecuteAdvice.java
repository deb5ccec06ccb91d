package dev.warden.agent.session;

import dev.warden.agent.instrument.HookAdvice;
import org.objectweb.asm.MethodVisitor;

/**
 * {@code ThreadPoolExecutor.execute(Runnable)} and {@code ForkJoinPool.execute(Runnable)}: at
 * entry the task argument is replaced by {@code Bridge.wrapTask(task)} (the task itself outside a
 * session); at exit, normal or thrown, {@code Bridge.submitted()}. One instance per woven method;
 * confined to the transforming thread.
 */
public final class ExecuteAdvice extends HookAdvice {
    public ExecuteAdvice(MethodVisitor mv, int access, String name, String descriptor) {
        super(mv, access, name, descriptor, true);
    }

    @Override
    protected void enter() {
        loadArg(0);
        bridge("wrapTask", "(Ljava/lang/Runnable;)Ljava/lang/Runnable;");
        storeArg(0);
    }

    @Override
    protected void exit(int opcode) {
        bridge("submitted", "()V");
    }

    @Override
    protected void thrown() {
        bridge("submitted", "()V");
    }
}
