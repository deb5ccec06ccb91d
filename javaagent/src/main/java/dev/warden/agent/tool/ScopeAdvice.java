package dev.warden.agent.tool;

import dev.warden.agent.instrument.Hook;
import dev.warden.agent.instrument.HookAdvice;
import org.objectweb.asm.MethodVisitor;

/**
 * A framework entry point that sets the thread's session or parent for what runs inside it (an
 * AI-service invocation, a model client's request): {@code Bridge.scopeEnter(scope, arg)} at
 * entry, {@code Bridge.scopeExit(token)} when the method returns or throws, which restores the
 * previous context. {@code arg} is an argument index or {@code -2} for {@code this}. One
 * instance per woven method; confined to the transforming thread.
 */
public final class ScopeAdvice extends HookAdvice {
    private final int scope;
    private final int arg;

    private ScopeAdvice(MethodVisitor mv, int access, String name, String descriptor, int scope, int arg) {
        super(mv, access, name, descriptor, true);
        this.scope = scope;
        this.arg = arg;
    }

    public static Hook.AdviceFactory of(int scope, int arg) {
        return (mv, access, name, descriptor) -> new ScopeAdvice(mv, access, name, descriptor, scope, arg);
    }

    @Override
    protected void enter() {
        pushInt(scope);
        if (arg == -2) {
            loadThis();
        } else {
            loadArg(arg);
        }
        bridge("scopeEnter", "(ILjava/lang/Object;)Ljava/lang/Object;");
        token = newLocal(OBJECT);
        storeLocal(token);
    }

    @Override
    protected void exit(int opcode) {
        loadLocal(token);
        bridge("scopeExit", "(Ljava/lang/Object;)V");
    }

    @Override
    protected void thrown() {
        loadLocal(token);
        bridge("scopeExit", "(Ljava/lang/Object;)V");
    }
}
