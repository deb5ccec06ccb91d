package dev.warden.agent.http;

import dev.warden.agent.instrument.HookAdvice;
import org.objectweb.asm.MethodVisitor;

/**
 * {@code HttpURLConnection.getInputStream()} exit and exception, and {@code followRedirect()}
 * entry: the pending hop's response code (the protected field {@code responseCode}, read here
 * because calling {@code getResponseCode()} would re-enter the connection). Advice:
 * {@code Bridge.httpConnectionResponse(this, responseCode)} /
 * {@code Bridge.httpConnectionFailed(t, this, responseCode)}.
 */
public final class UrlConnectionResponseAdvice extends HookAdvice {
    private final boolean atEntry;

    private UrlConnectionResponseAdvice(MethodVisitor mv, int access, String name, String descriptor, boolean atEntry) {
        super(mv, access, name, descriptor, !atEntry);
        this.atEntry = atEntry;
    }

    /** For {@code getInputStream()}: exit and exception. */
    public static UrlConnectionResponseAdvice atExit(MethodVisitor mv, int access, String name, String descriptor) {
        return new UrlConnectionResponseAdvice(mv, access, name, descriptor, false);
    }

    /** For {@code followRedirect()}: entry (the previous hop's response is complete). */
    public static UrlConnectionResponseAdvice atEntry(MethodVisitor mv, int access, String name, String descriptor) {
        return new UrlConnectionResponseAdvice(mv, access, name, descriptor, true);
    }

    private void pushConnectionAndCode() {
        loadThis();
        loadThis();
        visitFieldInsn(GETFIELD, "java/net/HttpURLConnection", "responseCode", "I");
    }

    @Override
    protected void enter() {
        if (atEntry) {
            pushConnectionAndCode();
            bridge("httpConnectionResponse", "(Ljava/lang/Object;I)V");
        }
    }

    @Override
    protected void exit(int opcode) {
        if (!atEntry) {
            pushConnectionAndCode();
            bridge("httpConnectionResponse", "(Ljava/lang/Object;I)V");
        }
    }

    @Override
    protected void thrown() {
        visitInsn(DUP);
        pushConnectionAndCode();
        bridge("httpConnectionFailed", "(Ljava/lang/Throwable;Ljava/lang/Object;I)V");
    }
}
