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
 * <p>The manifest's {@code Boot-Class-Path} names the jar itself, so the JVM puts it on the
 * bootstrap path while it starts (and this class is then defined by the bootstrap loader). Only
 * when that did not happen (a renamed jar) is it appended here, at the price of HotSpot's one-line
 * CDS warning. Otherwise loaded by the system class loader, so it must not touch any
 * {@code bootstrap} class before the jar is appended (the system loader would load a second
 * copy): everything after goes through {@code Class.forName(..., null)}. Runs once, on the thread
 * that starts the agent.
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

    /**
     * Whether the JVM already appended {@code jar} to the bootstrap search path while starting,
     * from the manifest's {@code Boot-Class-Path} (which names {@code warden-agent.jar} beside
     * itself, so it is this jar unless the jar was renamed).
     */
    static boolean onBootClassPath(File jar) throws Exception {
        // the platform loader asks the bootstrap loader first: a hit is a class on the boot path
        java.net.URL bridge = ClassLoader.getPlatformClassLoader().getResource("dev/warden/agent/bootstrap/Startup.class");
        if (bridge == null || !"jar".equals(bridge.getProtocol())) {
            return false;
        }
        String spec = bridge.getPath();
        File onPath = new File(new java.net.URI(spec.substring(0, spec.indexOf("!/"))));
        return onPath.getCanonicalFile().equals(jar.getCanonicalFile());
    }

    private static void start(String args, Instrumentation inst, boolean attached) {
        try {
            File jar = agentJar();
            if (!onBootClassPath(jar)) {
                // renamed jar or a late attach: append now (on a JVM using CDS, HotSpot prints one
                // "Sharing is only supported for boot loader classes" warning for this)
                inst.appendToBootstrapClassLoaderSearch(new JarFile(jar));
            }
            Class.forName("dev.warden.agent.bootstrap.Startup", true, null)
                    .getMethod("start", Instrumentation.class, String.class, File.class, boolean.class)
                    .invoke(null, inst, args, jar, attached);
        } catch (Throwable t) {
            Throwable cause = t instanceof java.lang.reflect.InvocationTargetException && t.getCause() != null ? t.getCause() : t;
            System.err.println("warden: the agent could not start, nothing is governed: " + cause);
        }
    }
}
