package dev.warden.agent.http;

import dev.warden.agent.instrument.HookAdvice;
import org.objectweb.asm.MethodVisitor;

/**
 * {@code HttpClientImpl.send} on exception: {@code send} re-wraps the exchange's failure in a new
 * plain {@code IOException}; when the cause is Warden's block, the block itself is thrown so a
 * synchronous caller sees the same exception as every other client's. Advice:
 * {@code throw Bridge.unwrapBlocked(t)}.
 */
public final class JdkSendAdvice extends HookAdvice {
    public JdkSendAdvice(MethodVisitor mv, int access, String name, String descriptor) {
        super(mv, access, name, descriptor, true);
    }

    @Override
    protected void thrown() {
        bridge("unwrapBlocked", "(Ljava/lang/Throwable;)Ljava/lang/Throwable;");
    }
}
