package dev.warden.agent.http;

import dev.warden.agent.instrument.HookAdvice;
import org.objectweb.asm.MethodVisitor;

/**
 * {@code jdk.internal.net.http.MultiExchange.<init>} exit, on the caller's thread inside
 * {@code sendAsync}: remembers the caller's context for the exchange's hops, which run on the
 * client's worker threads. Advice: {@code Bridge.httpCallCreated(this)}.
 */
public final class JdkExchangeCreatedAdvice extends HookAdvice {
    public JdkExchangeCreatedAdvice(MethodVisitor mv, int access, String name, String descriptor) {
        super(mv, access, name, descriptor, false);
    }

    @Override
    protected void exit(int opcode) {
        loadThis();
        bridge("httpCallCreated", "(Ljava/lang/Object;)V");
    }
}
