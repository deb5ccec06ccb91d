package dev.warden.scanner;

import dev.warden.scanner.archive.ArchiveWalker;
import dev.warden.scanner.archive.EntryHandler;
import dev.warden.scanner.archive.ScanLimits;
import dev.warden.scanner.bytecode.ClassScanner;
import dev.warden.scanner.bytecode.Facts.ClassFacts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The static scan ({@code warden scan PATH...}): reads the inputs with {@link ArchiveWalker} and
 * {@link ClassScanner} on a small pool of worker threads, then hands everything to
 * {@link InventoryBuilder}, which links tools, agents and systems.
 *
 * <p>One scan per instance at a time; {@link #scan} blocks the calling thread. Worker threads are
 * daemons named {@code warden-scan-N} and end with the scan.
 */
public final class StaticScanner {
    /** Scan settings. */
    public static final class Options {
        public ScanLimits limits = ScanLimits.DEFAULT;
        public int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        /** How many calls deep the call graph is followed from a tool to a sink. */
        public int callDepth = 12;
        public Progress progress = Progress.NONE;
        public String generator = "warden-scanner " + version();
        /** Read third-party code as application code too (constants, sinks, call graph): slower, noisier, complete. */
        public boolean allCode;
    }

    static String version() {
        String v = StaticScanner.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private final Options options;

    public StaticScanner(Options options) {
        this.options = options;
    }

    public StaticScanner() {
        this(new Options());
    }

    /** What one container (directory, jar, nested jar) held, besides classes. */
    static final class ContainerInfo {
        final EntryHandler.Container container;
        final List<String[]> poms = new ArrayList<>();
        final Map<String, String> manifest = new ConcurrentHashMap<>();
        final List<String> driverClasses = new ArrayList<>();
        final AtomicInteger classes = new AtomicInteger();
        final AtomicInteger appClasses = new AtomicInteger();
        final AtomicInteger nested = new AtomicInteger();

        ContainerInfo(EntryHandler.Container container) {
            this.container = container;
        }
    }

    /** A configuration file, read by the builder once the containers are known. */
    record ConfigFile(EntryHandler.Container container, String entry, byte[] bytes) {
    }

    /** Everything the walk collected; read by {@link InventoryBuilder} after the walk is over. */
    static final class Collected implements EntryHandler {
        final Map<String, ClassFacts> classes = new ConcurrentHashMap<>();
        final Map<String, ContainerInfo> containers = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<ConfigFile> configs = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Inventory.Problem> problems = new ConcurrentLinkedQueue<>();
        final AtomicLong classCount = new AtomicLong();
        final AtomicLong appClassCount = new AtomicLong();
        final AtomicLong duplicates = new AtomicLong();
        final AtomicLong skipped = new AtomicLong();
        private final Progress progress;
        private final boolean allCode;

        Collected(Progress progress, boolean allCode) {
            this.progress = progress;
            this.allCode = allCode;
        }

        private ContainerInfo info(Container c) {
            return containers.computeIfAbsent(c.location(), k -> new ContainerInfo(c));
        }

        @Override
        public void containerOpened(Container c) {
            ContainerInfo ci = info(c);
            if (c.nested()) {
                int bang = c.location().lastIndexOf("!/");
                ContainerInfo parent = bang > 0 ? containers.get(c.location().substring(0, bang)) : null;
                if (parent != null) {
                    parent.nested.incrementAndGet();
                }
            }
            ci.classes.get();
        }

        @Override
        public void classFile(Container c, String entry, byte[] bytes) {
            ContainerInfo ci = info(c);
            if (entry.endsWith("module-info.class") || entry.endsWith("package-info.class")) {
                return;
            }
            // multi-release jars: META-INF/versions/N/ holds variants of classes read at the top level
            if (entry.startsWith("META-INF/versions/")) {
                return;
            }
            ClassFacts cf;
            try {
                cf = ClassScanner.scan(bytes, c.location(), allCode);
            } catch (ClassScanner.UnreadableClassException e) {
                skipped.incrementAndGet();
                problems.add(new Inventory.Problem(c.location() + "!/" + entry, e.getMessage()));
                return;
            }
            cf.inClassesDir = entry.startsWith("BOOT-INF/classes/") || entry.startsWith("WEB-INF/classes/");
            ci.classes.incrementAndGet();
            classCount.incrementAndGet();
            if (classes.putIfAbsent(cf.name, cf) != null) {
                duplicates.incrementAndGet();
            }
        }

        @Override
        public void resource(Container c, String entry, byte[] bytes) {
            ContainerInfo ci = info(c);
            try {
                if (entry.startsWith("META-INF/maven/") && entry.endsWith("pom.properties")) {
                    Properties p = new Properties();
                    p.load(new java.io.ByteArrayInputStream(bytes));
                    synchronized (ci.poms) {
                        ci.poms.add(new String[] {p.getProperty("groupId"), p.getProperty("artifactId"), p.getProperty("version")});
                    }
                } else if (entry.equals("META-INF/MANIFEST.MF")) {
                    java.util.jar.Manifest mf = new java.util.jar.Manifest(new java.io.ByteArrayInputStream(bytes));
                    mf.getMainAttributes().forEach((k, v) -> ci.manifest.put(k.toString(), v.toString()));
                } else if (entry.equals("META-INF/services/java.sql.Driver")) {
                    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                        String l = line.replaceAll("#.*", "").strip();
                        if (!l.isEmpty()) {
                            synchronized (ci.driverClasses) {
                                ci.driverClasses.add(l);
                            }
                        }
                    }
                } else {
                    configs.add(new ConfigFile(c, entry, bytes));
                }
            } catch (java.io.IOException | RuntimeException e) {
                problems.add(new Inventory.Problem(c.location() + "!/" + entry, "unreadable: " + e.getMessage()));
            }
        }

        @Override
        public void problem(String location, String message) {
            skipped.incrementAndGet();
            problems.add(new Inventory.Problem(location, message));
        }

        @Override
        public void progress(long bytes) {
            progress.advance(bytes);
        }
    }

    /** Scans the inputs and returns the inventory; unreadable parts are in {@link Inventory#problems}. */
    public Inventory scan(List<Path> inputs) {
        long t0 = System.nanoTime();
        long total = ArchiveWalker.totalSize(inputs);
        Collected collected = new Collected(options.progress, options.allCode);
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(options.threads, r -> {
            Thread t = new Thread(r, "warden-scan-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        options.progress.start(inputs.size() == 1 ? String.valueOf(inputs.get(0).getFileName()) : inputs.size() + " inputs", total);
        ArchiveWalker walker = new ArchiveWalker(options.limits, collected, pool);
        try {
            walker.walk(inputs);
        } finally {
            walker.close();
            pool.shutdownNow();
            options.progress.done();
        }
        ApplicationScope.apply(collected, options.allCode);
        Inventory inv = new InventoryBuilder(collected, options.callDepth).build();
        inv.generated = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        inv.generator = options.generator;
        for (Path p : inputs) {
            Inventory.Input in = new Inventory.Input();
            in.path = p.toString();
            ContainerInfo ci = collected.containers.get(p.toString());
            try {
                in.bytes = Files.isRegularFile(p) ? Files.size(p) : ArchiveWalker.totalSize(List.of(p));
            } catch (java.io.IOException e) {
                in.bytes = 0;
            }
            in.kind = inputKind(p, ci, collected);
            int classes = 0;
            int app = 0;
            int nested = 0;
            for (ContainerInfo c : collected.containers.values()) {
                String loc = c.container.location();
                if (loc.equals(p.toString()) || loc.startsWith(p + "!/") || loc.startsWith(p + java.io.File.separator)
                        || (Files.isDirectory(p) && loc.startsWith(p.toString()))) {
                    classes += c.classes.get();
                    app += c.appClasses.get();
                    nested += c.container.nested() ? 1 : 0;
                }
            }
            in.classes = classes;
            in.applicationClasses = app;
            in.nestedArchives = nested;
            inv.inputs.add(in);
        }
        inv.stats.classes = collected.classCount.get();
        inv.stats.applicationClasses = collected.appClassCount.get();
        inv.stats.archives = collected.containers.values().stream().filter(c -> c.container.location().contains(".jar") || c.container.location().contains(".war")).count();
        inv.stats.bytes = total;
        inv.stats.skipped = collected.skipped.get();
        inv.stats.durationMillis = (System.nanoTime() - t0) / 1_000_000;
        return inv;
    }

    private static String inputKind(Path p, ContainerInfo ci, Collected collected) {
        if (Files.isDirectory(p)) {
            return "directory";
        }
        String name = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".class")) {
            return "class";
        }
        if (ci == null) {
            return ArchiveWalker.isResource(name) ? "config" : "unreadable";
        }
        if (name.endsWith(".war")) {
            return "war";
        }
        if (ci.manifest.containsKey("Spring-Boot-Classes") || ci.nested.get() > 0) {
            return "fat-jar";
        }
        synchronized (ci.poms) {
            if (ci.poms.stream().map(pom -> pom[0] + ":" + pom[1]).distinct().count() > 1) {
                return "fat-jar"; // a shaded jar: the application and its libraries in one archive
            }
        }
        return "jar";
    }
}
