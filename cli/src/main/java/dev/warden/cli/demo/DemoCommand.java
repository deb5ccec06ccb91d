package dev.warden.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.warden.cli.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code warden demo}: all four functions on a believable agent, on loopback, in about a
 * minute. Scans the example agent (discovery), starts a collector, runs the LangChain4j refund
 * agent under the javaagent with {@code examples/policies/refund-agent.yaml} (policy and
 * enforcement), approves one escalation as a named approver through the approvals API and lets
 * another time out, prints each decision as the collector stores it, then exports the audit
 * trail (JSONL and OCSF) and verifies it (evidence). Every process it starts is stopped before
 * it returns, also on Ctrl-C.
 */
@Command(name = "demo", description = "Run the example refund agent under Warden: discovery, policy, enforcement, evidence.")
public final class DemoCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", description = "where the demo's files go (default ./demo-out)")
    Path out = Path.of("demo-out");

    @Option(names = "--spring", description = "run the Spring AI variant of the agent instead of the LangChain4j one")
    boolean spring;

    @Option(names = "--approver", description = "the approver's name (default alice)")
    String approver = "alice";

    private final List<Process> children = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private PrintWriter outw;

    @Override
    public Integer call() throws Exception {
        outw = spec.commandLine().getOut();
        Path home = Path.of(System.getenv().getOrDefault("WARDEN_HOME", System.getProperty("user.dir"))).toAbsolutePath();
        Path cliJar = home.resolve("cli/target/warden-cli.jar");
        Path agentJar = home.resolve("javaagent/target/warden-agent.jar");
        Path worldJar = home.resolve("examples/demo-world/target/demo-world.jar");
        Path appJar = home.resolve(spring ? "examples/refund-agent-spring/target/refund-agent-spring.jar" : "examples/refund-agent/target/refund-agent.jar");
        Path policy = home.resolve("examples/policies/refund-agent.yaml");
        for (Path p : List.of(cliJar, agentJar, worldJar, appJar, policy)) {
            if (!Files.isRegularFile(p)) {
                throw new Main.UserError("missing " + home.relativize(p) + ": build first (./warden builds what is missing, or mvn -B install -DskipTests)");
            }
        }
        Path run = out.toAbsolutePath().resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Path store = run.resolve("store");
        Path evidence = run.resolve("evidence");
        Files.createDirectories(store);
        Files.createDirectories(evidence);
        Thread cleanup = new Thread(this::stopAll, "warden-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        long started = System.nanoTime();
        try {
            return demo(home, cliJar, agentJar, worldJar, appJar, policy, run, store, evidence, started);
        } finally {
            stopAll();
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    private int demo(Path home, Path cliJar, Path agentJar, Path worldJar, Path appJar, Path policy, Path run, Path store,
                     Path evidence, long started) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        say("Warden demo: a customer-support agent (" + (spring ? "Spring AI" : "LangChain4j") + ") under runtime governance. Everything runs on loopback.");
        say("Files: " + run);
        say("");

        say("1. Discovery: what can this agent reach?");
        Path inventory = run.resolve("inventory.json");
        Path report = run.resolve("report.html");
        Proc scan = start(run, "scan", List.of(java, "-jar", cliJar.toString(), "scan", appJar.toString(), "--out", inventory.toString(), "--html", report.toString()));
        scan.await(120);
        summarizeInventory(inventory);
        say("");

        say("2. Policy: " + home.relativize(policy));
        Proc check = start(run, "policy-check", List.of(java, "-jar", cliJar.toString(), "policy", "check", policy.toString()));
        check.await(60);
        for (String line : check.lines()) {
            if (line.contains(": ok: ")) {
                say("   " + line.substring(line.indexOf(": ok: ") + 2));
            }
        }
        say("");

        int udp;
        try (DatagramSocket s = new DatagramSocket(0)) {
            udp = s.getLocalPort();
        }
        int httpPort;
        try (ServerSocket s = new ServerSocket(0)) {
            httpPort = s.getLocalPort();
        }
        String admin = token();
        String api = "http://127.0.0.1:" + httpPort;
        say("3. Evidence collector on 127.0.0.1:" + udp + " (UDP, Aeron), approvals API on " + api);
        start(run, "collector", List.of(java, "-jar", cliJar.toString(), "collector", "--listen", "127.0.0.1:" + udp, "--store", store.toString(),
                "--http", "127.0.0.1:" + httpPort, "--admin-token", admin, "--approver", approver));
        waitFor(() -> get(api + "/api/approvals", admin) != null, 60, "the collector did not start (see " + run.resolve("collector.log") + ")");
        String approverToken = readToken(store, approver);

        Proc world = start(run, "world", List.of(java, "-jar", worldJar.toString(), "--exit-on-eof"));
        JsonNode urls = JSON.readTree(world.firstLineWithin(60, "the demo world did not start (see " + run.resolve("world.log") + ")"));
        say("   the agent's world: scripted model " + urls.get("model_url").asText() + ", payments " + urls.get("payments_url").asText()
                + ", mail " + urls.get("mail_url").asText());
        say("");

        say("4. Enforcement: the agent works through seven tickets; each line is a decision as the collector stored it.");
        String agentArgs = "policy=" + policy + ",agent=refund-bot,evidence=" + evidence + ",collector=127.0.0.1:" + udp + ",approvals=collector";
        Proc agent = start(run, "agent", List.of(java, "-javaagent:" + agentJar + "=" + agentArgs, "-jar", appJar.toString(),
                "--model-url", urls.get("model_url").asText(), "--payments-url", urls.get("payments_url").asText(),
                "--mail-url", urls.get("mail_url").asText()));
        String cursor = null;
        Set<String> seenApprovals = new HashSet<>();
        Set<String> printed = new HashSet<>();
        boolean approvedOne = false;
        Map<String, Integer> counts = new LinkedHashMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        long quietSince = -1;
        while (System.nanoTime() < deadline) {
            JsonNode pending = get(api + "/api/approvals", admin);
            if (pending != null) {
                for (JsonNode p : pending.path("approvals")) {
                    String id = p.path("id").asText();
                    if (!seenApprovals.add(id)) {
                        continue;
                    }
                    String summary = p.path("summary").asText();
                    if (!approvedOne && summary.contains("issueRefund") && summary.matches(".*\\b600(\\.0+)?\\b.*")) {
                        JsonNode r = post(api + "/api/approvals/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/approve?as=" + approver, approverToken);
                        approvedOne = r != null;
                        say("      approval requested: " + summary);
                        say("      -> approved by " + approver + (r == null ? " FAILED" : ""));
                    } else {
                        say("      approval requested: " + summary);
                        say("      -> nobody answers; the rule's timeout decides");
                    }
                }
            }
            JsonNode page = get(api + "/api/evidence?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor), admin);
            boolean fresh = false;
            if (page != null) {
                for (JsonNode r : page.path("records")) {
                    if (!"decision".equals(r.path("type").asText()) || !printed.add(r.path("id").asText())) {
                        continue;
                    }
                    fresh = true;
                    printDecision(r);
                    counts.merge(r.path("decision").asText(), 1, Integer::sum);
                }
                if (!page.path("next").isNull() && !page.path("next").isMissingNode()) {
                    cursor = page.path("next").asText();
                }
            }
            if (!agent.process.isAlive()) {
                if (fresh || quietSince < 0) {
                    quietSince = System.nanoTime();
                } else if (System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(3)) {
                    break;
                }
            }
            Thread.sleep(200);
        }
        int agentExit = agent.process.isAlive() ? -1 : agent.process.exitValue();
        say("   the agent " + (agentExit == 0 ? "finished its tickets" : agentExit < 0 ? "did not finish in time" : "exited with " + agentExit)
                + " (its transcript: " + run.resolve("agent.log") + ")");
        say("   decisions: " + counts);
        say("");

        say("5. Evidence: export the audit trail and verify it.");
        Path jsonl = run.resolve("audit-trail.jsonl");
        Path ocsf = run.resolve("audit-trail.ocsf.json");
        stopCollector();
        Proc exportJsonl = startTo(run, "export-jsonl", jsonl, List.of(java, "-jar", cliJar.toString(), "audit", "export", "--store", store.toString(), "--format", "jsonl"));
        exportJsonl.await(120);
        Proc exportOcsf = startTo(run, "export-ocsf", ocsf, List.of(java, "-jar", cliJar.toString(), "audit", "export", "--store", store.toString(), "--format", "ocsf"));
        exportOcsf.await(120);
        Proc verify = start(run, "verify", List.of(java, "-jar", cliJar.toString(), "audit", "verify", "--store", store.toString()));
        int verified = verify.await(120);
        for (String line : verify.lines()) {
            say("   " + line);
        }
        say("");
        say("Files:");
        say("   inventory       " + inventory);
        say("   report          " + report);
        say("   audit trail     " + jsonl + " (" + lines(jsonl) + " records)");
        say("   OCSF            " + ocsf);
        say("   audit store     " + store + " (public key: " + store.resolve("signing-public.pem") + ")");
        say("   local evidence  " + evidence + "  (./warden evidence tail " + evidence + ")");
        say(String.format("Done in %.1f s.", (System.nanoTime() - started) / 1e9));
        return verified == 0 && agentExit == 0 && exportJsonl.process.exitValue() == 0 ? 0 : 1;
    }

    private void printDecision(JsonNode r) {
        String kind = r.path("kind").asText();
        String target = r.path("target").asText();
        String parent = r.path("parent").asText("");
        List<String> rules = new ArrayList<>();
        r.path("rules").forEach(x -> rules.add(x.asText()));
        String decision = r.path("decision").asText();
        JsonNode approval = r.path("approval");
        if (!approval.isMissingNode() && approval.has("decision")) {
            decision = decision + " (" + approval.path("decision").asText() + (approval.has("approver") ? " by " + approval.path("approver").asText() : "") + ")";
        }
        String would = r.path("would_decide").asText("");
        if (!would.isEmpty() && !would.equals(r.path("decision").asText())) {
            decision = decision + " (monitor: would " + would + ")";
        }
        String what = kind + " " + target + (parent.isEmpty() || "tool".equals(kind) ? "" : "  [in " + parent + "]");
        if (what.length() > 70) {
            what = what.substring(0, 67) + "...";
        }
        say(String.format("   %-10s %-70s %-22s %s", r.path("agent").asText(), what, decision, String.join(", ", rules)));
    }

    private void summarizeInventory(Path inventory) {
        try {
            JsonNode inv = JSON.readTree(inventory.toFile());
            List<String> tools = new ArrayList<>();
            inv.path("tools").forEach(t -> tools.add(t.path("name").asText() + " (risk " + t.path("risk").path("score").asText("?") + ")"));
            List<String> hosts = new ArrayList<>();
            inv.path("hosts").forEach(h -> hosts.add(h.path("host").asText(h.path("id").asText())));
            List<String> tables = new ArrayList<>();
            inv.path("tables").forEach(t -> tables.add(t.path("name").asText(t.path("id").asText())));
            List<String> frameworks = new ArrayList<>();
            inv.path("frameworks").forEach(f -> frameworks.add(f.path("name").asText() + " " + f.path("version").asText("")));
            say("   frameworks: " + String.join(", ", frameworks));
            say("   tools:      " + String.join(", ", tools));
            say("   hosts:      " + (hosts.isEmpty() ? "(none constant)" : String.join(", ", hosts)));
            say("   tables:     " + (tables.isEmpty() ? "(none constant)" : String.join(", ", tables)));
            for (JsonNode d : inv.path("dynamic")) {
                String hint = d.path("hints").isArray() && d.path("hints").size() > 0 ? d.path("hints").get(0).asText() : d.path("site").asText();
                say("   run-time " + d.path("kind").asText() + ": " + hint);
            }
            say("   full inventory: " + inventory + ", report: " + inventory.resolveSibling("report.html"));
        } catch (IOException e) {
            say("   (no inventory: " + e.getMessage() + ")");
        }
    }

    // ------------------------------------------------------------------ processes

    private final class Proc {
        final Process process;
        final Path log;

        Proc(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        int await(int seconds) throws Exception {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new Main.UserError("timed out after " + seconds + " s: see " + log);
            }
            return process.exitValue();
        }

        List<String> lines() throws IOException {
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        }

        String firstLineWithin(int seconds, String failure) throws Exception {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end) {
                for (String l : lines()) {
                    if (l.startsWith("{")) {
                        return l;
                    }
                }
                if (!process.isAlive()) {
                    break;
                }
                Thread.sleep(100);
            }
            throw new Main.UserError(failure);
        }
    }

    private Proc start(Path run, String name, List<String> cmd) throws IOException {
        Path log = run.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("WARDEN_NO_BUILD", "1");
        Process p = pb.start();
        children.add(p);
        return new Proc(p, log);
    }

    private Proc startTo(Path run, String name, Path stdout, List<String> cmd) throws IOException {
        Path log = run.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(log.toFile());
        Process p = pb.start();
        children.add(p);
        return new Proc(p, log);
    }

    /** Stops the collector gracefully (it flushes its store and writes a final checkpoint). */
    private void stopCollector() throws InterruptedException {
        for (Process p : children) {
            if (p.info().commandLine().orElse("").contains(" collector ") && p.isAlive()) {
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    private void stopAll() {
        for (Process p : children) {
            if (p.isAlive()) {
                try {
                    p.getOutputStream().close();
                } catch (IOException ignored) {
                    // closing stdin tells the world process to exit
                }
                p.destroy();
            }
        }
        for (Process p : children) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private JsonNode get(String url, String token) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private JsonNode post(String url, String token) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                say("      (approvals API answered " + r.statusCode() + ": " + r.body() + ")");
                return null;
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(Check c, int seconds, String failure) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (c.ok()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new Main.UserError(failure);
    }

    private static String readToken(Path store, String name) throws IOException {
        for (String line : Files.readAllLines(store.resolve("http-tokens"), StandardCharsets.UTF_8)) {
            String[] p = line.trim().split("\\s+");
            if (p.length == 2 && p[0].equals(name)) {
                return p[1];
            }
        }
        throw new Main.UserError("the collector made no token for approver " + name);
    }

    private static String token() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }

    private static long lines(Path p) {
        try (BufferedReader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
            return r.lines().count();
        } catch (IOException e) {
            return 0;
        }
    }

    private void say(String s) {
        outw.println(s);
        outw.flush();
    }

}
