package dev.warden.agent.runtime;

import dev.warden.agent.approval.ApprovalGate;
import dev.warden.agent.approval.FixedApprovals;
import dev.warden.agent.bootstrap.Bridge;
import dev.warden.agent.config.AgentConfig;
import dev.warden.agent.config.ConfigException;
import dev.warden.agent.control.ControlLink;
import dev.warden.agent.control.HeldOrders;
import dev.warden.agent.control.Libraries;
import dev.warden.agent.evidence.EvidenceException;
import dev.warden.agent.evidence.EvidenceKey;
import dev.warden.agent.evidence.EvidenceLog;
import dev.warden.agent.instrument.Hook;
import dev.warden.agent.instrument.HookRegistry;
import dev.warden.agent.instrument.HookTransformer;
import dev.warden.agent.policy.PolicyFile;
import dev.warden.agent.ship.CollectorApprovalGate;
import dev.warden.agent.ship.Shipper;
import dev.warden.rules.Policy;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

/**
 * Starts Warden inside the application (called once, from {@code bootstrap.Startup}, on the
 * thread running premain or agentmain): reads the configuration, opens the module system where
 * Warden and Chronicle need it, opens this instance's evidence queue, loads the policy, installs
 * the {@link Governor} behind the bridge, weaves the hooks (retransforming classes already
 * loaded), starts the housekeeper thread, and prints the one start-up line on stderr.
 *
 * <p>Nothing here stops the application: a bad argument, a missing or broken policy, or an
 * unwritable evidence directory prints one clear line and the failure mode applies
 * ({@code failure=closed}: every governed call is denied, and recorded when evidence can be
 * written; {@code failure=open}: calls go ahead).
 */
public final class AgentRuntime {
    private static volatile Governor governor;
    private static volatile HookTransformer transformer;

    private AgentRuntime() {
    }

    /** The running governor (tests, issue 4's tool hooks); null before start. */
    public static Governor governor() {
        return governor;
    }

    public static HookTransformer transformer() {
        return transformer;
    }

    public static void start(Instrumentation inst, String args, File jar, boolean attached) {
        ThreadState self = Governor.state();
        self.internal = true;
        try {
            startGoverning(inst, args);
        } finally {
            self.internal = false;
        }
    }

    private static long phase = System.nanoTime();

    /** With {@code -Dwarden.debug=true}: how long each start-up phase took. */
    private static void phase(String name) {
        long now = System.nanoTime();
        Log.debug("start-up: " + name + " " + (now - phase) / 1_000_000 + " ms");
        phase = now;
    }

    private static void startGoverning(Instrumentation inst, String args) {
        phase = System.nanoTime();
        Map<String, String> sysprops = systemProperties();
        Map<String, String> env = System.getenv();
        AgentConfig config;
        List<String> problems = new ArrayList<>();
        try {
            config = AgentConfig.parse(args, sysprops, env);
        } catch (ConfigException e) {
            problems.add("bad configuration: " + e.getMessage());
            AgentConfig.Failure failure = AgentConfig.failureModeOf(args, sysprops, env);
            try {
                config = AgentConfig.parse("failure=" + failure.name().toLowerCase(java.util.Locale.ROOT), Map.of(), Map.of());
            } catch (ConfigException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        boolean closed = config.failure == AgentConfig.Failure.CLOSED;
        phase("configuration");

        openModules(inst);
        phase("modules");

        String instance = UUID.randomUUID().toString();
        EvidenceLog log = null;
        EvidenceKey key = null;
        String evidenceProblem = null;
        try {
            log = EvidenceLog.open(config.evidence, config.agent, instance, Governor::markInternal);
            key = EvidenceKey.loadOrCreate(config.evidence);
        } catch (EvidenceException | IOException e) {
            evidenceProblem = e.getMessage();
            problems.add(evidenceProblem + (closed ? "; failure=closed denies every governed call" : "; failure=open lets calls go ahead unrecorded"));
            if (log != null) {
                log.close();
                log = null;
            }
        }

        phase("evidence");
        PolicyFile policyFile = config.policy == null ? null : new PolicyFile(config.policy);
        Policy policy;
        String policyProblem;
        if (policyFile == null) {
            policy = null;
            policyProblem = "no policy given (policy=FILE, -Dwarden.policy or WARDEN_POLICY)";
        } else {
            PolicyFile.Loaded loaded = policyFile.load();
            policy = loaded.policy();
            policyProblem = loaded.problem();
        }
        if (policy == null) {
            problems.add(policyProblem + (closed ? "; failure=closed denies every governed call until the policy loads"
                    : "; failure=open allows every governed call until the policy loads"));
            policy = closed ? Policy.denyAll(policyProblem) : Policy.allowAll(policyProblem);
        }

        phase("policy");
        // with collector=HOST:PORT this instance's queue (and the backlog of dead instances under
        // config.evidence) is shipped to the collector, which also answers approvals=collector
        // its thread starts at the end of premain (begin below): Aeron's and Chronicle's start-up then
        // overlap the application's start, not the agent's
        Shipper shipper = config.collector == null || log == null ? null : startShipper(config, instance, problems, log);
        if (shipper != null) {
            log.onDrained(shipper::wake); // records in the queue end the shipper's quiet park
        }
        ApprovalGate approvals = switch (config.approvals) {
            case ALLOW -> FixedApprovals.ALLOW;
            case DENY -> FixedApprovals.DENY;
            case COLLECTOR -> shipper != null ? new CollectorApprovalGate(shipper.approvals()) : FixedApprovals.UNREACHABLE;
        };
        Governor g = new Governor(config.agent, policy, log, evidenceProblem, key, approvals, closed, config.monitor);
        governor = g;
        // scope: agent budgets survive a restart: restored before the first call, saved beside the evidence
        dev.warden.agent.budget.BudgetStore.start(g.evaluator(), dev.warden.agent.budget.BudgetStore.fileFor(config.evidence, config.agent));
        try {
            g.principals = dev.warden.agent.principal.PrincipalSource.fromConfig(config.extra);
        } catch (IllegalArgumentException e) {
            problems.add("config=" + config.configFile + ": " + e.getMessage() + "; calls carry no principal");
        }
        g.event("agent-started", "agent " + config.agent + " (" + config + ")");
        if (policyProblem != null) {
            g.event("policy-refused", policyProblem);
        } else {
            g.event("policy-loaded", "loaded from " + config.policy);
        }
        // control plane (issue 9): pushed policy and kill orders held from before a restart apply before the first governed call
        HeldOrders held = heldOrders(config, g, problems);
        Bridge.dispatcher = g;
        Bridge.tools = new dev.warden.agent.tool.ToolGovernor(g);
        phase("governor");

        List<Hook> hooks = new ArrayList<>(HookRegistry.HOOKS);
        hooks.addAll(dev.warden.agent.tool.CustomTools.hooks(config.extra.get("tools"), problems)); // config=FILE tools: class#method
        Libraries libraries = new Libraries();
        if (shipper != null) {
            shipper.control(new ControlLink(config.agent, instance, config.heartbeatMillis, held, g, libraries, hooks));
        }
        HookTransformer t = new HookTransformer(hooks, AgentRuntime.class.getClassLoader(), config.verify);
        t.listener(libraries::woven);
        transformer = t;
        inst.addTransformer(t, true);
        phase("transformer");
        retransformLoaded(inst, t);
        phase("retransformation");

        if (policyFile != null) {
            policyFile.watch(g);
        }
        startHousekeeper(policyFile, log, g);

        for (String p : problems) {
            Log.line(p);
        }
        Policy active = g.policy();
        // a failsafe policy's name repeats the problem printed above: show only what it does
        String policyName = "failsafe".equals(active.source) && active.name.indexOf(" (") > 0
                ? active.name.substring(0, active.name.indexOf(" (")) + " (no valid policy)" : active.name;
        if (active.serial > 0) {
            policyName += " [pushed #" + active.serial + ", wins over the local file]";
        }
        for (dev.warden.rules.KillSwitch.Order k : g.evaluator().killSwitch().orders()) {
            policyName += " [kill-" + k.serial + " in force" + (k.tool == null ? "" : " for tool " + k.tool) + "]";
        }
        Log.line(version() + " governing agent " + config.agent + ": policy " + policyName + " (" + active.rules.size() + " rules, "
                + active.mode.label + (config.monitor ? " by mode=monitor" : "") + "), evidence "
                + (log != null ? log.dir() : "none") + ", hooks " + hookSummary() + ", failure=" + config.failure.name().toLowerCase(java.util.Locale.ROOT)
                + ", approvals=" + config.approvals.name().toLowerCase(java.util.Locale.ROOT));
        if (shipper != null) {
            shipper.begin();
            log.openPromptly();
        }
    }

    /**
     * The JDK modules whose classes carry hooks must read the bridge (the bootstrap loader's
     * unnamed module); Chronicle, in Warden's loader, needs deep access to NIO and reflection
     * internals. Only Warden's own module gets the opens; the application's modules are unchanged.
     */
    private static void openModules(Instrumentation inst) {
        Module bridge = Bridge.class.getModule();
        Module warden = AgentRuntime.class.getModule();
        ModuleLayer boot = ModuleLayer.boot();
        for (String name : List.of("java.base", "java.net.http", "jdk.httpserver")) {
            boot.findModule(name).ifPresent(m -> inst.redefineModule(m, Set.of(bridge), Map.of(), Map.of(), Set.of(), Map.of()));
        }
        // HTTP modify rewrites a JDK HttpClient hop's HttpRequestImpl (headers, URI)
        boot.findModule("java.net.http").ifPresent(m -> inst.redefineModule(m, Set.of(), Map.of(), Map.of("jdk.internal.net.http", Set.of(warden)), Set.of(), Map.of()));
        boot.findModule("java.base").ifPresent(base -> {
            Map<String, Set<Module>> opens = new LinkedHashMap<>();
            // java.net, sun.net.www(.protocol.http): HTTP modify rewrites an HttpURLConnection's headers and URL
            for (String pkg : List.of("java.lang", "java.lang.reflect", "java.io", "java.nio", "java.util", "sun.nio.ch",
                    "jdk.internal.misc", "jdk.internal.ref", "java.net", "sun.net.www", "sun.net.www.protocol.http")) {
                if (base.getPackages().contains(pkg)) {
                    opens.put(pkg, Set.of(warden));
                }
            }
            Map<String, Set<Module>> exports = new LinkedHashMap<>();
            for (String pkg : List.of("sun.nio.ch", "jdk.internal.misc", "jdk.internal.ref")) {
                if (base.getPackages().contains(pkg)) {
                    exports.put(pkg, Set.of(warden));
                }
            }
            inst.redefineModule(base, Set.of(), exports, opens, Set.of(), Map.of());
        });
    }

    /**
     * The orders this agent holds: reads {@code policy-key} (a bad key file is one line, and every
     * order is then refused) and restores the persisted policy and kill orders into {@code g}.
     */
    private static HeldOrders heldOrders(AgentConfig config, Governor g, List<String> problems) {
        java.security.PublicKey key = null;
        String keyProblem = null;
        if (config.policyKey == null) {
            keyProblem = "the agent was started without policy-key=FILE, so it cannot verify orders";
        } else {
            try {
                key = HeldOrders.readKey(config.policyKey);
            } catch (IOException e) {
                keyProblem = "policy-key=" + e.getMessage();
                problems.add(keyProblem + "; every control order (pushed policy, kill, resume) is refused");
            }
        }
        HeldOrders held = new HeldOrders(config.agent, key, keyProblem, config.evidence, g);
        if (key != null || java.nio.file.Files.exists(held.file())) {
            problems.addAll(held.restore());
        }
        return held;
    }

    /** Starts the evidence shipper (its own thread: the collector being down never reaches the caller) and stops it at exit. */
    private static Shipper startShipper(AgentConfig config, String instance, List<String> problems, EvidenceLog log) {
        try {
            Shipper s = Shipper.prepare(new Shipper.Settings(config.evidence, config.agent, instance, config.collector)
                    .aeronDir(System.getProperty("warden.aeron.dir")).threadSetup(Governor::markInternal));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    // move what is still staged into the queue, so the shipper's last round ships it
                    log.awaitWritten(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                s.close();
            }, "warden-shipper-stop"));
            return s;
        } catch (RuntimeException | LinkageError e) {
            problems.add("collector=" + config.collector + ": evidence cannot be shipped (" + e + "); it stays local under " + config.evidence);
            return null;
        }
    }

    private static void retransformLoaded(Instrumentation inst, HookTransformer t) {
        List<Class<?>> wanted = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            try {
                if (inst.isModifiableClass(c) && c.getClassLoader() != AgentRuntime.class.getClassLoader() && t.wants(c)) {
                    wanted.add(c);
                }
            } catch (Throwable ignored) {
                // a class whose hierarchy cannot be resolved is not one of ours to hook
            }
        }
        for (Class<?> c : wanted) {
            try {
                inst.retransformClasses(c);
            } catch (Throwable e) {
                Log.once("retransform:" + c.getName(), "could not instrument the already-loaded " + c.getName() + " (" + e + "); it runs ungoverned");
            }
        }
    }

    private static void startHousekeeper(PolicyFile policyFile, EvidenceLog log, Governor g) {
        Thread t = new Thread(() -> {
            Governor.markInternal();
            long tick = 0;
            while (true) {
                try {
                    Thread.sleep(250);
                    if (policyFile != null) {
                        policyFile.check();
                    }
                    if (++tick % 4 == 0) {
                        MicroClock.resync();
                        if (log != null) {
                            log.checkSpace();
                        }
                        g.sweepSessions();
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Throwable e) {
                    Log.once("housekeeper:" + e.getClass().getName(), "housekeeping failed (" + e + "); it keeps running");
                }
            }
        }, "warden-housekeeper");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    private static String hookSummary() {
        Map<String, List<String>> byFamily = new LinkedHashMap<>();
        for (Hook h : HookRegistry.HOOKS) {
            List<String> libs = byFamily.computeIfAbsent(h.family, k -> new ArrayList<>());
            if (!libs.contains(h.library)) {
                libs.add(h.library);
            }
        }
        StringBuilder sb = new StringBuilder();
        byFamily.forEach((family, libs) -> {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(family).append('(').append(String.join(",", libs)).append(')');
        });
        return sb.toString();
    }

    static String version() {
        Properties p = new Properties();
        try (InputStream in = AgentRuntime.class.getResourceAsStream("/dev/warden/agent/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException ignored) {
            // no version known
        }
        return "warden " + p.getProperty("version", "dev");
    }

    private static Map<String, String> systemProperties() {
        Map<String, String> out = new HashMap<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("warden.")) {
                out.put(name, System.getProperty(name));
            }
        }
        return out;
    }
}
