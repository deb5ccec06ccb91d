package dev.warden.agent.process;

import dev.warden.agent.instrument.HookAdvice;
import org.objectweb.asm.MethodVisitor;

/**
 * {@code ProcessBuilder.start(Redirect[])} (behind {@code start()}, every {@code Runtime.exec}
 * and each stage of {@code startPipeline}) and the static {@code startPipeline(List)}: entry
 * {@code Bridge.processStart(this)} / {@code Bridge.processPipeline(builders)}, thrown before
 * anything is started (outside the JDK's own try block, so callers get the block unchanged);
 * exit hands back the process (its pid) or the pipeline's processes.
 */
public final class ProcessStartAdvice extends HookAdvice {
    private final boolean pipeline;

    private ProcessStartAdvice(MethodVisitor mv, int access, String name, String descriptor, boolean pipeline) {
        super(mv, access, name, descriptor, true);
        this.pipeline = pipeline;
    }

    public static ProcessStartAdvice start(MethodVisitor mv, int access, String name, String descriptor) {
        return new ProcessStartAdvice(mv, access, name, descriptor, false);
    }

    public static ProcessStartAdvice pipeline(MethodVisitor mv, int access, String name, String descriptor) {
        return new ProcessStartAdvice(mv, access, name, descriptor, true);
    }

    @Override
    protected void enter() {
        if (pipeline) {
            loadArg(0);
            bridge("processPipeline", "(Ljava/lang/Object;)Ljava/lang/Object;");
        } else {
            loadThis();
            bridge("processStart", "(Ljava/lang/Object;)Ljava/lang/Object;");
        }
        throwOrKeepToken();
    }
}
