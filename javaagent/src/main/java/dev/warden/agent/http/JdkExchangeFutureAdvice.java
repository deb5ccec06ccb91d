package dev.warden.agent.http;

import dev.warden.agent.instrument.HookAdvice;
import org.objectweb.asm.MethodVisitor;

/**
 * {@code MultiExchange.responseAsync(Executor)} exit: the exchange's future, so a hop that fails
 * (connection refused, timeout) gets its {@code error} outcome. Advice:
 * {@code Bridge.httpJdkCompleted(this, future)}; the future is returned unchanged.
 */
public final class JdkExchangeFutureAdvice extends HookAdvice {
    public JdkExchangeFutureAdvice(MethodVisitor mv, int access, String name, String descriptor) {
        super(mv, access, name, descriptor, false);
    }

    @Override
    protected void exit(int opcode) {
        if (opcode == ARETURN) {
            visitInsn(DUP);
            loadThis();
            visitInsn(SWAP);
            bridge("httpJdkCompleted", "(Ljava/lang/Object;Ljava/lang/Object;)V");
        }
    }
}
