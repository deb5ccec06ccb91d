package dev.warden.agent.jdbc;

import dev.warden.agent.instrument.HookAdvice;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;

/**
 * Every {@code execute}, {@code executeQuery}, {@code executeUpdate}, {@code executeLargeUpdate},
 * {@code executeBatch} and {@code executeLargeBatch} of a JDBC statement: entry
 * {@code Bridge.sqlExecute(this, sqlOrNull, kind)}; a block is thrown before the driver's code
 * runs, so the statement never reaches the database. Exit hands back the update count or batch
 * counts; an exception is handed back and rethrown.
 */
public final class StatementExecuteAdvice extends HookAdvice {
    private final int kind;

    private StatementExecuteAdvice(MethodVisitor mv, int access, String name, String descriptor, int kind) {
        super(mv, access, name, descriptor, true);
        this.kind = kind;
    }

    /** The advice factory for one kind of execution ({@code Bridge.SQL_*}). */
    public static dev.warden.agent.instrument.Hook.AdviceFactory of(int kind) {
        return (mv, access, name, descriptor) -> new StatementExecuteAdvice(mv, access, name, descriptor, kind);
    }

    @Override
    protected void enter() {
        loadThis();
        Type[] args = Type.getArgumentTypes(methodDesc);
        if (args.length > 0 && args[0].getDescriptor().equals("Ljava/lang/String;")) {
            loadArg(0);
        } else {
            visitInsn(ACONST_NULL);
        }
        pushInt(kind);
        bridge("sqlExecute", "(Ljava/lang/Object;Ljava/lang/String;I)Ljava/lang/Object;");
        throwOrKeepToken();
    }
}
