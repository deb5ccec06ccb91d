package dev.warden.agent.http;

import dev.warden.agent.bootstrap.Bridge;
import org.objectweb.asm.MethodVisitor;

/**
 * Apache HttpClient 4 {@code MainClientExec.execute} / {@code MinimalClientExec.execute}
 * {@code (HttpRoute, HttpRequestWrapper, HttpClientContext, HttpExecutionAware)}: once per hop
 * (each redirect), before a connection is requested.
 */
public final class Apache4ExecAdvice extends ClientRequestAdvice {
    public Apache4ExecAdvice(MethodVisitor mv, int access, String name, String descriptor) {
        super(mv, access, name, descriptor, Bridge.APACHE4, 0, 1);
    }
}
