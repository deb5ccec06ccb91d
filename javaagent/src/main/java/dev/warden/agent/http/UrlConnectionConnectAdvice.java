package dev.warden.agent.http;

import dev.warden.agent.instrument.HookAdvice;
import org.objectweb.asm.MethodVisitor;

/**
 * {@code sun.net.www.protocol.http.HttpURLConnection.plainConnect0()} entry: reached once per
 * connection and once per redirect hop (with the hop's URL and method), before any socket
 * exists; HTTPS delegates here too. Advice: {@code Bridge.httpConnection(this)}, throw when blocked.
 */
public final class UrlConnectionConnectAdvice extends HookAdvice {
    public UrlConnectionConnectAdvice(MethodVisitor mv, int access, String name, String descriptor) {
        super(mv, access, name, descriptor, false);
    }

    @Override
    protected void enter() {
        loadThis();
        bridge("httpConnection", "(Ljava/lang/Object;)Ljava/lang/Object;");
        throwOrDrop();
    }
}
