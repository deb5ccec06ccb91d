package dev.warden.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which classes of a packaged application are its own: the constants of bundled third-party code
 * in packages no list names ({@code org.thirdparty}) must not become the application's hosts,
 * while the application's own modules, wherever they sit, must.
 */
class ApplicationScopeTest {
    @TempDir
    static Path work;
    static Map<String, byte[]> classes = new LinkedHashMap<>();

    static final Map<String, String> SOURCES = Map.of(
            "com/acme/app/Main.java", """
                    package com.acme.app;
                    public class Main {
                        public static final String PAYMENTS = "https://api.acme-payments.com/v1";
                        public static void main(String[] a) { System.out.println(PAYMENTS + com.acme.common.Mail.URL); }
                    }
                    """,
            "com/acme/common/Mail.java", """
                    package com.acme.common;
                    public class Mail {
                        public static String URL = "https://mail.acme-payments.com/send";
                    }
                    """,
            "org/thirdparty/lib/Downloader.java", """
                    package org.thirdparty.lib;
                    public class Downloader {
                        static String models() { return "https://downloads.thirdparty.org/models"; }
                        static String prop() { return "http://javax.xml.XMLConstants/property/accessExternalDTD"; }
                    }
                    """);

    @BeforeAll
    static void compile() throws Exception {
        Path out = TestApps.compile(work.resolve("src"), SOURCES, List.of());
        try (Stream<Path> s = Files.walk(out)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                classes.put(out.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
            }
        }
    }

    static byte[] pom(String group, String artifact) {
        return ("groupId=" + group + "\nartifactId=" + artifact + "\nversion=1.0\n").getBytes(StandardCharsets.UTF_8);
    }

    /** A shaded jar: every class at the top, the poms of the three artifacts it was built from. */
    static Path shaded(String name, String mainClass) throws Exception {
        Map<String, byte[]> e = new LinkedHashMap<>();
        if (mainClass != null) {
            e.put("META-INF/MANIFEST.MF", ("Manifest-Version: 1.0\nMain-Class: " + mainClass + "\n").getBytes(StandardCharsets.UTF_8));
        }
        e.putAll(classes);
        e.put("META-INF/maven/com.acme/app/pom.properties", pom("com.acme", "app"));
        e.put("META-INF/maven/com.acme/acme-common/pom.properties", pom("com.acme", "acme-common"));
        e.put("META-INF/maven/org.thirdparty/thirdparty-lib/pom.properties", pom("org.thirdparty", "thirdparty-lib"));
        return TestApps.jar(work.resolve(name), e);
    }

    static List<String> hosts(Path input) {
        Inventory inv = new StaticScanner().scan(List.of(input));
        return inv.hosts.stream().map(h -> h.host).sorted().toList();
    }

    static final List<String> OWN = List.of("api.acme-payments.com", "mail.acme-payments.com");

    @Test
    void theMainClassNamesTheApplicationOfAShadedJar() throws Exception {
        assertEquals(OWN, hosts(shaded("bundle.jar", "com.acme.app.Main")));
    }

    @Test
    void aShadedJarNamedAfterItsArtifactNeedsNoMainClass() throws Exception {
        assertEquals(OWN, hosts(shaded("app-1.0.jar", null)));
    }

    @Test
    void whenNothingNamesTheApplicationEveryUnlistedClassIsRead() throws Exception {
        // reporting too much beats reporting nothing; still, an XML property name is no host
        assertEquals(List.of("api.acme-payments.com", "downloads.thirdparty.org", "mail.acme-payments.com"), hosts(shaded("uber.jar", null)));
    }

    @Test
    void nestedJarsAreLibrariesUnlessTheyAreTheApplicationsOwnModules() throws Exception {
        Map<String, byte[]> common = new LinkedHashMap<>();
        common.put("com/acme/common/Mail.class", classes.get("com/acme/common/Mail.class"));
        common.put("META-INF/maven/com.acme/acme-common/pom.properties", pom("com.acme", "acme-common"));
        Map<String, byte[]> lib = new LinkedHashMap<>();
        lib.put("org/thirdparty/lib/Downloader.class", classes.get("org/thirdparty/lib/Downloader.class"));
        lib.put("META-INF/maven/org.thirdparty/thirdparty-lib/pom.properties", pom("org.thirdparty", "thirdparty-lib"));
        Map<String, byte[]> boot = new LinkedHashMap<>();
        boot.put("META-INF/MANIFEST.MF", ("Manifest-Version: 1.0\nMain-Class: org.springframework.boot.loader.launch.JarLauncher\n"
                + "Start-Class: com.acme.app.Main\nSpring-Boot-Classes: BOOT-INF/classes/\n").getBytes(StandardCharsets.UTF_8));
        boot.put("BOOT-INF/classes/com/acme/app/Main.class", classes.get("com/acme/app/Main.class"));
        boot.put("BOOT-INF/lib/acme-common-1.0.jar", Files.readAllBytes(TestApps.jar(work.resolve("acme-common-1.0.jar"), common)));
        boot.put("BOOT-INF/lib/thirdparty-lib-2.0.jar", Files.readAllBytes(TestApps.jar(work.resolve("thirdparty-lib-2.0.jar"), lib)));
        Path app = TestApps.jar(work.resolve("boot.jar"), boot);
        assertEquals(OWN, hosts(app));
        Inventory inv = new StaticScanner().scan(List.of(app));
        assertEquals(2, inv.stats.applicationClasses);
        assertEquals("fat-jar", inv.inputs.get(0).kind);
    }
}
