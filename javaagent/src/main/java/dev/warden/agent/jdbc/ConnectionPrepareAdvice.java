package dev.warden.agent.jdbc;

import dev.warden.agent.instrument.HookAdvice;
import org.objectweb.asm.MethodVisitor;

/**
 * {@code Connection.prepareStatement(String, ...)} and {@code prepareCall(String, ...)} exit:
 * remembers which SQL the returned statement will run. Advice:
 * {@code Bridge.sqlPrepared(statement, sql)}; the statement is returned unchanged.
 */
public final class ConnectionPrepareAdvice extends HookAdvice {
    public ConnectionPrepareAdvice(MethodVisitor mv, int access, String name, String descriptor) {
        super(mv, access, name, descriptor, false);
    }

    @Override
    protected void exit(int opcode) {
        if (opcode == ARETURN) {
            visitInsn(DUP);
            loadArg(0);
            bridge("sqlPrepared", "(Ljava/lang/Object;Ljava/lang/String;)V");
        }
    }
}
