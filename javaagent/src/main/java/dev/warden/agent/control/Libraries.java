package dev.warden.agent.control;

import java.io.File;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The libraries Warden's hooks apply to in this JVM (agent frameworks, HTTP clients, JDBC
 * drivers), with their versions, for the heartbeat. The transformer reports each class it
 * weaves ({@link #woven}: the hook's family and library and the class's code source), which
 * costs one map lookup at class-load time; the jar's manifest is read later, on the thread that
 * asks for {@link #list()} (the shipper's), once per jar. JDK classes report the JDK's version.
 *
 * <p>{@link #woven} is called by the JVM on any class-loading thread; {@link #list()} by one
 * reader thread at a time.
 */
public final class Libraries {
    /** One library as the heartbeat reports it. */
    public record Library(String name, String family, String version, String jar) {
    }

    private static final Pattern JAR_VERSION = Pattern.compile("^(.+?)-(\\d[\\w.+-]*)\\.jar$");

    private static final class Seen {
        final String library;
        final String family;
        final URL location;
        volatile Library resolved;

        Seen(String library, String family, URL location) {
            this.library = library;
            this.family = family;
            this.location = location;
        }
    }

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    /** A class was woven: {@code library} and {@code family} as the hook registry names them. */
    public void woven(String family, String library, ProtectionDomain domain) {
        if ("session".equals(family)) {
            return; // context propagation hooks on JDK executors: not a library the agent uses
        }
        CodeSource cs = domain == null ? null : domain.getCodeSource();
        URL location = cs == null ? null : cs.getLocation();
        String key = family + '|' + library + '|' + (location == null ? "jdk" : location.toString());
        if (!seen.containsKey(key)) {
            seen.putIfAbsent(key, new Seen(library, family, location));
        }
    }

    /** Every library seen so far, its version resolved (reads each jar's manifest once). */
    public List<Library> list() {
        List<Library> out = new ArrayList<>();
        for (Seen s : seen.values()) {
            Library l = s.resolved;
            if (l == null) {
                l = resolve(s);
                s.resolved = l;
            }
            if (!out.contains(l)) {
                out.add(l);
            }
        }
        return out;
    }

    private static Library resolve(Seen s) {
        if (s.location == null) {
            return new Library(s.library.equals("jdk") ? "jdk-" + s.family : s.library, s.family,
                    Runtime.version().toString(), null);
        }
        String jarName = null;
        String version = null;
        String title = null;
        try {
            File f = new File(s.location.toURI());
            jarName = f.getName();
            if (f.isFile()) {
                try (JarFile jar = new JarFile(f, false)) {
                    Manifest m = jar.getManifest();
                    if (m != null) {
                        Attributes a = m.getMainAttributes();
                        version = first(a, "Implementation-Version", "Bundle-Version", "Specification-Version");
                        title = first(a, "Implementation-Title", "Bundle-SymbolicName", "Automatic-Module-Name");
                    }
                }
            }
        } catch (Exception | LinkageError e) {
            // an unreadable or non-file code source: the file name is all there is
        }
        String artifact = null;
        if (jarName != null) {
            Matcher m = JAR_VERSION.matcher(jarName);
            if (m.matches()) {
                artifact = m.group(1);
                if (version == null) {
                    version = m.group(2);
                }
            } else if (jarName.endsWith(".jar")) {
                artifact = jarName.substring(0, jarName.length() - 4);
            }
        }
        // JDBC hooks name no library ("any"): the driver's jar does
        String name = "any".equals(s.library) ? (artifact != null ? artifact : title != null ? title : s.family) : s.library;
        return new Library(name, s.family, version == null ? "unknown" : version, jarName);
    }

    private static String first(Attributes a, String... names) {
        for (String n : names) {
            String v = a.getValue(n);
            if (v != null && !v.isBlank()) {
                int semi = v.indexOf(';');
                return (semi > 0 ? v.substring(0, semi) : v).trim();
            }
        }
        return null;
    }
}
