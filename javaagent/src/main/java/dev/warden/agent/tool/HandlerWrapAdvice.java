package dev.warden.agent.tool;

import dev.warden.agent.instrument.HookAdvice;
import org.objectweb.asm.MethodVisitor;

/**
 * The MCP server tool specification's constructor ({@code AsyncToolSpecification(Tool, BiFunction)},
 * which sync specifications are converted into): after {@code super()}, the handler argument is
 * replaced by {@code Bridge.wrapToolHandler(handler)} before the record stores it. One instance per
 * woven constructor; confined to the transforming thread.
 */
public final class HandlerWrapAdvice extends HookAdvice {
    public HandlerWrapAdvice(MethodVisitor mv, int access, String name, String descriptor) {
        super(mv, access, name, descriptor, false);
    }

    @Override
    protected void enter() {
        loadArg(1);
        bridge("wrapToolHandler", "(Ljava/util/function/BiFunction;)Ljava/util/function/BiFunction;");
        storeArg(1);
    }
}
