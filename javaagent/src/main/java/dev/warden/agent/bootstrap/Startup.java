package dev.warden.agent.bootstrap;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;

/**
 * Second step of the agent's start, already on the bootstrap class path: creates the
 * {@link ImplLoader} over the {@code warden-impl/} part of the agent jar and calls the
 * implementation's {@code AgentRuntime.start}. A second start in the same JVM (premain plus an
 * attach, or two attaches) is refused with one line. Runs on the thread that starts the agent.
 */
public final class Startup {
    private static boolean started;

    private Startup() {
    }

    public static synchronized void start(Instrumentation inst, String args, File jar, boolean attached) throws Throwable {
        if (started) {
            System.err.println("warden: already active in this JVM; the second start (" + (attached ? "attach" : "premain") + ") is ignored");
            return;
        }
        started = true;
        ImplLoader loader = new ImplLoader(jar, ClassLoader.getPlatformClassLoader());
        Thread self = Thread.currentThread();
        ClassLoader before = self.getContextClassLoader();
        self.setContextClassLoader(loader);
        try {
            Class.forName("dev.warden.agent.runtime.AgentRuntime", true, loader)
                    .getMethod("start", Instrumentation.class, String.class, File.class, boolean.class)
                    .invoke(null, inst, args, jar, attached);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        } finally {
            self.setContextClassLoader(before);
        }
    }
}
