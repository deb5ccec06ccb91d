package dev.warden.scanner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.scanner.archive.ScanLimits;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken and hostile inputs are reported and skipped; the scan finishes and still finds the good parts. */
class MalformedInputTest {
    @TempDir
    Path work;

    private Path supportClasses() throws Exception {
        return TestApps.compile(work.resolve("app"), TestApps.SUPPORT_APP, TestApps.jars("langchain4j"));
    }

    private static String problemAt(Inventory inv, String locationPart) {
        for (Inventory.Problem p : inv.problems) {
            if (p.location.contains(locationPart)) {
                return p.problem;
            }
        }
        throw new AssertionError("no problem reported for " + locationPart + " in " + inv.problems.stream().map(p -> p.location + ": " + p.problem).toList());
    }

    @Test
    void brokenArchivesAndClassFilesAreReportedAndTheScanFinishes() throws Exception {
        Path classes = supportClasses();
        byte[] good = Files.readAllBytes(classes.resolve("com/acme/support/RefundTools.class"));

        Path notAZip = Files.write(work.resolve("garbage.jar"), "this is not a jar at all".getBytes());

        // a real jar cut in half: no central directory; the local entries before the cut are still read
        Path whole = TestApps.jar(work.resolve("whole.jar"), Map.of("com/acme/support/RefundTools.class", good, "pad.bin", new byte[200_000]));
        byte[] bytes = Files.readAllBytes(whole);
        Path truncated = Files.write(work.resolve("truncated.jar"), java.util.Arrays.copyOf(bytes, bytes.length - 1000));

        // a class file from a JDK newer than ASM reads (major version 99), and one that is garbage after the magic
        byte[] future = good.clone();
        future[6] = 0;
        future[7] = 99;
        byte[] mangled = good.clone();
        for (int i = 10; i < mangled.length; i++) {
            mangled[i] = (byte) 0xff;
        }
        Path odd = TestApps.jar(work.resolve("odd.jar"), new LinkedHashMap<>(Map.of("com/future/Future.class", future, "com/bad/Bad.class", mangled)));

        Inventory inv = new StaticScanner().scan(List.of(notAZip, truncated, odd, classes));

        assertEquals("not a zip archive (corrupt or truncated jar); skipped", problemAt(inv, "garbage.jar"));
        assertTrue(problemAt(inv, "truncated.jar").startsWith("unreadable zip directory"));
        assertEquals("class file version 99 (Java 55) is newer than this scanner reads; skipped", problemAt(inv, "com/future/Future.class"));
        assertTrue(problemAt(inv, "com/bad/Bad.class").startsWith("malformed class file"));
        // the good application classes were all read
        assertEquals(5, inv.tools.size());
        assertTrue(inv.stats.skipped >= 3);
    }

    @Test
    void zipBombsAreBoundedNotInflated() throws Exception {
        // 64 MiB of zeros deflates to ~64 KiB; declared as a class file and as a nested jar
        byte[] zeros = new byte[64 << 20];
        Path bomb = work.resolve("bomb.jar");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(bomb))) {
            z.putNextEntry(new ZipEntry("com/bomb/Big.class"));
            z.write(zeros);
            z.closeEntry();
            z.putNextEntry(new ZipEntry("BOOT-INF/lib/big.jar"));
            z.write(zeros);
            z.closeEntry();
        }
        assertTrue(Files.size(bomb) < 1 << 20);
        // archives nested six deep, deeper than the limit of four
        byte[] inner = zipOf("Deep.class", new byte[] {1});
        for (int i = 0; i < 6; i++) {
            inner = zipOf("level" + i + ".jar", inner);
        }
        Path deep = Files.write(work.resolve("deep.jar"), inner);

        StaticScanner.Options o = new StaticScanner.Options();
        o.limits = ScanLimits.DEFAULT.withMaxClassBytes(1 << 20).withMaxNestedArchiveBytes(8 << 20);
        Inventory inv = new StaticScanner(o).scan(List.of(bomb, deep, supportClasses()));

        assertEquals("class file inflates beyond 1048576 bytes (possible zip bomb); skipped", problemAt(inv, "com/bomb/Big.class"));
        assertEquals("nested archive inflates beyond 8388608 bytes (possible zip bomb); skipped", problemAt(inv, "BOOT-INF/lib/big.jar"));
        assertEquals("archive nested deeper than 4 levels; skipped", problemAt(inv, "level1.jar"));
        assertEquals(5, inv.tools.size());
    }

    @Test
    void totalInflationPerInputIsCapped() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < 8; i++) {
            entries.put("com/many/C" + i + ".class", new byte[900_000]);
        }
        Path many = TestApps.jar(work.resolve("many.jar"), entries);
        StaticScanner.Options o = new StaticScanner.Options();
        o.threads = 1;
        o.limits = ScanLimits.DEFAULT.withMaxInflatedPerInput(3_000_000);
        Inventory inv = new StaticScanner(o).scan(List.of(many));
        long capped = inv.problems.stream().filter(p -> p.problem.startsWith("input inflates beyond 3000000 bytes in total")).count();
        assertTrue(capped >= 5, () -> inv.problems.stream().map(p -> p.problem).toList().toString());
    }

    @Test
    void unreadableAndMissingFilesAreReported() throws Exception {
        Path locked = Files.write(work.resolve("locked.jar"), new byte[] {'P', 'K', 3, 4});
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        // root reads any file whatever its mode: then use a file the kernel itself refuses to read
        Path unreadable = Files.isReadable(locked) ? Path.of("/proc/self/mem") : locked;
        Path missing = work.resolve("missing.jar");
        Inventory inv = new StaticScanner().scan(List.of(unreadable, missing, supportClasses()));
        assertTrue(problemAt(inv, unreadable.toString()).startsWith("cannot read"), () -> problemAt(inv, unreadable.toString()));
        assertEquals("no such file or directory", problemAt(inv, "missing.jar"));
        assertEquals(5, inv.tools.size());
    }

    private static byte[] zipOf(String name, byte[] content) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry(name));
            z.write(content);
            z.closeEntry();
        }
        return out.toByteArray();
    }

    @Test
    void unparseableConfigurationIsReported() throws Exception {
        Path dir = Files.createDirectories(work.resolve("cfg"));
        Files.writeString(dir.resolve("application.yml"), "spring: [unclosed\n  url: : :\n");
        Files.writeString(dir.resolve("application.properties"), "payments.url=https://pay.example.org/api\n");
        Inventory inv = new StaticScanner().scan(List.of(dir));
        assertTrue(problemAt(inv, "application.yml").startsWith("unreadable configuration"));
        assertEquals(List.of("host:pay.example.org"), inv.hosts.stream().map(h -> h.id).toList());
        assertTrue(new ArrayList<>(inv.problems).size() == 1);
    }
}
