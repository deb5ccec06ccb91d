package dev.warden.scanner.live;

import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import dev.warden.scanner.Catalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code warden scan --jvms}: the JVMs running as this user (JDK Attach API) and, for each, the
 * agent frameworks, HTTP clients and JDBC drivers it has loaded. It asks each JVM with the
 * {@code jcmd} of the running JDK: {@code GC.class_histogram} for the classes it holds
 * (a loaded framework has live instances) and {@code VM.system_properties} for its class path,
 * whose jar names give versions ({@code langchain4j-core-1.19.0.jar}). Nothing is loaded into
 * the target. A JVM that does not answer is listed with the reason.
 *
 * <p>Stateless; any thread (each call runs {@code jcmd} processes and waits for them).
 */
public final class JvmLister {
    private JvmLister() {
    }

    /** One running JVM and what it has loaded. */
    public record Jvm(String pid, String displayName, Map<String, String> frameworks, Map<String, String> libraries, String problem) {
    }

    /**
     * Every other JVM running as this user, inspected in parallel. A JVM that exits while it is
     * being listed or inspected is left out (it no longer runs); one that is alive but does not
     * answer is listed with the reason.
     */
    public static List<Jvm> list(long timeoutMillis) {
        List<String[]> found = new ArrayList<>();
        String self = String.valueOf(ProcessHandle.current().pid());
        for (VirtualMachineDescriptor d : descriptors()) {
            if (!d.id().equals(self)) {
                found.add(new String[] {d.id(), d.displayName()});
            }
        }
        return inspectAll(found, timeoutMillis);
    }

    /** The attach provider's list; a JVM vanishing while it is read can make it throw, so it is read again. */
    private static List<VirtualMachineDescriptor> descriptors() {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return VirtualMachine.list();
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw last;
    }

    /** Inspects {@code pid, displayName} pairs on a few daemon threads; the result keeps their order and drops JVMs that are gone. */
    public static List<Jvm> inspectAll(List<String[]> jvms, long timeoutMillis) {
        if (jvms.isEmpty()) {
            return List.of();
        }
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(Math.min(4, jvms.size()), r -> {
            Thread t = new Thread(r, "warden-jvms-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<java.util.concurrent.Future<Jvm>> futures = new ArrayList<>();
            for (String[] j : jvms) {
                futures.add(pool.submit(() -> inspect(j[0], j[1], timeoutMillis)));
            }
            List<Jvm> out = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                Jvm jvm;
                try {
                    jvm = futures.get(i).get();
                } catch (java.util.concurrent.ExecutionException e) {
                    jvm = new Jvm(jvms.get(i)[0], jvms.get(i)[1], Map.of(), Map.of(), "not inspected: " + e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                if (jvm.problem() == null || isAlive(jvm.pid())) {
                    out.add(jvm);
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    static boolean isAlive(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    public static Jvm inspect(String pid, String displayName, long timeoutMillis) {
        String histogram;
        String props;
        try {
            histogram = jcmd(pid, "GC.class_histogram", timeoutMillis);
            props = jcmd(pid, "VM.system_properties", timeoutMillis);
        } catch (IOException e) {
            return new Jvm(pid, displayName, Map.of(), Map.of(), e.getMessage());
        }
        Set<String> loaded = new LinkedHashSet<>();
        for (String line : histogram.split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length >= 4 && cols[0].endsWith(":")) {
                loaded.add(cols[3].replace('.', '/'));
            }
        }
        List<String> classPath = new ArrayList<>();
        for (String line : props.split("\n")) {
            if (line.startsWith("java.class.path=")) {
                for (String e : line.substring("java.class.path=".length()).replace("\\:", ":").split("[:;]")) {
                    if (!e.isBlank()) {
                        classPath.add(e);
                    }
                }
            }
        }
        Map<String, String> frameworks = new LinkedHashMap<>();
        for (Catalog.FrameworkSpec fs : Catalog.FRAMEWORKS) {
            if (loaded.stream().anyMatch(c -> c.startsWith(fs.packagePrefix()))) {
                frameworks.put(fs.name(), versionFromClassPath(classPath, fs.artifacts()));
            }
        }
        Map<String, String> libraries = new LinkedHashMap<>();
        for (Catalog.LibrarySpec ls : Catalog.LIBRARIES) {
            if (loaded.stream().anyMatch(c -> c.startsWith(ls.packagePrefix()))) {
                libraries.put(ls.name(), versionFromClassPath(classPath, ls.artifacts()));
            }
        }
        return new Jvm(pid, displayName, frameworks, libraries, null);
    }

    private static String versionFromClassPath(List<String> classPath, List<String> artifacts) {
        for (String ga : artifacts) {
            String artifactId = ga.substring(ga.indexOf(':') + 1);
            Pattern p = Pattern.compile("(?:^|[/\\\\])" + Pattern.quote(artifactId) + "-(\\d[^/\\\\]*?)\\.jar$");
            for (String e : classPath) {
                Matcher m = p.matcher(e);
                if (m.find()) {
                    return m.group(1);
                }
            }
        }
        return "";
    }

    /**
     * Runs the {@code jcmd} of this JDK against {@code pid}; one-line IOException when it fails.
     * Its output goes to a temporary file, so a {@code jcmd} that hangs (a JVM stuck in exiting)
     * is stopped at the timeout instead of blocking a read.
     */
    static String jcmd(String pid, String command, long timeoutMillis) throws IOException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", isWindows() ? "jcmd.exe" : "jcmd");
        if (!Files.isExecutable(jcmd)) {
            throw new IOException("no jcmd in " + jcmd.getParent() + " (run warden on a full JDK to inspect JVMs)");
        }
        Path out = Files.createTempFile("warden-jcmd-", ".txt");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), pid, command).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullFile())).start();
            try {
                if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new IOException("jcmd " + command + " did not answer within " + timeoutMillis + " ms");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                throw new IOException("interrupted");
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                String[] lines = text.strip().split("\n");
                String last = text.strip().isEmpty() ? "exit " + p.exitValue() : lines[lines.length - 1];
                throw new IOException("jcmd " + command + " failed: " + last);
            }
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static java.io.File nullFile() {
        return new java.io.File(isWindows() ? "NUL" : "/dev/null");
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win");
    }
}
