package dev.warden.agent.principal;

import dev.warden.agent.instrument.HookAdvice;
import org.objectweb.asm.MethodVisitor;

/**
 * A server's per-request entry point (servlet {@code HttpServlet.service(ServletRequest,
 * ServletResponse)} and every {@code FilterChain.doFilter(ServletRequest, ServletResponse)}, so
 * filters running before the servlet are covered; the JDK {@code HttpServer}'s
 * {@code Filter.Chain.doFilter(HttpExchange)}):
 * {@code Bridge.principalEnter(request)} at entry, {@code Bridge.principalExit(token)} when the
 * method returns or throws, so the principal header of the request being served is the thread's
 * principal exactly while it is served. Nested entries (filters, wrapped servlets) restore in
 * turn. One instance per woven method; confined to the transforming thread.
 */
public final class PrincipalAdvice extends HookAdvice {
    public PrincipalAdvice(MethodVisitor mv, int access, String name, String descriptor) {
        super(mv, access, name, descriptor, true);
    }

    @Override
    protected void enter() {
        loadArg(0);
        bridge("principalEnter", "(Ljava/lang/Object;)Ljava/lang/Object;");
        token = newLocal(OBJECT);
        storeLocal(token);
    }

    @Override
    protected void exit(int opcode) {
        loadLocal(token);
        bridge("principalExit", "(Ljava/lang/Object;)V");
    }

    @Override
    protected void thrown() {
        loadLocal(token);
        bridge("principalExit", "(Ljava/lang/Object;)V");
    }
}
