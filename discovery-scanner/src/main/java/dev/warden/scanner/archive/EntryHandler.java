package dev.warden.scanner.archive;

/**
 * Receives what {@link ArchiveWalker} finds. Called from the walker's worker threads, several at
 * once: implementations must be thread-safe.
 */
public interface EntryHandler {
    /** A class file; {@code container} names where it lives (e.g. {@code app.jar!/BOOT-INF/lib/x.jar}). */
    void classFile(Container container, String entry, byte[] bytes);

    /**
     * A resource the scanner reads: configuration ({@code .properties}, {@code .yml},
     * {@code .yaml}, {@code .json}), {@code pom.properties}, the manifest, a
     * {@code META-INF/services} file.
     */
    void resource(Container container, String entry, byte[] bytes);

    /** Something could not be read; it was skipped and the scan goes on. */
    void problem(String location, String message);

    /** A container (directory, jar, nested jar) was opened; called before its entries. */
    default void containerOpened(Container container) {
    }

    /** Bytes of input consumed (compressed), for progress reporting. */
    default void progress(long bytes) {
    }

    /**
     * Where entries come from: an input directory or archive, or an archive nested in one.
     * {@code nested} is true inside another archive (a fat jar's {@code BOOT-INF/lib}, a WAR's
     * {@code WEB-INF/lib}).
     */
    record Container(String location, String fileName, boolean nested, int depth) {
        @Override
        public String toString() {
            return location;
        }
    }
}
