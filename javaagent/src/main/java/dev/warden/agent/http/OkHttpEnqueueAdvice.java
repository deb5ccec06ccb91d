package dev.warden.agent.http;

import dev.warden.agent.instrument.HookAdvice;
import org.objectweb.asm.MethodVisitor;

/**
 * OkHttp {@code RealCall.enqueue(Callback)} entry, on the caller's thread: the call's hops run
 * on the dispatcher's threads, so the caller's context is remembered for them. Advice:
 * {@code Bridge.httpCallCreated(this)}.
 */
public final class OkHttpEnqueueAdvice extends HookAdvice {
    public OkHttpEnqueueAdvice(MethodVisitor mv, int access, String name, String descriptor) {
        super(mv, access, name, descriptor, false);
    }

    @Override
    protected void enter() {
        loadThis();
        bridge("httpCallCreated", "(Ljava/lang/Object;)V");
    }
}
