package dev.warden.bench.agent;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The same small application ({@link CrossCheckApp}) in forked JVMs with and without the agent,
 * several runs each: time from launch to {@code main} (agent start-up included), RSS at main and
 * after the work, the median of a loopback HTTP GET and of an H2 prepared query, and the process's
 * CPU while idle. Prints the medians over the runs, side by side.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.warden.bench.agent.AgentCrossCheck [runs] [agent jar]}.
 * Budgets (issue 3): start-up adds ≤ 500 ms to time-to-main; RSS grows ≤ 64 MB; idle background
 * threads < 1% of a core.
 */
public final class AgentCrossCheck {
    static final String POLICY = """
            version: 1
            name: cross-check
            default: allow
            rules:
              - id: egress-allowlist
                match: { kind: http, host: { not: ["127.0.0.1", "*.corp.example"] } }
                action: deny
              - id: no-ddl-on-customers
                match: { kind: sql, operation: DDL, tables: customers }
                action: deny
              - id: no-shell
                match: { kind: process, command: [sh, bash] }
                action: deny
            """;

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path agent = Path.of(args.length > 1 ? args[1] : "javaagent/target/warden-agent.jar");
        if (!Files.isRegularFile(agent)) {
            throw new IllegalArgumentException(agent + ": no agent jar (build it with mvn -pl javaagent -am package)");
        }
        Path dir = Files.createTempDirectory("warden-crosscheck");
        Path policy = Files.writeString(dir.resolve("policy.yaml"), POLICY);
        String classpath = System.getProperty("java.class.path");
        Map<String, List<Double>> without = new LinkedHashMap<>();
        Map<String, List<Double>> with = new LinkedHashMap<>();
        for (int i = 0; i < runs; i++) {
            collect(without, run(classpath, null, dir));
            collect(with, run(classpath, "-javaagent:" + agent.toAbsolutePath() + "=policy=" + policy + ",agent=cross-check,evidence=" + dir.resolve("evidence"), dir));
        }
        System.out.printf("%-22s %14s %14s %14s%n", "median of " + runs + " runs", "without agent", "with agent", "difference");
        for (String key : without.keySet()) {
            double a = median(without.get(key));
            double b = median(with.get(key));
            System.out.printf("%-22s %14.3f %14.3f %+14.3f%n", key, a, b, b - a);
        }
    }

    static void collect(Map<String, List<Double>> into, Map<String, Double> run) {
        run.forEach((k, v) -> into.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
    }

    static double median(List<Double> v) {
        double[] d = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(d);
        return d[d.length / 2];
    }

    static Map<String, Double> run(String classpath, String agentArg, Path dir) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (agentArg != null) {
            cmd.add(agentArg);
        }
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(CrossCheckApp.class.getName());
        cmd.add("1000");
        cmd.add("20000");
        cmd.add("10");
        File out = dir.resolve("out.txt").toFile();
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out).redirectError(dir.resolve("err.txt").toFile());
        long launched = System.currentTimeMillis();
        Process p = pb.start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("the application failed: " + Files.readString(dir.resolve("err.txt")));
        }
        Map<String, Double> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(out.toPath(), StandardCharsets.UTF_8)) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                String key = line.substring(0, colon);
                double value = Double.parseDouble(line.substring(colon + 2));
                if (key.equals("main-at")) {
                    m.put("time-to-main-ms", value - launched);
                } else if (key.endsWith("-ns")) {
                    m.put(key.replace("-ns", "-us"), value / 1000.0);
                } else if (key.endsWith("-kb")) {
                    m.put(key.replace("-kb", "-mb"), value / 1024.0);
                } else {
                    m.put(key, value);
                }
            }
        }
        return m;
    }
}
