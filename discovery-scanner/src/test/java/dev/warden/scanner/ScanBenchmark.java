package dev.warden.scanner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Not a unit test: the "200 MB fat jar in 30 s" measurement (benchmarks/RESULTS.md, "Discovery
 * scanner"). Builds a Spring Boot fat jar of about {@code SIZE_MB} from the real framework jars in
 * target/scan-fixtures (each copied under a new name until the size is reached, so every copy is
 * inflated and parsed again) plus the compiled support app, then scans it {@code RUNS} times in
 * this JVM and prints each time and the median. A third argument {@code all-code} reads every
 * class as application code (the worst case: full method analysis of all 40 000 classes).
 *
 * <p>Run: {@code mvn -o test-compile} then
 * {@code java -cp target/test-classes:target/classes:$(cat target/cp.txt) dev.warden.scanner.ScanBenchmark [SIZE_MB] [RUNS]}.
 */
public final class ScanBenchmark {
    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("warden-scan-bench");
        try {
            run(work, args);
        } finally {
            // the copies take about twice the jar's size: never leave them behind
            try (java.util.stream.Stream<Path> s = Files.walk(work)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void run(Path work, String[] args) throws Exception {
        int sizeMb = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        List<Path> real = new ArrayList<>(TestApps.jars("langchain4j"));
        real.addAll(TestApps.jars("spring-ai-mcp"));
        Path classes = TestApps.compile(work.resolve("app"), TestApps.SUPPORT_APP, TestApps.jars("langchain4j"));
        List<Path> libs = new ArrayList<>();
        long total = 0;
        for (int copy = 0; total < (long) sizeMb << 20; copy++) {
            for (Path j : real) {
                Path c = work.resolve("lib").resolve(copy + "-" + j.getFileName());
                Files.createDirectories(c.getParent());
                Files.copy(j, c);
                libs.add(c);
                total += Files.size(c);
                if (total >= (long) sizeMb << 20) {
                    break;
                }
            }
        }
        Path fat = TestApps.fatJar(work.resolve("big-app.jar"), classes, libs, Map.of());
        System.out.printf("fat jar: %s, %.1f MB, %d nested jars, %d cores%n", fat, Files.size(fat) / 1048576.0, libs.size(),
                Runtime.getRuntime().availableProcessors());
        boolean allCode = args.length > 2 && args[2].equals("all-code");
        long[] ms = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            StaticScanner.Options o = new StaticScanner.Options();
            o.allCode = allCode;
            Inventory inv = new StaticScanner(o).scan(List.of(fat));
            ms[i] = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("run %d: %d ms, %d classes, %d tools, %d problems%n", i + 1, ms[i], inv.stats.classes, inv.tools.size(), inv.problems.size());
        }
        long[] sorted = ms.clone();
        Arrays.sort(sorted);
        System.out.printf("median %d ms over %d runs (min %d, max %d)%s%n", sorted[runs / 2], runs, sorted[0], sorted[runs - 1], allCode ? ", every class read as application code" : "");
    }
}
