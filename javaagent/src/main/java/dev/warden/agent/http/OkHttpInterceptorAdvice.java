package dev.warden.agent.http;

import dev.warden.agent.bootstrap.Bridge;
import org.objectweb.asm.MethodVisitor;

/**
 * OkHttp 4 {@code BridgeInterceptor.intercept(Interceptor.Chain)}: once per hop (after the
 * application interceptors rewrote the request, inside {@code RetryAndFollowUpInterceptor}'s
 * redirect loop). {@code execute()} then throws the block; {@code enqueue()} passes it to
 * {@code Callback.onFailure}.
 */
public final class OkHttpInterceptorAdvice extends ClientRequestAdvice {
    public OkHttpInterceptorAdvice(MethodVisitor mv, int access, String name, String descriptor) {
        super(mv, access, name, descriptor, Bridge.OKHTTP, 0, -1);
    }
}
