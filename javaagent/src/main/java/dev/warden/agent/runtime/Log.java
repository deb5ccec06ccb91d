package dev.warden.agent.runtime;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Warden's only output channel inside an application: single lines on stderr, prefixed
 * {@code warden: }. Nothing ever goes to stdout (it may be an MCP stdio channel). Problems that
 * could repeat on every call are reported once per key. Any thread.
 */
public final class Log {
    private static final Set<String> ONCE = ConcurrentHashMap.newKeySet();
    private static volatile boolean debug = Boolean.getBoolean("warden.debug");

    private Log() {
    }

    public static void line(String message) {
        System.err.println("warden: " + message);
    }

    /** Prints {@code message} the first time {@code key} is seen; returns whether it printed. */
    public static boolean once(String key, String message) {
        if (ONCE.size() < 10_000 && ONCE.add(key)) {
            line(message);
            return true;
        }
        return false;
    }

    public static boolean debug() {
        return debug;
    }

    public static void debug(String message) {
        if (debug) {
            line(message);
        }
    }

    static void debug(boolean on) {
        debug = on;
    }
}
