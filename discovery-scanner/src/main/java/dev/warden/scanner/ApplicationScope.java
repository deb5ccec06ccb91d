package dev.warden.scanner;

import dev.warden.scanner.StaticScanner.Collected;
import dev.warden.scanner.StaticScanner.ContainerInfo;
import dev.warden.scanner.bytecode.Facts.ClassFacts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Decides, once the whole input has been read, which classes are the application's own code and
 * which are bundled third-party code. Only the application's code is read for constants, sinks and
 * the call graph; everything else only for tool annotations and the type hierarchy. A fat jar
 * bundles hundreds of libraries whose packages no list can name in advance (OpenNLP inside
 * LangChain4j, networknt and StringTemplate inside Spring AI), and their example URLs, XML
 * property names and file writes are not what the agent can reach.
 *
 * <p>The evidence, per top-level input (a jar, WAR or directory given to the scan, or a jar found
 * in a directory):
 * <ul>
 * <li><b>Main classes</b>: the manifest's {@code Start-Class} (Spring Boot) and {@code Main-Class}
 *     (unless it is a launcher in a library package). Their package, widened to the Maven
 *     {@code groupId} that contains it ({@code dev.warden} for
 *     {@code dev.warden.examples.refund.RefundAgent}) or else to its first two segments, is an
 *     <em>application root</em>.</li>
 * <li><b>Application classes directories</b>: {@code BOOT-INF/classes/} and
 *     {@code WEB-INF/classes/} hold the application; their packages (first two segments) are
 *     roots too, and the groupIds of the archive's own {@code pom.properties} are application
 *     groups.</li>
 * <li><b>Bundled artifacts</b>: a jar holding the {@code pom.properties} of several artifacts is a
 *     shaded (uber) jar; when its file carries one artifact's name ({@code app-1.0.jar}, Maven's
 *     default), that artifact's groupId is an application group and root.</li>
 * </ul>
 * A class is application code when its package is not a known library package
 * ({@link Catalog#isLibraryClass}) and:
 * <ul>
 * <li>it is in a nested archive ({@code BOOT-INF/lib/x.jar}) whose groupId is an application group,
 *     or its name is under an application root (a multi-module application's own modules);
 *     other nested archives are libraries;</li>
 * <li>it is at the top level of a shaded jar with application roots: it is under one;</li>
 * <li>anything else at the top level (a classes directory, a plain jar, an application classes
 *     directory, a shaded jar nothing names the application of) is application code, except a
 *     lone third-party jar scanned next to an application whose groups are known: reporting too
 *     much beats reporting nothing.</li>
 * </ul>
 * {@code --all-code} makes every class application code.
 *
 * <p>Runs once per scan on the scanning thread, after the walk (no other thread touches
 * {@link Collected} then).
 */
final class ApplicationScope {
    private ApplicationScope() {
    }

    /** What one top-level input says about the application. */
    private static final class TopLevel {
        final Set<String> groups = new LinkedHashSet<>();
        final Set<String> roots = new LinkedHashSet<>();
        boolean shaded;
        boolean hasMain;
        boolean appLayout;
        String singleGroup;
    }

    /** Re-decides {@link ClassFacts#library} for every class and recounts the application classes. */
    static void apply(Collected in, boolean allCode) {
        Map<String, TopLevel> tops = new HashMap<>();
        for (ContainerInfo ci : in.containers.values()) {
            if (!ci.container.nested()) {
                tops.put(ci.container.location(), describe(ci, in));
            }
        }
        Set<String> allGroups = new LinkedHashSet<>();
        Set<String> allRoots = new LinkedHashSet<>();
        for (TopLevel t : tops.values()) {
            allGroups.addAll(t.groups);
            allRoots.addAll(t.roots);
        }
        for (ContainerInfo ci : in.containers.values()) {
            ci.appClasses.set(0);
        }
        long app = 0;
        for (ClassFacts cf : in.classes.values()) {
            if (!cf.library && !allCode && !isApplication(cf, in, tops, allGroups, allRoots)) {
                cf.library = true;
                cf.methods.clear();
                cf.fieldConstants.clear();
                cf.fieldPropertyKeys.clear();
            }
            if (!cf.library) {
                app++;
                ContainerInfo ci = in.containers.get(cf.container);
                if (ci != null) {
                    ci.appClasses.incrementAndGet();
                }
            }
        }
        in.appClassCount.set(app);
    }

    private static boolean isApplication(ClassFacts cf, Collected in, Map<String, TopLevel> tops, Set<String> allGroups, Set<String> allRoots) {
        ContainerInfo ci = in.containers.get(cf.container);
        if (ci == null) {
            return true;
        }
        String loc = ci.container.location();
        int bang = loc.indexOf("!/");
        TopLevel top = tops.get(bang < 0 ? loc : loc.substring(0, bang));
        if (top == null) {
            return true;
        }
        if (ci.container.nested()) {
            for (String g : groupsOf(ci)) {
                if (top.groups.contains(g) || allGroups.contains(g)) {
                    return true;
                }
            }
            return under(cf.name, top.roots) || under(cf.name, allRoots);
        }
        if (cf.inClassesDir || top.appLayout) {
            return true;
        }
        if (top.shaded && !top.roots.isEmpty()) {
            return under(cf.name, top.roots);
        }
        // a lone third-party jar next to an application whose own groups are known
        return top.hasMain || top.singleGroup == null || allGroups.isEmpty() || allGroups.contains(top.singleGroup);
    }

    private static boolean under(String name, Set<String> prefixes) {
        for (String p : prefixes) {
            if (name.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> groupsOf(ContainerInfo ci) {
        List<String> out = new ArrayList<>();
        synchronized (ci.poms) {
            for (String[] pom : ci.poms) {
                if (pom[0] != null && !out.contains(pom[0])) {
                    out.add(pom[0]);
                }
            }
        }
        return out;
    }

    private static TopLevel describe(ContainerInfo ci, Collected in) {
        TopLevel t = new TopLevel();
        List<String[]> poms;
        synchronized (ci.poms) {
            poms = new ArrayList<>(ci.poms);
        }
        Set<String> artifacts = new LinkedHashSet<>();
        Set<String> groups = new LinkedHashSet<>();
        for (String[] p : poms) {
            if (p[0] != null && p[1] != null) {
                artifacts.add(p[0] + ":" + p[1]);
                groups.add(p[0]);
            }
        }
        t.shaded = artifacts.size() > 1;
        // a shaded jar keeps its own artifact's name (app-1.0.jar): that artifact is the application's
        String file = ci.container.fileName().toLowerCase(Locale.ROOT);
        for (String[] p : poms) {
            if (t.shaded && p[0] != null && p[1] != null && (file.equals(p[1].toLowerCase(Locale.ROOT) + ".jar")
                    || file.startsWith(p[1].toLowerCase(Locale.ROOT) + "-") && file.length() > p[1].length() + 1
                    && Character.isDigit(file.charAt(p[1].length() + 1)))) {
                t.groups.add(p[0]);
                String root = p[0].replace('.', '/') + "/";
                if (!Catalog.isLibraryClass(root)) {
                    t.roots.add(root);
                }
            }
        }
        t.singleGroup = groups.size() == 1 ? groups.iterator().next() : null;
        List<String> mains = new ArrayList<>();
        for (String key : new String[] {"Start-Class", "Main-Class"}) {
            String v = ci.manifest.get(key);
            if (v != null && !v.isBlank()) {
                String internal = v.strip().replace('.', '/');
                if (!Catalog.isLibraryClass(internal) && !mains.contains(internal)) {
                    mains.add(internal);
                }
            }
        }
        t.hasMain = !mains.isEmpty();
        for (String main : mains) {
            String root = null;
            for (String g : groups) {
                String path = g.replace('.', '/') + "/";
                if (main.startsWith(path) && (root == null || path.length() > root.length())) {
                    root = path;
                }
            }
            if (root != null) {
                t.groups.add(root.substring(0, root.length() - 1).replace('/', '.'));
            } else {
                root = packagePrefix(main);
            }
            if (root != null && !Catalog.isLibraryClass(root)) {
                t.roots.add(root);
            }
        }
        // Spring Boot jars and WARs: the classes directory is the application, the archive's own poms its groups
        String loc = ci.container.location();
        boolean classesDir = ci.manifest.containsKey("Spring-Boot-Classes");
        for (ClassFacts cf : in.classes.values()) {
            if (cf.inClassesDir && cf.container.equals(loc)) {
                classesDir = true;
                String root = packagePrefix(cf.name);
                if (root != null && !Catalog.isLibraryClass(root)) {
                    t.roots.add(root);
                }
            }
        }
        if (classesDir) {
            t.groups.addAll(groups);
            t.shaded = false;
        }
        t.appLayout = classesDir;
        return t;
    }

    /** {@code com/acme/support/App} → {@code com/acme/}; a one-segment package stays itself; the default package gives null. */
    private static String packagePrefix(String internalName) {
        int slash = internalName.lastIndexOf('/');
        if (slash < 0) {
            return null;
        }
        String[] seg = internalName.substring(0, slash).split("/");
        return seg.length == 1 ? seg[0] + "/" : seg[0] + "/" + seg[1] + "/";
    }
}
