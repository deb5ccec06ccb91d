package dev.warden.agent.session;

import dev.warden.agent.instrument.HookAdvice;
import org.objectweb.asm.MethodVisitor;

/**
 * {@code Thread.start()} / {@code VirtualThread.start()} entry: {@code Bridge.threadStarting(this)};
 * {@code Thread.run()} / {@code VirtualThread.run(Runnable)} entry: {@code Bridge.threadRunning(this)}.
 * One instance per woven method; confined to the transforming thread.
 */
public final class ThreadAdvice extends HookAdvice {
    private final boolean start;

    private ThreadAdvice(MethodVisitor mv, int access, String name, String descriptor, boolean start) {
        super(mv, access, name, descriptor, false);
        this.start = start;
    }

    public static ThreadAdvice start(MethodVisitor mv, int access, String name, String descriptor) {
        return new ThreadAdvice(mv, access, name, descriptor, true);
    }

    public static ThreadAdvice run(MethodVisitor mv, int access, String name, String descriptor) {
        return new ThreadAdvice(mv, access, name, descriptor, false);
    }

    @Override
    protected void enter() {
        loadThis();
        bridge(start ? "threadStarting" : "threadRunning", "(Ljava/lang/Object;)V");
    }
}
