package dev.warden.agent.session;

import dev.warden.agent.instrument.HookAdvice;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;

/**
 * A thread being started or beginning to run:
 * <ul>
 * <li>{@code Thread.start()} entry: {@code Bridge.threadStarting(this)};</li>
 * <li>{@code Thread.start(ThreadContainer)} / {@code VirtualThread.start(ThreadContainer)} entry
 * (JDK 19+: how every virtual thread is started, {@code VirtualThread.start()} included, and how
 * {@code Executors.newVirtualThreadPerTaskExecutor()} and any thread-per-task executor, structured
 * concurrency's forks and the JDK's pools start their threads): {@code Bridge.threadStarting(this)}
 * unless the container is a {@code jdk.internal.vm.SharedThreadContainer}, the container of a
 * {@code ThreadPoolExecutor}'s or {@code ForkJoinPool}'s own workers, which never inherit their
 * starter's context (their tasks carry it). The test is a plain {@code instanceof} in the woven
 * method, which is in {@code java.base} like the container class;</li>
 * <li>{@code Thread.run()} / {@code VirtualThread.run(Runnable)} entry: {@code Bridge.threadRunning(this)}.</li>
 * </ul>
 * One instance per woven method; confined to the transforming thread.
 */
public final class ThreadAdvice extends HookAdvice {
    private static final Type SHARED_CONTAINER = Type.getObjectType("jdk/internal/vm/SharedThreadContainer");
    private static final int START = 0;
    private static final int START_IN_CONTAINER = 1;
    private static final int RUN = 2;
    private final int kind;

    private ThreadAdvice(MethodVisitor mv, int access, String name, String descriptor, int kind) {
        super(mv, access, name, descriptor, false);
        this.kind = kind;
    }

    public static ThreadAdvice start(MethodVisitor mv, int access, String name, String descriptor) {
        return new ThreadAdvice(mv, access, name, descriptor, START);
    }

    /** The advice of {@code start(ThreadContainer)}. */
    public static ThreadAdvice startInContainer(MethodVisitor mv, int access, String name, String descriptor) {
        return new ThreadAdvice(mv, access, name, descriptor, START_IN_CONTAINER);
    }

    public static ThreadAdvice run(MethodVisitor mv, int access, String name, String descriptor) {
        return new ThreadAdvice(mv, access, name, descriptor, RUN);
    }

    @Override
    protected void enter() {
        Label pooled = null;
        if (kind == START_IN_CONTAINER) {
            pooled = new Label();
            loadArg(0);
            instanceOf(SHARED_CONTAINER);
            ifZCmp(NE, pooled);
        }
        loadThis();
        bridge(kind == RUN ? "threadRunning" : "threadStarting", "(Ljava/lang/Object;)V");
        if (pooled != null) {
            visitLabel(pooled);
        }
    }
}
