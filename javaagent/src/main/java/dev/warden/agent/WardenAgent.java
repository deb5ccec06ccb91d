package dev.warden.agent;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.jar.JarFile;

/**
 * The agent's entry point ({@code Premain-Class} and {@code Agent-Class}): puts the agent jar on
 * the bootstrap search path so the tiny bridge in {@code dev.warden.agent.bootstrap} is visible to
 * every class loader, then hands over to {@code bootstrap.Startup}, which loads the real
 * implementation in its own isolated class loader.
 *
 * <p>Loaded by the system class loader; it must not touch any {@code bootstrap} class before the
 * jar is appended (the system loader would load a second copy), so everything after the append
 * goes through {@code Class.forName(..., null)}. Runs once, on the thread that starts the agent.
 */
public final class WardenAgent {
    private WardenAgent() {
    }

    public static void premain(String args, Instrumentation inst) {
        start(args, inst, false);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst, true);
    }

    /**
     * The agent jar: the one holding the implementation under {@code warden-impl/}. Not this
     * class's own code source: an application jar may contain a copy of this class (a fat jar that
     * bundles Warden's classes) ahead of the agent jar on the class path, and putting that jar on
     * the bootstrap path would be a disaster. The JVM puts the agent jar on the system class path,
     * for premain and for an attach alike.
     */
    static File agentJar() throws Exception {
        java.net.URL marker = ClassLoader.getSystemClassLoader().getResource("warden-impl/dev/warden/agent/runtime/AgentRuntime.class");
        if (marker == null || !"jar".equals(marker.getProtocol())) {
            throw new IllegalStateException("the Warden agent jar (with warden-impl/ inside) is not on the system class path");
        }
        String spec = marker.getPath(); // file:/path/warden-agent.jar!/warden-impl/...
        return new File(new java.net.URI(spec.substring(0, spec.indexOf("!/"))));
    }

    private static void start(String args, Instrumentation inst, boolean attached) {
        try {
            File jar = agentJar();
            inst.appendToBootstrapClassLoaderSearch(new JarFile(jar));
            Class.forName("dev.warden.agent.bootstrap.Startup", true, null)
                    .getMethod("start", Instrumentation.class, String.class, File.class, boolean.class)
                    .invoke(null, inst, args, jar, attached);
        } catch (Throwable t) {
            Throwable cause = t instanceof java.lang.reflect.InvocationTargetException && t.getCause() != null ? t.getCause() : t;
            System.err.println("warden: the agent could not start, nothing is governed: " + cause);
        }
    }
}
