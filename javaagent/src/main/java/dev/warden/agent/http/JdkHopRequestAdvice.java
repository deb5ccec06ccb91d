package dev.warden.agent.http;

import dev.warden.agent.instrument.HookAdvice;
import org.objectweb.asm.MethodVisitor;

/**
 * {@code MultiExchange.requestFilters(HttpRequestImpl)} entry: runs once per hop (the first
 * request, each redirect, each authentication re-request; not on an internal retry), before the
 * connection is leased or opened. A block is an {@code IOException}, which {@code responseAsyncImpl}
 * turns into the exchange's failure unchanged: {@code sendAsync} completes exceptionally with it.
 * Advice: {@code Bridge.httpJdkRequest(this, request)}, throw when blocked.
 */
public final class JdkHopRequestAdvice extends HookAdvice {
    public JdkHopRequestAdvice(MethodVisitor mv, int access, String name, String descriptor) {
        super(mv, access, name, descriptor, false);
    }

    @Override
    protected void enter() {
        loadThis();
        loadArg(0);
        bridge("httpJdkRequest", "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;");
        throwOrDrop();
    }
}
