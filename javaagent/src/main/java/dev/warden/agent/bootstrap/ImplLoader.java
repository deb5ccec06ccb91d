package dev.warden.agent.bootstrap;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The class loader of Warden's implementation and its libraries (rules-runtime, Jackson,
 * Chronicle, ASM, JSqlParser), which sit in the agent jar under {@value #PREFIX}. Its parent is
 * the platform class loader: {@code java.sql} and {@code java.net.http} link, while the
 * application's own Jackson, ASM or Chronicle are never seen, and ours are never seen by the
 * application. Multi-release entries are honoured for the running Java version.
 *
 * <p>The entry index is built once in the constructor; lookups are read-only afterwards, so any
 * thread may load classes in parallel.
 */
public final class ImplLoader extends ClassLoader {
    public static final String PREFIX = "warden-impl/";

    static {
        registerAsParallelCapable();
    }

    private final JarFile jar;
    private final String jarUrl;
    private final Map<String, JarEntry> entries = new HashMap<>();
    private final ProtectionDomain domain;

    public ImplLoader(File jarFile, ClassLoader parent) throws IOException {
        super("warden", parent);
        this.jar = new JarFile(jarFile, false);
        this.jarUrl = jarFile.toURI().toURL().toExternalForm();
        this.domain = new ProtectionDomain(new CodeSource(jarFile.toURI().toURL(), (Certificate[]) null), null, this, null);
        int runtime = Runtime.version().feature();
        Map<String, Integer> versionOf = new HashMap<>();
        String versions = PREFIX + "META-INF/versions/";
        for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
            JarEntry entry = e.nextElement();
            String name = entry.getName();
            if (!name.startsWith(PREFIX) || entry.isDirectory()) {
                continue;
            }
            String path = name.substring(PREFIX.length());
            int version = 8;
            if (name.startsWith(versions)) {
                int slash = name.indexOf('/', versions.length());
                if (slash < 0) {
                    continue;
                }
                try {
                    version = Integer.parseInt(name.substring(versions.length(), slash));
                } catch (NumberFormatException bad) {
                    continue;
                }
                if (version > runtime) {
                    continue;
                }
                path = name.substring(slash + 1);
            }
            Integer seen = versionOf.get(path);
            if (seen == null || seen < version) {
                versionOf.put(path, version);
                entries.put(path, entry);
            }
        }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        String path = name.replace('.', '/') + ".class";
        JarEntry entry = entries.get(path);
        if (entry == null) {
            throw new ClassNotFoundException(name);
        }
        byte[] bytes;
        try (InputStream in = jar.getInputStream(entry)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
        int dot = name.lastIndexOf('.');
        if (dot > 0) {
            String pkg = name.substring(0, dot);
            if (getDefinedPackage(pkg) == null) {
                try {
                    definePackage(pkg, null, null, null, "Warden", null, null, null);
                } catch (IllegalArgumentException raced) {
                    // defined by a parallel load of another class of the same package
                }
            }
        }
        return defineClass(name, bytes, 0, bytes.length, domain);
    }

    @Override
    protected URL findResource(String name) {
        JarEntry entry = entries.get(name);
        if (entry == null) {
            return null;
        }
        try {
            return new URL("jar:" + jarUrl + "!/" + entry.getName());
        } catch (MalformedURLException e) {
            return null;
        }
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL u = findResource(name);
        return u == null ? Collections.emptyEnumeration() : Collections.enumeration(java.util.List.of(u));
    }

    @Override
    public String toString() {
        return "warden implementation loader (" + jarUrl + ")";
    }
}
