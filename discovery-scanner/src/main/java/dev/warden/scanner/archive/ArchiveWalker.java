package dev.warden.scanner.archive;

import dev.warden.scanner.archive.EntryHandler.Container;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Walks scan inputs (directories, jars, Spring Boot fat jars, WARs, class files) and hands every
 * class file and interesting resource to an {@link EntryHandler}, never loading or running any
 * of it. Nested archives ({@code BOOT-INF/lib/*.jar}, {@code WEB-INF/lib/*.jar}, any jar inside a
 * jar) are read in memory, up to {@link ScanLimits#maxNestingDepth()} levels.
 *
 * <p>Hostile input is bounded, not trusted: every entry is inflated through a counting reader
 * that stops at the limit for its sort (a zip bomb's declared size is not believed), the total
 * inflated per input is capped, and every failure (a corrupt archive, an unreadable file) becomes
 * one problem and a skipped entry, never an aborted scan.
 *
 * <p>Threads: {@link #walk} is called by one thread and blocks until the input is read; the work
 * is spread over the given executor (top-level classes in batches, one task per nested archive),
 * so the handler is called from several threads at once.
 */
public final class ArchiveWalker {
    private static final int CLASS_BATCH = 512;

    private final ScanLimits limits;
    private final EntryHandler handler;
    private final ExecutorService pool;
    private final ConcurrentLinkedQueue<Future<?>> tasks = new ConcurrentLinkedQueue<>();

    public ArchiveWalker(ScanLimits limits, EntryHandler handler, ExecutorService pool) {
        this.limits = limits;
        this.handler = handler;
        this.pool = pool;
    }

    /** Total size in bytes of the inputs (files and directory contents), for progress. */
    public static long totalSize(List<Path> inputs) {
        long total = 0;
        for (Path p : inputs) {
            try {
                if (Files.isDirectory(p)) {
                    try (var s = Files.walk(p)) {
                        total += s.filter(Files::isRegularFile).mapToLong(f -> {
                            try {
                                return Files.size(f);
                            } catch (IOException e) {
                                return 0;
                            }
                        }).sum();
                    }
                } else {
                    total += Files.size(p);
                }
            } catch (IOException | RuntimeException e) {
                // reported when the input is walked
            }
        }
        return total;
    }

    /** Reads every input; returns when all of it has been handed to the handler. */
    public void walk(List<Path> inputs) {
        for (Path p : inputs) {
            walkInput(p);
        }
        Future<?> f;
        while ((f = tasks.poll()) != null) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                handler.problem("(scanner)", "internal error while reading: " + e.getCause());
            }
        }
    }

    private void walkInput(Path p) {
        if (!Files.exists(p)) {
            handler.problem(p.toString(), "no such file or directory");
            return;
        }
        if (Files.isDirectory(p)) {
            walkDirectory(p);
            return;
        }
        walkFile(p, p.toString(), new AtomicLong());
    }

    private void walkDirectory(Path root) {
        Container dir = new Container(root.toString(), root.getFileName() == null ? root.toString() : root.getFileName().toString(), false, 0);
        handler.containerOpened(dir);
        List<Path> batch = new ArrayList<>();
        AtomicLong inflated = new AtomicLong();
        try {
            Files.walkFileTree(root, java.util.EnumSet.noneOf(java.nio.file.FileVisitOption.class), limits.maxDirectoryDepth(), new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    String n = d.getFileName() == null ? "" : d.getFileName().toString();
                    return !d.equals(root) && n.startsWith(".") ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    if (!attrs.isRegularFile()) {
                        return FileVisitResult.CONTINUE;
                    }
                    String name = f.getFileName().toString();
                    String lower = name.toLowerCase(Locale.ROOT);
                    if (isArchiveName(lower)) {
                        walkFile(f, f.toString(), new AtomicLong());
                    } else if (lower.endsWith(".class")) {
                        batch.add(f);
                        if (batch.size() >= CLASS_BATCH) {
                            submitDirectoryClasses(dir, root, new ArrayList<>(batch));
                            batch.clear();
                        }
                    } else if (isResource(root.relativize(f).toString().replace('\\', '/'))) {
                        readLooseResource(dir, root, f, inflated);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    handler.problem(f.toString(), "cannot read: " + describe(e));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            handler.problem(root.toString(), "cannot walk the directory: " + describe(e));
        }
        if (!batch.isEmpty()) {
            submitDirectoryClasses(dir, root, batch);
        }
    }

    private void submitDirectoryClasses(Container dir, Path root, List<Path> files) {
        tasks.add(pool.submit(() -> {
            for (Path f : files) {
                try {
                    long size = Files.size(f);
                    if (size > limits.maxClassBytes()) {
                        handler.problem(f.toString(), "class file of " + size + " bytes is over the limit of " + limits.maxClassBytes() + "; skipped");
                        continue;
                    }
                    byte[] bytes = Files.readAllBytes(f);
                    handler.progress(bytes.length);
                    handler.classFile(dir, root.relativize(f).toString().replace('\\', '/'), bytes);
                } catch (IOException e) {
                    handler.problem(f.toString(), "cannot read: " + describe(e));
                }
            }
        }));
    }

    private void readLooseResource(Container dir, Path root, Path f, AtomicLong inflated) {
        try {
            long size = Files.size(f);
            if (size > limits.maxResourceBytes()) {
                handler.problem(f.toString(), "file of " + size + " bytes is over the resource limit; skipped");
                return;
            }
            byte[] bytes = Files.readAllBytes(f);
            handler.progress(bytes.length);
            handler.resource(dir, root.relativize(f).toString().replace('\\', '/'), bytes);
        } catch (IOException e) {
            handler.problem(f.toString(), "cannot read: " + describe(e));
        }
    }

    /** A file given directly (or found in a directory): an archive, a class file or a config file. */
    private void walkFile(Path f, String location, AtomicLong inflated) {
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(f)) {
            n = in.readNBytes(head, 0, 4);
        } catch (IOException e) {
            handler.problem(location, "cannot read: " + describe(e));
            return;
        }
        String name = f.getFileName().toString();
        if (n == 4 && (head[0] & 0xff) == 0xCA && (head[1] & 0xff) == 0xFE && (head[2] & 0xff) == 0xBA && (head[3] & 0xff) == 0xBE) {
            Container c = new Container(f.getParent() == null ? "." : f.getParent().toString(), name, false, 0);
            handler.containerOpened(c);
            try {
                byte[] bytes = Files.readAllBytes(f);
                handler.progress(bytes.length);
                handler.classFile(c, name, bytes);
            } catch (IOException e) {
                handler.problem(location, "cannot read: " + describe(e));
            }
            return;
        }
        if (n == 4 && head[0] == 'P' && head[1] == 'K') {
            walkZipFile(f, location, inflated);
            return;
        }
        if (isResource(name)) {
            Container c = new Container(f.getParent() == null ? "." : f.getParent().toString(), name, false, 0);
            handler.containerOpened(c);
            readLooseResource(c, f.getParent() == null ? Path.of(".") : f.getParent(), f, inflated);
            return;
        }
        handler.problem(location, isArchiveName(name.toLowerCase(Locale.ROOT))
                ? "not a zip archive (corrupt or truncated jar); skipped"
                : "not a jar, WAR, class file, configuration file or directory; skipped");
    }

    private void walkZipFile(Path f, String location, AtomicLong inflated) {
        Container c = new Container(location, f.getFileName().toString(), false, 0);
        ZipFile zip;
        try {
            zip = new ZipFile(f.toFile());
        } catch (IOException e) {
            // no readable central directory (truncated, or not really a zip): read what the local headers give
            handler.problem(location, "unreadable zip directory (" + describe(e) + "); reading its entries sequentially");
            try (InputStream in = Files.newInputStream(f)) {
                handler.containerOpened(c);
                walkStream(c, in, inflated);
            } catch (IOException e2) {
                handler.problem(location, "cannot read: " + describe(e2));
            }
            return;
        }
        handler.containerOpened(c);
        List<ZipEntry> batch = new ArrayList<>();
        int entries = 0;
        try {
            Enumeration<? extends ZipEntry> en = zip.entries();
            while (en.hasMoreElements()) {
                ZipEntry e;
                try {
                    e = en.nextElement();
                } catch (IllegalArgumentException bad) {
                    handler.problem(location, "malformed entry name (" + bad.getMessage() + "); the rest of the archive is skipped");
                    break;
                }
                if (++entries > limits.maxEntriesPerArchive()) {
                    handler.problem(location, "more than " + limits.maxEntriesPerArchive() + " entries; the rest is skipped");
                    break;
                }
                if (e.isDirectory()) {
                    continue;
                }
                String name = e.getName();
                String lower = name.toLowerCase(Locale.ROOT);
                if (lower.endsWith(".class")) {
                    batch.add(e);
                    if (batch.size() >= CLASS_BATCH) {
                        submitZipClasses(zip, c, new ArrayList<>(batch), inflated);
                        batch.clear();
                    }
                } else if (isArchiveName(lower)) {
                    ZipEntry nested = e;
                    tasks.add(pool.submit(() -> readNestedFromZip(zip, c, nested, inflated)));
                } else if (isResource(name)) {
                    ZipEntry res = e;
                    tasks.add(pool.submit(() -> {
                        try (InputStream in = zip.getInputStream(res)) {
                            byte[] bytes = readBounded(in, limits.maxResourceBytes(), inflated);
                            if (bytes == null) {
                                handler.problem(c.location() + "!/" + res.getName(), "resource inflates beyond " + limits.maxResourceBytes() + " bytes; skipped");
                            } else {
                                handler.resource(c, res.getName(), bytes);
                            }
                        } catch (IOException | RuntimeException ex) {
                            handler.problem(c.location() + "!/" + res.getName(), "cannot read: " + describe(ex));
                        }
                    }));
                } else {
                    handler.progress(Math.max(0, e.getCompressedSize()));
                }
            }
        } catch (RuntimeException e) {
            handler.problem(location, "cannot list the archive: " + describe(e));
        }
        if (!batch.isEmpty()) {
            submitZipClasses(zip, c, batch, inflated);
        }
        // tasks still read from the ZipFile: it is closed by close() once the walk is over
        closeWhenDone(zip);
    }

    private final List<ZipFile> openZips = new ArrayList<>();

    private synchronized void closeWhenDone(ZipFile zip) {
        openZips.add(zip);
    }

    /** Closes the top-level archives once every task has finished (called by the scan at the end). */
    public synchronized void close() {
        for (ZipFile z : openZips) {
            try {
                z.close();
            } catch (IOException e) {
                // nothing to do: we only read it
            }
        }
        openZips.clear();
    }

    private void submitZipClasses(ZipFile zip, Container c, List<ZipEntry> entries, AtomicLong inflated) {
        tasks.add(pool.submit(() -> {
            for (ZipEntry e : entries) {
                try (InputStream in = zip.getInputStream(e)) {
                    byte[] bytes = readBounded(in, limits.maxClassBytes(), inflated);
                    handler.progress(Math.max(0, e.getCompressedSize()));
                    if (bytes == null) {
                        handler.problem(c.location() + "!/" + e.getName(), tooBig("class file", limits.maxClassBytes(), inflated));
                    } else {
                        handler.classFile(c, e.getName(), bytes);
                    }
                } catch (IOException | RuntimeException ex) {
                    handler.problem(c.location() + "!/" + e.getName(), "cannot read: " + describe(ex));
                }
            }
        }));
    }

    private void readNestedFromZip(ZipFile zip, Container parent, ZipEntry e, AtomicLong inflated) {
        String location = parent.location() + "!/" + e.getName();
        if (parent.depth() + 1 > limits.maxNestingDepth()) {
            handler.problem(location, "archive nested deeper than " + limits.maxNestingDepth() + " levels; skipped");
            return;
        }
        byte[] bytes;
        try (InputStream in = zip.getInputStream(e)) {
            bytes = readBounded(in, limits.maxNestedArchiveBytes(), inflated);
        } catch (IOException | RuntimeException ex) {
            handler.problem(location, "cannot read: " + describe(ex));
            return;
        }
        handler.progress(Math.max(0, e.getCompressedSize()));
        if (bytes == null) {
            handler.problem(location, tooBig("nested archive", limits.maxNestedArchiveBytes(), inflated));
            return;
        }
        walkNestedBytes(parent, e.getName(), bytes, inflated);
    }

    private void walkNestedBytes(Container parent, String entryName, byte[] bytes, AtomicLong inflated) {
        String location = parent.location() + "!/" + entryName;
        int slash = entryName.lastIndexOf('/');
        Container c = new Container(location, entryName.substring(slash + 1), true, parent.depth() + 1);
        if (bytes.length < 4 || bytes[0] != 'P' || bytes[1] != 'K') {
            handler.problem(location, "not a zip archive (corrupt jar); skipped");
            return;
        }
        handler.containerOpened(c);
        try {
            walkStream(c, new ByteArrayInputStream(bytes), inflated);
        } catch (IOException | RuntimeException ex) {
            handler.problem(location, "corrupt archive (" + describe(ex) + "); entries after the damage are skipped");
        }
    }

    /** Reads an archive sequentially (nested jars, and top-level ones whose directory is broken). */
    private void walkStream(Container c, InputStream raw, AtomicLong inflated) throws IOException {
        try (ZipInputStream zin = new ZipInputStream(raw)) {
            ZipEntry e;
            int entries = 0;
            while ((e = nextEntry(zin, c)) != null) {
                if (++entries > limits.maxEntriesPerArchive()) {
                    handler.problem(c.location(), "more than " + limits.maxEntriesPerArchive() + " entries; the rest is skipped");
                    return;
                }
                if (e.isDirectory()) {
                    continue;
                }
                String name = e.getName();
                String lower = name.toLowerCase(Locale.ROOT);
                String where = c.location() + "!/" + name;
                if (lower.endsWith(".class")) {
                    byte[] bytes = readBounded(zin, limits.maxClassBytes(), inflated);
                    if (bytes == null) {
                        handler.problem(where, tooBig("class file", limits.maxClassBytes(), inflated));
                        continue;
                    }
                    handler.classFile(c, name, bytes);
                } else if (isArchiveName(lower)) {
                    if (c.depth() + 1 > limits.maxNestingDepth()) {
                        handler.problem(where, "archive nested deeper than " + limits.maxNestingDepth() + " levels; skipped");
                        continue;
                    }
                    byte[] bytes = readBounded(zin, limits.maxNestedArchiveBytes(), inflated);
                    if (bytes == null) {
                        handler.problem(where, tooBig("nested archive", limits.maxNestedArchiveBytes(), inflated));
                        continue;
                    }
                    walkNestedBytes(c, name, bytes, inflated);
                } else if (isResource(name)) {
                    byte[] bytes = readBounded(zin, limits.maxResourceBytes(), inflated);
                    if (bytes == null) {
                        handler.problem(where, tooBig("resource", limits.maxResourceBytes(), inflated));
                        continue;
                    }
                    handler.resource(c, name, bytes);
                }
            }
        }
    }

    private ZipEntry nextEntry(ZipInputStream zin, Container c) throws IOException {
        try {
            return zin.getNextEntry();
        } catch (IllegalArgumentException bad) {
            throw new ZipException("malformed entry name: " + bad.getMessage());
        }
    }

    private String tooBig(String what, long cap, AtomicLong inflated) {
        if (inflated.get() > limits.maxInflatedPerInput()) {
            return "input inflates beyond " + limits.maxInflatedPerInput() + " bytes in total (possible zip bomb); skipped";
        }
        return what + " inflates beyond " + cap + " bytes (possible zip bomb); skipped";
    }

    /**
     * Reads at most {@code cap} bytes; null when there is more (the entry is skipped) or when the
     * input's total inflated budget is spent. The entry's declared size is not trusted.
     */
    private byte[] readBounded(InputStream in, long cap, AtomicLong inflated) throws IOException {
        byte[] buf = new byte[8192];
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(8192);
        long total = 0;
        int r;
        while ((r = in.read(buf)) > 0) {
            total += r;
            if (total > cap || inflated.addAndGet(r) > limits.maxInflatedPerInput()) {
                return null;
            }
            out.write(buf, 0, r);
        }
        return out.toByteArray();
    }

    static boolean isArchiveName(String lower) {
        return lower.endsWith(".jar") || lower.endsWith(".war") || lower.endsWith(".ear");
    }

    /** Resources the scanner reads: configuration, Maven coordinates, manifests, JDBC driver registrations. */
    public static boolean isResource(String entry) {
        String name = entry.replace('\\', '/');
        if (name.equals("META-INF/MANIFEST.MF") || name.equals("META-INF/services/java.sql.Driver")) {
            return true;
        }
        if (name.startsWith("META-INF/maven/") && name.endsWith("/pom.properties")) {
            return true;
        }
        int slash = name.lastIndexOf('/');
        String base = name.substring(slash + 1).toLowerCase(Locale.ROOT);
        boolean config = base.endsWith(".properties") || base.endsWith(".yml") || base.endsWith(".yaml");
        if (config && (base.startsWith("application") || base.startsWith("bootstrap"))) {
            return true;
        }
        return base.endsWith(".json") && (base.contains("mcp") || base.equals("claude_desktop_config.json"));
    }

    static String describe(Throwable e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
