package dev.warden.agent.jdbc;

import dev.warden.agent.instrument.HookAdvice;
import org.objectweb.asm.MethodVisitor;

/**
 * {@code Statement.addBatch(String)} and {@code clearBatch()} entry: remembers the statements
 * of a batch so {@code executeBatch} is decided on all of them. Advice:
 * {@code Bridge.sqlAddBatch(this, sql)} / {@code Bridge.sqlClearBatch(this)}.
 */
public final class StatementBatchAdvice extends HookAdvice {
    public StatementBatchAdvice(MethodVisitor mv, int access, String name, String descriptor) {
        super(mv, access, name, descriptor, false);
    }

    @Override
    protected void enter() {
        loadThis();
        if (methodDesc.startsWith("(Ljava/lang/String;")) {
            loadArg(0);
            bridge("sqlAddBatch", "(Ljava/lang/Object;Ljava/lang/String;)V");
        } else {
            bridge("sqlClearBatch", "(Ljava/lang/Object;)V");
        }
    }
}
