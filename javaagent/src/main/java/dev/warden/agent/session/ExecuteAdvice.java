package dev.warden.agent.session;

import dev.warden.agent.instrument.HookAdvice;
import org.objectweb.asm.MethodVisitor;

/**
 * A task handed to an executor ({@code ThreadPoolExecutor.execute(Runnable)},
 * {@code ForkJoinPool.execute/submit}, {@code ScheduledThreadPoolExecutor.schedule*}, servlet
 * {@code AsyncContext.start}; also {@code ThreadPoolExecutor.addWorker}, so a worker started outside
 * {@code execute}, e.g. by {@code prestartCoreThread} during a request, is started inside a
 * submission and never inherits its starter's context; its first task, when it has one, comes
 * from {@code execute}, already wrapped, and is left as it is): at entry the task argument (a {@code Runnable}, or a {@code Callable}
 * for {@link #callable}) is replaced by {@code Bridge.wrapTask(task)} / {@code Bridge.wrapCallable(task)}
 * (the task itself when the submitter has neither session nor principal); at exit, normal or thrown, {@code Bridge.submitted()}. One instance per woven method;
 * confined to the transforming thread.
 */
public final class ExecuteAdvice extends HookAdvice {
    private final boolean callable;

    public ExecuteAdvice(MethodVisitor mv, int access, String name, String descriptor) {
        this(mv, access, name, descriptor, false);
    }

    private ExecuteAdvice(MethodVisitor mv, int access, String name, String descriptor, boolean callable) {
        super(mv, access, name, descriptor, true);
        this.callable = callable;
    }

    /** The advice of a method whose first argument is a {@code Callable}. */
    public static ExecuteAdvice callable(MethodVisitor mv, int access, String name, String descriptor) {
        return new ExecuteAdvice(mv, access, name, descriptor, true);
    }

    @Override
    protected void enter() {
        loadArg(0);
        if (callable) {
            bridge("wrapCallable", "(Ljava/util/concurrent/Callable;)Ljava/util/concurrent/Callable;");
        } else {
            bridge("wrapTask", "(Ljava/lang/Runnable;)Ljava/lang/Runnable;");
        }
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
