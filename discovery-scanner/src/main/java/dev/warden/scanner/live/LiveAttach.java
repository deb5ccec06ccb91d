package dev.warden.scanner.live;

import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import dev.warden.rules.evidence.EvidenceRecord;
import dev.warden.scanner.Inventory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * {@code warden scan --attach PID}: loads the Warden agent into a running JVM in observe-only
 * mode ({@code mode=monitor} and a policy that allows everything: it never blocks), lets it
 * record for a window, then reads the evidence it wrote and merges it, as {@code live} items,
 * into an inventory ({@link LiveEvidence}).
 *
 * <p>The agent contract: {@code policy=FILE,agent=ID,evidence=DIR,mode=monitor}. The agent stays
 * loaded (in monitor mode) until the target JVM exits; the JDK cannot unload an agent. The
 * evidence is read by a reader function the caller supplies (the javaagent module's
 * {@code EvidenceQueueReader.readAll}), so this module does not depend on the agent.
 *
 * <p>One thread; {@link #observe} blocks for the window.
 */
public final class LiveAttach {
    /** The observe-only policy the agent is loaded with. */
    public static final String OBSERVE_POLICY = """
            # Written by `warden scan --attach`: observe only. Nothing is blocked; every action is recorded.
            version: 1
            name: warden-scan-observe
            default: allow
            mode: monitor
            rules: []
            """;

    private final Path agentJar;
    private final BiConsumer<Path, Consumer<EvidenceRecord>> evidenceReader;

    public LiveAttach(Path agentJar, BiConsumer<Path, Consumer<EvidenceRecord>> evidenceReader) {
        this.agentJar = agentJar;
        this.evidenceReader = evidenceReader;
    }

    /** True once the agent has created an evidence queue under {@code dir} (any depth up to three). */
    static boolean hasQueue(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> s = Files.walk(dir, 3)) {
            return s.anyMatch(p -> p.getFileName() != null && p.getFileName().toString().endsWith(".cq4t"));
        }
    }

    /** Fails with one readable sentence unless {@code pid} is a running process and the agent jar is there. */
    public void validate(String pid) throws IOException {
        if (!pid.matches("\\d{1,18}")) {
            throw new IOException("--attach needs a process id (see `warden scan --jvms`), not " + pid);
        }
        if (!ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false)) {
            throw new IOException("no running process " + pid + " (see `warden scan --jvms`)");
        }
        if (!Files.isRegularFile(agentJar)) {
            throw new IOException("the Warden agent jar is missing: " + agentJar + " (build it with: mvn -pl javaagent -am package, or give --agent-jar)");
        }
    }

    /** Loads the agent into {@code pid}, waits {@code window}, and merges what it recorded into {@code inv}. */
    public Inventory observe(String pid, Duration window, Path workDir, Inventory inv) throws IOException {
        validate(pid);
        Files.createDirectories(workDir);
        Path policy = workDir.resolve("observe-policy.yaml");
        Files.writeString(policy, OBSERVE_POLICY);
        Path evidence = workDir.resolve("evidence");
        Files.createDirectories(evidence);
        String agentId = "scan-" + pid;
        String args = "policy=" + policy.toAbsolutePath() + ",agent=" + agentId + ",evidence=" + evidence.toAbsolutePath() + ",mode=monitor";
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(pid);
        } catch (AttachNotSupportedException e) {
            throw new IOException("cannot attach to JVM " + pid + ": " + e.getMessage() + " (is it running as this user, and a HotSpot JVM?)");
        }
        try {
            vm.loadAgent(agentJar.toAbsolutePath().toString(), args);
        } catch (AgentLoadException e) {
            throw new IOException("the agent did not start in JVM " + pid + ": " + e.getMessage());
        } catch (com.sun.tools.attach.AgentInitializationException e) {
            throw new IOException("the agent failed to initialise in JVM " + pid + " (return code " + e.returnValue() + "): " + e.getMessage());
        } finally {
            vm.detach();
        }
        Instant start = Instant.now();
        try {
            Thread.sleep(window.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!hasQueue(evidence)) {
            throw new IOException("the Warden agent wrote no evidence in JVM " + pid + " during " + window.toMillis() + " ms: it failed to start,"
                    + " or an agent was already loaded there (it stays until that JVM exits, writing where it was first told);"
                    + " the JVM's standard error says which");
        }
        LiveEvidence live = new LiveEvidence(inv);
        evidenceReader.accept(evidence, live::accept);
        inv.stats.windowMillis = window.toMillis();
        inv.stats.records = live.records();
        inv.stats.blocked = live.blocked();
        if (inv.generated == null) {
            inv.generated = start.truncatedTo(ChronoUnit.MILLIS).toString();
        }
        Inventory.Input in = new Inventory.Input();
        in.path = "pid:" + pid;
        in.kind = "live";
        inv.inputs.add(in);
        return inv;
    }
}
