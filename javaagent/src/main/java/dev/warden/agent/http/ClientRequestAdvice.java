package dev.warden.agent.http;

import dev.warden.agent.instrument.HookAdvice;
import org.objectweb.asm.MethodVisitor;

/**
 * The shape shared by the library clients' per-request hooks (Apache HttpClient 4 exec chain,
 * Apache HttpClient 5 {@code ConnectExec} and {@code MinimalHttpClient}, OkHttp
 * {@code BridgeInterceptor}): entry {@code Bridge.httpRequest(client, argA, argB)} (the bridge
 * constant says what the two arguments are), throw when blocked, keep the token; the standard
 * exits hand the response, or an exception, back. Each hook target has its own subclass.
 */
public abstract class ClientRequestAdvice extends HookAdvice {
    private final int client;
    private final int argA;
    private final int argB;

    /** {@code argA}/{@code argB}: argument indexes (0-based), or -1 for null. */
    protected ClientRequestAdvice(MethodVisitor mv, int access, String name, String descriptor, int client, int argA, int argB) {
        super(mv, access, name, descriptor, true);
        this.client = client;
        this.argA = argA;
        this.argB = argB;
    }

    private void pushArg(int index) {
        if (index < 0) {
            visitInsn(ACONST_NULL);
        } else {
            loadArg(index);
        }
    }

    @Override
    protected void enter() {
        pushInt(client);
        pushArg(argA);
        pushArg(argB);
        bridge("httpRequest", "(ILjava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;");
        throwOrKeepToken();
    }
}
