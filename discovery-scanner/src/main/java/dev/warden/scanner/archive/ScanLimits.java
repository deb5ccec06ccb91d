package dev.warden.scanner.archive;

/**
 * Bounds that keep a hostile or broken input from exhausting the scanner: the largest entry
 * inflated of each sort, how deep archives may nest, the total bytes inflated per input and the
 * number of entries per archive. A bound that is hit is reported as a problem and the offending
 * entry skipped; the scan goes on. Immutable; any thread.
 */
public record ScanLimits(long maxClassBytes, long maxResourceBytes, long maxNestedArchiveBytes,
                         int maxNestingDepth, long maxInflatedPerInput, int maxEntriesPerArchive,
                         int maxDirectoryDepth) {

    /** Generous for real applications (a 500 MB fat jar scans), tight enough for a zip bomb. */
    public static final ScanLimits DEFAULT = new ScanLimits(
            32L << 20,        // a class file over 32 MiB is not one javac wrote
            4L << 20,         // configuration files are small
            1L << 30,         // a nested jar up to 1 GiB (held in memory while it is read)
            4,                // app.war!/WEB-INF/lib/x.jar!/nested.jar!/... four levels
            16L << 30,        // 16 GiB inflated per input in total
            1_000_000,
            64);

    public ScanLimits withMaxClassBytes(long v) {
        return new ScanLimits(v, maxResourceBytes, maxNestedArchiveBytes, maxNestingDepth, maxInflatedPerInput, maxEntriesPerArchive, maxDirectoryDepth);
    }

    public ScanLimits withMaxNestedArchiveBytes(long v) {
        return new ScanLimits(maxClassBytes, maxResourceBytes, v, maxNestingDepth, maxInflatedPerInput, maxEntriesPerArchive, maxDirectoryDepth);
    }

    public ScanLimits withMaxNestingDepth(int v) {
        return new ScanLimits(maxClassBytes, maxResourceBytes, maxNestedArchiveBytes, v, maxInflatedPerInput, maxEntriesPerArchive, maxDirectoryDepth);
    }

    public ScanLimits withMaxInflatedPerInput(long v) {
        return new ScanLimits(maxClassBytes, maxResourceBytes, maxNestedArchiveBytes, maxNestingDepth, v, maxEntriesPerArchive, maxDirectoryDepth);
    }
}
