package dev.warden.agent.evidence;

/**
 * Switches off what Chronicle would otherwise do in someone else's JVM — phone-home analytics,
 * the start-up banner, the disk-space monitor thread, the background resource releaser thread —
 * before any Chronicle class initialises.
 * Only properties the user has not set are touched. Called from the static initialisers of the
 * classes that use Chronicle ({@link EvidenceLog}, {@link EvidenceQueueReader}) and by the shipper's
 * {@code LocalQueue}.
 */
public final class ChronicleSetup {
    private ChronicleSetup() {
    }

    public static void quiet() {
        setIfAbsent("chronicle.analytics.disable", "true");
        setIfAbsent("chronicle.announcer.disable", "true");
        setIfAbsent("chronicle.disk.monitor.disable", "true");
        setIfAbsent("disable.perf.info", "true");
        setIfAbsent("disable.chronicle.banner", "true");
        setIfAbsent("jvmInfo.disable", "true");
        setIfAbsent("disable.thread.safety", "true");
        // no "background~resource~releaser" thread in the application's JVM: resources are released
        // by the thread that closes them (Warden's writer). The thread also printed a stack trace
        // when Chronicle first initialised while the JVM was already exiting.
        setIfAbsent("background.releaser", "false");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
