package dev.warden.agent.http;

import dev.warden.agent.instrument.HookAdvice;
import org.objectweb.asm.MethodVisitor;

/**
 * {@code MultiExchange.responseFilters(Response)} entry: the current hop has its response.
 * {@code Response} is package-private, so the status is read here, inside its package.
 * Advice: {@code Bridge.httpJdkResponse(this, response.statusCode())}.
 */
public final class JdkHopResponseAdvice extends HookAdvice {
    public JdkHopResponseAdvice(MethodVisitor mv, int access, String name, String descriptor) {
        super(mv, access, name, descriptor, false);
    }

    @Override
    protected void enter() {
        loadThis();
        loadArg(0);
        visitMethodInsn(INVOKEVIRTUAL, "jdk/internal/net/http/Response", "statusCode", "()I", false);
        bridge("httpJdkResponse", "(Ljava/lang/Object;I)V");
    }
}
