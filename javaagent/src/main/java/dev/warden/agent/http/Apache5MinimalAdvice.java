package dev.warden.agent.http;

import dev.warden.agent.bootstrap.Bridge;
import org.objectweb.asm.MethodVisitor;

/**
 * Apache HttpClient 5 {@code MinimalHttpClient.doExecute(HttpHost, ClassicHttpRequest,
 * HttpContext)}: the minimal client bypasses the exec chain (no redirects, no retries).
 */
public final class Apache5MinimalAdvice extends ClientRequestAdvice {
    public Apache5MinimalAdvice(MethodVisitor mv, int access, String name, String descriptor) {
        super(mv, access, name, descriptor, Bridge.APACHE5_MINIMAL, 0, 1);
    }
}
