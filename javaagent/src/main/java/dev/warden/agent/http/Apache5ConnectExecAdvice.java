package dev.warden.agent.http;

import dev.warden.agent.bootstrap.Bridge;
import org.objectweb.asm.MethodVisitor;

/**
 * Apache HttpClient 5 classic {@code ConnectExec.execute(ClassicHttpRequest, ExecChain.Scope,
 * ExecChain)}: once per hop, before the endpoint is acquired or connected.
 */
public final class Apache5ConnectExecAdvice extends ClientRequestAdvice {
    public Apache5ConnectExecAdvice(MethodVisitor mv, int access, String name, String descriptor) {
        super(mv, access, name, descriptor, Bridge.APACHE5, 0, 1);
    }
}
