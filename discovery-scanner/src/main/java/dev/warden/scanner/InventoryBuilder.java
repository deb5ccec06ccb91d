package dev.warden.scanner;

import dev.warden.scanner.Inventory.Location;
import dev.warden.scanner.StaticScanner.Collected;
import dev.warden.scanner.StaticScanner.ConfigFile;
import dev.warden.scanner.StaticScanner.ContainerInfo;
import dev.warden.scanner.bytecode.Facts.ClassFacts;
import dev.warden.scanner.bytecode.Facts.Fact;
import dev.warden.scanner.bytecode.Facts.FactKind;
import dev.warden.scanner.bytecode.Facts.MethodFacts;
import dev.warden.scanner.bytecode.Facts.Param;
import dev.warden.scanner.bytecode.Facts.RegFact;
import dev.warden.scanner.bytecode.Facts.ToolDecl;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what the walk collected into the {@link Inventory}: frameworks and libraries with their
 * versions, tools (annotated methods, tool executor/callback implementations, MCP and function
 * registrations), agents and the tools bound to them, the systems the application reaches
 * (from constants in code and configuration), and, through the intra-application call graph,
 * which tool reaches which system. Finally scores the risk of every tool and agent.
 *
 * <p>The call graph: an edge for every call, lambda and method reference from one application
 * method to another; a virtual call also reaches the overriding methods of application
 * subclasses. Calls into libraries end the walk (their call sites are sinks or nothing). A tool
 * reaches a system when a method within {@code callDepth} calls of the tool's method holds the
 * constant (URL, SQL, JDBC URL, command) or the sink call, or reads a field initialised with it.
 * A sink whose destination no method on the way holds reaches a run-time destination
 * ({@link Inventory.Dynamic}) with a hint of what the path shows (URL fields, path templates, the
 * tool's URL or SQL parameters).
 *
 * <p>Single use, one thread.
 */
final class InventoryBuilder {
    private final Collected in;
    private final int callDepth;
    private final Inventory inv = new Inventory();

    private final Map<String, MethodFacts> methods = new HashMap<>();
    private final Map<String, List<String>> subtypes = new HashMap<>();
    private final Map<String, String> config = new LinkedHashMap<>();
    private final Set<String> referencedTypes = new HashSet<>();

    private final Map<String, Inventory.Host> hosts = new LinkedHashMap<>();
    private final Map<String, Inventory.Database> databases = new LinkedHashMap<>();
    private final Map<String, Inventory.Table> tables = new LinkedHashMap<>();
    private final Map<String, Inventory.ProcessCommand> processes = new LinkedHashMap<>();
    private final Map<String, Inventory.FileTarget> files = new LinkedHashMap<>();
    private final Map<String, Inventory.McpServer> mcpServers = new LinkedHashMap<>();
    private final Map<String, Inventory.Dynamic> dynamics = new LinkedHashMap<>();
    private final Map<String, Inventory.Tool> tools = new LinkedHashMap<>();
    private final Map<String, Inventory.Agent> agents = new LinkedHashMap<>();
    /** Tool id to the methods that run it. */
    private final Map<String, List<String>> toolEntries = new LinkedHashMap<>();
    private final Map<String, ConstantSql.Parsed> sqlCache = new HashMap<>();

    InventoryBuilder(Collected in, int callDepth) {
        this.in = in;
        this.callDepth = callDepth;
    }

    Inventory build() {
        indexCode();
        readConfig();
        frameworksAndLibraries();
        systemsFromCode();
        toolsFromAnnotations();
        toolsFromImplementations();
        toolsFromRegistrations();
        agents();
        reach();
        for (Inventory.Tool t : tools.values()) {
            t.risk = Risk.ofTool(t, inv, this::item);
        }
        for (Inventory.Agent a : agents.values()) {
            a.risk = Risk.ofAgent(a, tools);
        }
        inv.hosts.addAll(sorted(hosts));
        inv.databases.addAll(sorted(databases));
        inv.tables.addAll(sorted(tables));
        inv.processes.addAll(sorted(processes));
        inv.files.addAll(sorted(files));
        inv.mcpServers.addAll(sorted(mcpServers));
        inv.dynamic.addAll(sorted(dynamics));
        inv.tools.addAll(sorted(tools));
        inv.agents.addAll(sorted(agents));
        List<Inventory.Problem> problems = new ArrayList<>(in.problems);
        problems.sort(Comparator.comparing((Inventory.Problem p) -> p.location));
        inv.problems.addAll(problems);
        return inv;
    }

    private static <T extends Inventory.Item> List<T> sorted(Map<String, T> m) {
        List<T> l = new ArrayList<>(m.values());
        l.sort(Comparator.comparing(i -> i.id));
        return l;
    }

    // ------------------------------------------------------------------ index

    private void indexCode() {
        for (ClassFacts cf : in.classes.values()) {
            for (String sup : supertypes(cf)) {
                subtypes.computeIfAbsent(sup, k -> new ArrayList<>()).add(cf.name);
            }
            if (cf.library) {
                continue;
            }
            for (MethodFacts mf : cf.methods.values()) {
                methods.put(mf.key(), mf);
                for (String call : mf.calls) {
                    referencedTypes.add(call.substring(0, call.indexOf('.')));
                }
                referencedTypes.addAll(mf.instantiated);
                for (RegFact r : mf.registrations) {
                    referencedTypes.addAll(r.types());
                }
            }
        }
    }

    private List<String> supertypes(ClassFacts cf) {
        List<String> out = new ArrayList<>();
        if (cf.superName != null) {
            out.add(cf.superName);
        }
        out.addAll(cf.interfaces);
        return out;
    }

    /** True when {@code type} is {@code target} or a subtype of it, as far as the scanned classes tell. */
    private boolean isSubtype(String type, String target, int depth) {
        if (type == null || depth > 40) {
            return false;
        }
        if (type.equals(target)) {
            return true;
        }
        ClassFacts cf = in.classes.get(type);
        if (cf == null) {
            return false;
        }
        for (String s : supertypes(cf)) {
            if (isSubtype(s, target, depth + 1)) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ configuration

    private boolean isLibraryContainer(String location) {
        ContainerInfo ci = in.containers.get(location);
        return ci != null && ci.container.nested() && ci.classes.get() > 0 && ci.appClasses.get() == 0;
    }

    private void readConfig() {
        List<ConfigFile> list = new ArrayList<>(in.configs);
        list.sort(Comparator.comparing((ConfigFile c) -> c.container().location()).thenComparing(ConfigFile::entry));
        for (ConfigFile cfg : list) {
            if (isLibraryContainer(cfg.container().location())) {
                continue;
            }
            Map<String, String> flat;
            try {
                flat = ConfigFiles.flatten(cfg.entry(), cfg.bytes());
            } catch (java.io.IOException | RuntimeException e) {
                in.problems.add(new Inventory.Problem(cfg.container().location() + "!/" + cfg.entry(), "unreadable configuration: " + e.getMessage()));
                continue;
            }
            String artifact = cfg.container().location();
            for (Map.Entry<String, String> e : flat.entrySet()) {
                config.putIfAbsent(e.getKey(), e.getValue());
                String v = e.getValue() == null ? "" : e.getValue().strip();
                Location loc = Location.config(artifact, cfg.entry(), e.getKey());
                if (v.startsWith("jdbc:")) {
                    database(v, loc);
                } else if (v.matches("(?i)^(https?|wss?)://\\S+$")) {
                    host(v, loc, null);
                }
            }
            for (ConfigFiles.McpConfig m : ConfigFiles.mcpServers(flat)) {
                mcpServer(m.name(), m.transport(), m.url(), m.command(), m.args(), Location.config(artifact, cfg.entry(), m.key()));
            }
        }
    }

    // ------------------------------------------------------------------ frameworks and libraries

    private void frameworksAndLibraries() {
        Map<String, Inventory.Framework> fws = new LinkedHashMap<>();
        Map<String, Inventory.Library> libs = new LinkedHashMap<>();
        List<ContainerInfo> containers = new ArrayList<>(in.containers.values());
        containers.sort(Comparator.comparing(c -> c.container.location()));
        for (ContainerInfo ci : containers) {
            List<String[]> poms;
            synchronized (ci.poms) {
                poms = new ArrayList<>(ci.poms);
            }
            for (String[] pom : poms) {
                String ga = pom[0] + ":" + pom[1];
                for (Catalog.FrameworkSpec fs : Catalog.FRAMEWORKS) {
                    if (fs.artifacts().contains(ga)) {
                        framework(fws, fs, pom[2], ga, ci.container.location());
                    }
                }
                for (Catalog.LibrarySpec ls : Catalog.LIBRARIES) {
                    if (ls.artifacts().contains(ga)) {
                        library(libs, ls, pom[2], ga, ci);
                    }
                }
            }
            synchronized (ci.driverClasses) {
                if (!ci.driverClasses.isEmpty()) {
                    Catalog.LibrarySpec spec = null;
                    for (Catalog.LibrarySpec ls : Catalog.LIBRARIES) {
                        if (ls.category().equals(Catalog.JDBC_DRIVER) && ci.driverClasses.stream().anyMatch(d -> d.replace('.', '/').startsWith(ls.packagePrefix()))) {
                            spec = ls;
                        }
                    }
                    if (spec == null) {
                        String d = ci.driverClasses.get(0);
                        spec = new Catalog.LibrarySpec(d, Catalog.JDBC_DRIVER, d, List.of(), d, true);
                    }
                    String version = versionOf(ci, spec.packagePrefix());
                    Inventory.Library l = library(libs, spec, version, poms.isEmpty() ? null : poms.get(0)[0] + ":" + poms.get(0)[1], ci);
                    for (String d : ci.driverClasses) {
                        if (!l.driverClasses.contains(d)) {
                            l.driverClasses.add(d);
                        }
                    }
                }
            }
        }
        // frameworks and libraries present only as packages (shaded, or a classes directory with the jars elsewhere)
        Map<String, String> packageContainers = new HashMap<>();
        for (ClassFacts cf : in.classes.values()) {
            for (Catalog.FrameworkSpec fs : Catalog.FRAMEWORKS) {
                if (cf.name.startsWith(fs.packagePrefix())) {
                    packageContainers.putIfAbsent("fw:" + fs.id(), cf.container);
                }
            }
            for (Catalog.LibrarySpec ls : Catalog.LIBRARIES) {
                if (cf.name.startsWith(ls.packagePrefix())) {
                    packageContainers.putIfAbsent("lib:" + ls.id(), cf.container);
                }
            }
        }
        for (String t : referencedTypes) {
            for (Catalog.FrameworkSpec fs : Catalog.FRAMEWORKS) {
                if (t.startsWith(fs.packagePrefix())) {
                    packageContainers.putIfAbsent("fw:" + fs.id(), "(referenced by the application)");
                }
            }
        }
        for (Catalog.FrameworkSpec fs : Catalog.FRAMEWORKS) {
            String c = packageContainers.get("fw:" + fs.id());
            if (c != null && !fws.containsKey(fs.id())) {
                ContainerInfo ci = in.containers.get(c);
                framework(fws, fs, ci == null ? null : versionOf(ci, fs.packagePrefix()), null, c);
            }
        }
        for (Catalog.LibrarySpec ls : Catalog.LIBRARIES) {
            String c = packageContainers.get("lib:" + ls.id());
            if (c != null && !libs.containsKey(ls.id())) {
                ContainerInfo ci = in.containers.get(c);
                library(libs, ls, ci == null ? null : versionOf(ci, ls.packagePrefix()), null, ci);
            }
        }
        inv.frameworks.addAll(fws.values());
        inv.libraries.addAll(libs.values());
    }

    private static final Pattern FILE_VERSION = Pattern.compile("-(\\d+(?:\\.\\d+)*(?:[.-][A-Za-z0-9]+)*)\\.(?:jar|war)$");

    /** Version from the manifest (when the jar's classes are the library's) or the file name. */
    private String versionOf(ContainerInfo ci, String packagePrefix) {
        String v = ci.manifest.get("Implementation-Version");
        if (v == null) {
            v = ci.manifest.get("Bundle-Version");
        }
        if (v != null) {
            return v;
        }
        Matcher m = FILE_VERSION.matcher(ci.container.fileName());
        return m.find() ? m.group(1) : null;
    }

    private void framework(Map<String, Inventory.Framework> fws, Catalog.FrameworkSpec fs, String version, String ga, String location) {
        Inventory.Framework f = fws.get(fs.id());
        if (f == null) {
            f = new Inventory.Framework();
            f.id = "framework:" + fs.id();
            f.name = fs.name();
            fws.put(fs.id(), f);
        }
        if (f.version == null && version != null) {
            f.version = version;
            f.artifact = ga;
        } else if (f.artifact == null && ga != null) {
            f.artifact = ga;
        }
        Location loc = new Location();
        loc.artifact = location;
        if (f.locations.stream().noneMatch(l -> location.equals(l.artifact))) {
            f.locations.add(loc);
        }
        if (fs.governance().equals("io-only")) {
            f.governed = "io-only";
            f.governance = "Warden does not hook " + fs.name() + " tool calls as tools; the HTTP, SQL and process calls it makes are governed";
        } else if (f.version == null) {
            f.governed = "tools";
            f.governance = "version unknown; Warden hooks " + fs.name() + " " + range(fs) + " tool calls";
        } else if (Versions.inRange(f.version, fs.governedFrom(), fs.governedBefore())) {
            f.governed = "tools";
            f.governance = "Warden hooks " + fs.name() + " " + range(fs) + " tool calls; " + f.version + " is in range";
        } else {
            f.governed = "no";
            f.governance = fs.name() + " " + f.version + " is outside the hooked range " + range(fs)
                    + ": its tool calls are not governed as tools (the HTTP, SQL and process calls beneath them are)";
        }
    }

    private static String range(Catalog.FrameworkSpec fs) {
        return (fs.governedFrom() == null ? "" : ">= " + fs.governedFrom()) + (fs.governedBefore() == null ? "" : " and < " + fs.governedBefore());
    }

    private Inventory.Library library(Map<String, Inventory.Library> libs, Catalog.LibrarySpec ls, String version, String ga, ContainerInfo ci) {
        Inventory.Library l = libs.get(ls.id());
        if (l == null) {
            l = new Inventory.Library();
            l.id = "library:" + ls.id();
            l.category = ls.category();
            l.name = ls.name();
            l.governed = ls.governed();
            libs.put(ls.id(), l);
        }
        if (l.version == null) {
            l.version = version;
        }
        if (l.artifact == null) {
            l.artifact = ga;
        }
        if (ci != null) {
            String location = ci.container.location();
            if (l.locations.stream().noneMatch(x -> location.equals(x.artifact))) {
                Location loc = new Location();
                loc.artifact = location;
                l.locations.add(loc);
            }
        }
        return l;
    }

    // ------------------------------------------------------------------ systems in code

    private Location loc(MethodFacts mf, int line) {
        ClassFacts cf = in.classes.get(mf.owner);
        return Location.code(cf == null ? null : cf.container, mf.owner.replace('/', '.'), mf.name, cf == null ? null : cf.sourceFile, line);
    }

    /** Every system named in application code, whether or not a tool reaches it. */
    private void systemsFromCode() {
        List<MethodFacts> all = new ArrayList<>(methods.values());
        all.sort(Comparator.comparing(MethodFacts::key));
        for (MethodFacts mf : all) {
            Set<String> clients = new LinkedHashSet<>();
            for (Fact f : mf.facts) {
                if (f.kind() == FactKind.HTTP_CALL) {
                    clients.add(f.client());
                }
            }
            for (Fact f : mf.facts) {
                systemOf(mf, f, clients);
            }
            for (RegFact r : mf.registrations) {
                if (r.kind() == Catalog.RegKind.MCP_CLIENT_URL && r.props().get("url") != null) {
                    Systems.Url u = Systems.url(r.props().get("url"));
                    mcpServer(u == null ? r.props().get("url") : u.host(), "http", r.props().get("url"), null, List.of(), loc(mf, r.line()));
                } else if (r.kind() == Catalog.RegKind.MCP_CLIENT_COMMAND && r.props().get("command") != null) {
                    List<String> args = r.props().get("args") == null ? List.of() : List.of(r.props().get("args").split("\u0000"));
                    mcpServer(r.props().get("command"), "stdio", null, r.props().get("command"), args, loc(mf, r.line()));
                }
            }
        }
    }

    /** The inventory item id for one fact (creating the item), or null when the fact names no system. */
    private String systemOf(MethodFacts mf, Fact f, Set<String> clients) {
        Location loc = loc(mf, f.line());
        switch (f.kind()) {
            case URL:
                return host(f.value(), loc, clients);
            case JDBC_URL:
                return database(f.value(), loc);
            case SQL:
                return table(f.value(), loc);
            case PROCESS:
                return process(f.value(), f.detail(), loc);
            case FILE_WRITE:
                return file(f.value(), loc);
            default:
                return null;
        }
    }

    String host(String url, Location loc, Set<String> clients) {
        Systems.Url u = Systems.url(url);
        if (u == null || Catalog.isNonSystemHost(u.host())) {
            return null;
        }
        if (u.host().equals("*")) {
            return dynamic("http", loc, clients, "URL " + u.sanitized() + " (host known only at run time)");
        }
        if (!Systems.isPlausibleHost(u.host())) {
            return null; // a URL-shaped string whose "host" is not a host name (javax.xml.XMLConstants/property/...)
        }
        String id = "host:" + u.host();
        Inventory.Host h = hosts.computeIfAbsent(id, k -> {
            Inventory.Host x = new Inventory.Host();
            x.id = k;
            x.host = u.host();
            x.external = Systems.isExternal(u.host());
            return x;
        });
        addOnce(h.schemes, u.scheme());
        int port = u.port() > 0 ? u.port() : u.port() == 0 ? -1 : Systems.defaultPort(u.scheme()); // 0: a port set at run time
        if (port > 0 && !h.ports.contains(port)) {
            h.ports.add(port);
        }
        if (h.urls.size() < 10) {
            addOnce(h.urls, u.sanitized());
        }
        if (clients != null) {
            for (String c : clients) {
                addOnce(h.clients, c);
            }
        }
        addLocation(h, loc);
        return id;
    }

    private String database(String url, Location loc) {
        Systems.Jdbc j = Systems.jdbc(url);
        if (j == null) {
            return null;
        }
        String id = "database:" + j.sanitized();
        Inventory.Database d = databases.computeIfAbsent(id, k -> {
            Inventory.Database x = new Inventory.Database();
            x.id = k;
            x.url = j.sanitized();
            x.vendor = j.vendor();
            x.host = j.host();
            x.database = j.database();
            return x;
        });
        addLocation(d, loc);
        return id;
    }

    ConstantSql.Parsed parseSql(String sql) {
        return sqlCache.computeIfAbsent(sql, ConstantSql::parse);
    }

    /** Adds the tables of one statement; returns the id of the first table (or null). */
    private String table(String sql, Location loc) {
        ConstantSql.Parsed p = parseSql(sql);
        String first = null;
        for (String t : p.tables()) {
            String id = "table:" + t;
            Inventory.Table tb = tables.computeIfAbsent(id, k -> {
                Inventory.Table x = new Inventory.Table();
                x.id = k;
                x.name = t;
                return x;
            });
            addOnce(tb.operations, p.operation().name());
            if (tb.statements.size() < 5) {
                addOnce(tb.statements, p.normalized());
            }
            addLocation(tb, loc);
            if (first == null) {
                first = id;
            }
        }
        return first;
    }

    private String process(String command, String detail, Location loc) {
        if (command == null) {
            return dynamic("process", loc, null, "command known only at run time");
        }
        String cmd = command;
        String id = "process:" + cmd;
        Inventory.ProcessCommand pc = processes.computeIfAbsent(id, k -> {
            Inventory.ProcessCommand x = new Inventory.ProcessCommand();
            x.id = k;
            x.command = cmd;
            return x;
        });
        if (detail != null) {
            List<String> args = List.of(detail.split("\u0000"));
            if (!pc.args.contains(args) && pc.args.size() < 10) {
                pc.args.add(args);
            }
        }
        addLocation(pc, loc);
        return id;
    }

    private String file(String path, Location loc) {
        if (path == null) {
            return dynamic("file", loc, null, "path known only at run time");
        }
        String p = path;
        String id = "file:" + p;
        Inventory.FileTarget ft = files.computeIfAbsent(id, k -> {
            Inventory.FileTarget x = new Inventory.FileTarget();
            x.id = k;
            x.path = p;
            return x;
        });
        addLocation(ft, loc);
        return id;
    }

    /** The run-time destination of a call at {@code loc} (a method, or a configuration key). */
    private String dynamic(String kind, Location loc, Set<String> clients, String hint) {
        String site = loc == null ? "(unknown)" : loc.className != null ? loc.className + (loc.method == null ? "" : "#" + loc.method)
                : loc.file + (loc.key == null ? "" : "[" + loc.key + "]");
        String id = "dynamic:" + kind + ":" + site;
        Inventory.Dynamic d = dynamics.computeIfAbsent(id, k -> {
            Inventory.Dynamic x = new Inventory.Dynamic();
            x.id = k;
            x.kind = kind;
            x.site = site;
            return x;
        });
        if (clients != null) {
            for (String c : clients) {
                addOnce(d.clients, c);
            }
        }
        if (hint != null && d.hints.size() < 10) {
            addOnce(d.hints, hint);
        }
        addLocation(d, loc);
        return id;
    }

    private void mcpServer(String name, String transport, String url, String command, List<String> args, Location loc) {
        String id = "mcp-server:" + (url != null ? url : command + (args.isEmpty() ? "" : " " + String.join(" ", args)));
        Inventory.McpServer m = mcpServers.computeIfAbsent(id, k -> {
            Inventory.McpServer x = new Inventory.McpServer();
            x.id = k;
            x.name = name;
            x.transport = transport;
            x.url = url;
            x.command = command;
            x.args.addAll(args);
            return x;
        });
        addLocation(m, loc);
        if (url != null) {
            host(url, loc, Set.of("mcp"));
        }
        if (command != null) {
            process(command, args.isEmpty() ? null : String.join("\u0000", args), loc);
        }
    }

    private static void addOnce(List<String> l, String v) {
        if (v != null && !l.contains(v)) {
            l.add(v);
        }
    }

    private static void addLocation(Inventory.Item item, Location loc) {
        if (loc == null || item.locations.size() >= 20) {
            return;
        }
        String s = loc.toString();
        for (Location l : item.locations) {
            if (l.toString().equals(s)) {
                return;
            }
        }
        item.locations.add(loc);
    }

    Inventory.Item item(String id) {
        if (id.startsWith("host:")) {
            return hosts.get(id);
        }
        if (id.startsWith("table:")) {
            return tables.get(id);
        }
        if (id.startsWith("database:")) {
            return databases.get(id);
        }
        if (id.startsWith("process:")) {
            return processes.get(id);
        }
        if (id.startsWith("file:")) {
            return files.get(id);
        }
        if (id.startsWith("dynamic:")) {
            return dynamics.get(id);
        }
        return null;
    }

    // ------------------------------------------------------------------ tools

    private Inventory.Tool tool(String framework, String name, String declaredBy, ClassFacts cf, String method, int line) {
        String id = "tool:" + framework + ":" + name;
        Inventory.Tool t = tools.computeIfAbsent(id, k -> {
            Inventory.Tool x = new Inventory.Tool();
            x.id = k;
            x.name = name;
            x.framework = framework;
            x.declaredBy = declaredBy;
            x.className = cf == null ? null : cf.javaName();
            x.method = method;
            return x;
        });
        if (cf != null) {
            addLocation(t, Location.code(cf.container, cf.javaName(), method, cf.sourceFile, line));
        }
        return t;
    }

    private void entry(Inventory.Tool t, String methodKey) {
        List<String> l = toolEntries.computeIfAbsent(t.id, k -> new ArrayList<>());
        if (methodKey != null && !l.contains(methodKey)) {
            l.add(methodKey);
        }
    }

    private void toolsFromAnnotations() {
        List<ClassFacts> classes = new ArrayList<>(in.classes.values());
        classes.sort(Comparator.comparing(c -> c.name));
        for (ClassFacts cf : classes) {
            if (cf.tools.isEmpty()) {
                continue;
            }
            // a library's tools count only when the application uses the class
            if (cf.library && !referencedTypes.contains(cf.name)) {
                continue;
            }
            for (ToolDecl d : cf.tools) {
                Inventory.Tool t = tool(d.framework(), d.name(), "annotation", cf, d.method(), d.line());
                t.description = d.description();
                t.returnDirect = d.returnDirect() ? Boolean.TRUE : null;
                if (t.parameters.isEmpty()) {
                    for (Param p : d.params()) {
                        Inventory.Parameter ip = new Inventory.Parameter();
                        ip.name = p.name();
                        ip.type = p.type();
                        ip.javaType = p.javaType();
                        ip.description = p.description();
                        ip.required = p.required();
                        t.parameters.add(ip);
                    }
                }
                entry(t, cf.name + "." + d.method() + d.desc());
            }
        }
    }

    /** Application classes implementing a tool interface (LangChain4j ToolExecutor, Spring AI ToolCallback). */
    private void toolsFromImplementations() {
        List<ClassFacts> classes = new ArrayList<>(in.classes.values());
        classes.sort(Comparator.comparing(c -> c.name));
        for (ClassFacts cf : classes) {
            if (cf.library || cf.isAbstract()) {
                continue;
            }
            for (Catalog.ToolInterface ti : Catalog.TOOL_INTERFACES) {
                if (!isSubtype(cf.name, ti.type(), 0)) {
                    continue;
                }
                String[] nameDesc = specFor(cf);
                String name = nameDesc[0] != null ? nameDesc[0] : cf.simpleName();
                String declaredBy = ti.framework().equals("langchain4j") ? "tool-executor" : "tool-callback";
                int line = 0;
                String run = null;
                for (MethodFacts mf : cf.methods.values()) {
                    if (mf.name.equals(ti.runMethod())) {
                        line = mf.line;
                        run = mf.name;
                    }
                }
                Inventory.Tool t = tool(ti.framework(), name, declaredBy, cf, run, line);
                if (t.description == null) {
                    t.description = nameDesc[1];
                }
                for (MethodFacts mf : cf.methods.values()) {
                    if (mf.name.equals(ti.runMethod())) {
                        entry(t, mf.key());
                    }
                }
            }
        }
    }

    /** The tool name and description for an implementation class: a spec built in it, or where it is instantiated. */
    private String[] specFor(ClassFacts cf) {
        for (MethodFacts mf : cf.methods.values()) {
            for (RegFact r : mf.registrations) {
                if (r.kind() == Catalog.RegKind.TOOL_SPEC && r.props().get("name") != null) {
                    return new String[] {r.props().get("name"), r.props().get("description")};
                }
            }
        }
        List<MethodFacts> all = new ArrayList<>(methods.values());
        all.sort(Comparator.comparing(MethodFacts::key));
        for (MethodFacts mf : all) {
            if (!mf.instantiated.contains(cf.name)) {
                continue;
            }
            List<RegFact> specs = new ArrayList<>();
            for (RegFact r : mf.registrations) {
                if (r.kind() == Catalog.RegKind.TOOL_SPEC && r.props().get("name") != null) {
                    specs.add(r);
                }
            }
            List<String> impls = new ArrayList<>();
            for (String t : mf.instantiated) {
                ClassFacts c = in.classes.get(t);
                if (c != null && !c.library && Catalog.TOOL_INTERFACES.stream().anyMatch(ti -> isSubtype(t, ti.type(), 0))) {
                    impls.add(t);
                }
            }
            int idx = impls.indexOf(cf.name);
            if (!specs.isEmpty() && idx >= 0) {
                RegFact r = specs.get(Math.min(idx, specs.size() - 1));
                return new String[] {r.props().get("name"), r.props().get("description")};
            }
        }
        return new String[] {null, null};
    }

    private void toolsFromRegistrations() {
        List<MethodFacts> all = new ArrayList<>(methods.values());
        all.sort(Comparator.comparing(MethodFacts::key));
        for (MethodFacts mf : all) {
            ClassFacts cf = in.classes.get(mf.owner);
            for (RegFact r : mf.registrations) {
                if (r.kind() == Catalog.RegKind.MCP_TOOL || r.kind() == Catalog.RegKind.MCP_SERVER_TOOL) {
                    String name = r.props().get("name");
                    if (name == null) {
                        name = "unnamed@" + cf.simpleName() + ":" + r.line();
                    }
                    Inventory.Tool t = tool("mcp", name, "mcp-registration", cf, mf.name, r.line());
                    if (t.description == null) {
                        t.description = r.props().get("description");
                    }
                    entry(t, r.handler());
                } else if (r.kind() == Catalog.RegKind.SPRING_FUNCTION_TOOL) {
                    String name = r.props().get("name");
                    if (name == null) {
                        continue;
                    }
                    Inventory.Tool t = tool("spring-ai", name, "function-callback", cf, mf.name, r.line());
                    entry(t, r.handler());
                    for (String type : r.types()) {
                        ClassFacts impl = in.classes.get(type);
                        if (impl != null && !impl.library) {
                            for (MethodFacts m : impl.methods.values()) {
                                if (m.name.equals("apply") || m.name.equals("accept") || m.name.equals("get")) {
                                    entry(t, m.key());
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ agents

    private Inventory.Agent agent(String framework, String kind, String type, ClassFacts where, String method, int line) {
        String id = "agent:" + framework + ":" + type.replace('/', '.');
        Inventory.Agent a = agents.computeIfAbsent(id, k -> {
            Inventory.Agent x = new Inventory.Agent();
            x.id = k;
            x.name = type.substring(type.lastIndexOf('/') + 1).replace('$', '.');
            x.framework = framework;
            x.kind = kind;
            return x;
        });
        if (where != null) {
            addLocation(a, Location.code(where.container, where.javaName(), method, where.sourceFile, line));
        }
        return a;
    }

    /** Tool ids declared (annotated) in {@code type} or its superclasses. */
    private List<String> toolsOfType(String type) {
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        ArrayDeque<String> q = new ArrayDeque<>();
        q.add(type);
        while (!q.isEmpty()) {
            String t = q.poll();
            if (!seen.add(t)) {
                continue;
            }
            ClassFacts cf = in.classes.get(t);
            if (cf == null) {
                continue;
            }
            for (ToolDecl d : cf.tools) {
                out.add("tool:" + d.framework() + ":" + d.name());
            }
            for (Inventory.Tool tool : tools.values()) {
                if (cf.javaName().equals(tool.className) && !tool.declaredBy.equals("annotation") && !out.contains(tool.id)) {
                    out.add(tool.id);
                }
            }
            q.addAll(supertypes(cf));
            // a registered interface type: its implementations hold the tools
            List<String> subs = subtypes.get(t);
            if (subs != null && cf.isAbstract()) {
                q.addAll(subs);
            }
        }
        return out;
    }

    private void bind(Inventory.Agent a, List<String> toolIds) {
        for (String id : toolIds) {
            Inventory.Tool t = tools.get(id);
            if (t == null) {
                continue;
            }
            addOnce(a.tools, id);
            addOnce(t.agents, a.id);
        }
    }

    private void agents() {
        List<MethodFacts> all = new ArrayList<>(methods.values());
        all.sort(Comparator.comparing(MethodFacts::key));
        for (MethodFacts mf : all) {
            ClassFacts cf = in.classes.get(mf.owner);
            List<Inventory.Agent> builtHere = new ArrayList<>();
            for (RegFact r : mf.registrations) {
                switch (r.kind()) {
                    case LC4J_AI_SERVICE:
                        if (r.props().get("class") != null) {
                            builtHere.add(agent("langchain4j", "ai-service", r.props().get("class"), cf, mf.name, r.line()));
                        }
                        break;
                    case SPRING_CHAT_CLIENT:
                        builtHere.add(agent("spring-ai", "chat-client", cf.name, cf, mf.name, r.line()));
                        break;
                    case MCP_SERVER:
                        builtHere.add(agent("mcp", "mcp-server", cf.name, cf, mf.name, r.line()));
                        break;
                    default:
                        break;
                }
            }
            for (RegFact r : mf.registrations) {
                if (r.kind() != Catalog.RegKind.LC4J_TOOLS && r.kind() != Catalog.RegKind.SPRING_TOOLS) {
                    continue;
                }
                List<Inventory.Agent> targets = new ArrayList<>();
                if (r.props().get("class") != null) {
                    targets.add(agent("langchain4j", "ai-service", r.props().get("class"), null, null, 0));
                } else if (r.kind() == Catalog.RegKind.SPRING_TOOLS) {
                    targets.add(agent("spring-ai", "chat-client", cf.name, cf, mf.name, r.line()));
                } else {
                    targets.addAll(builtHere);
                }
                List<String> ids = new ArrayList<>();
                for (String type : r.types()) {
                    ids.addAll(toolsOfType(type));
                }
                for (Inventory.Agent a : targets) {
                    bind(a, ids);
                }
            }
        }
        // MCP servers serve the MCP tools registered in their class (else every MCP tool of the application)
        for (Inventory.Agent a : agents.values()) {
            if (a.kind.equals("mcp-server")) {
                String cls = a.id.substring("agent:mcp:".length());
                List<String> own = new ArrayList<>();
                List<String> any = new ArrayList<>();
                for (Inventory.Tool t : tools.values()) {
                    if (t.framework.equals("mcp")) {
                        any.add(t.id);
                        if (cls.equals(t.className)) {
                            own.add(t.id);
                        }
                    }
                }
                bind(a, own.isEmpty() ? any : own);
                if (own.isEmpty() && !any.isEmpty()) {
                    a.inferred = true;
                }
            }
        }
        // AI service interfaces not built in code we saw (Spring Boot starter @AiService wires every @Tool bean)
        List<ClassFacts> classes = new ArrayList<>(in.classes.values());
        classes.sort(Comparator.comparing(c -> c.name));
        for (ClassFacts cf : classes) {
            if (cf.library || !cf.aiServiceShape) {
                continue;
            }
            String id = "agent:langchain4j:" + cf.javaName();
            if (!agents.containsKey(id)) {
                Inventory.Agent a = agent("langchain4j", "ai-service", cf.name, cf, null, 0);
                if (cf.annotations.contains(Catalog.LC4J_AI_SERVICE_ANNOTATION)) {
                    List<String> lc = new ArrayList<>();
                    for (Inventory.Tool t : tools.values()) {
                        if (t.framework.equals("langchain4j")) {
                            lc.add(t.id);
                        }
                    }
                    bind(a, lc);
                    a.inferred = lc.isEmpty() ? null : Boolean.TRUE;
                }
            }
        }
        // tools no agent was seen to use: one "application" agent holds them, so nothing is left out
        List<String> unbound = new ArrayList<>();
        for (Inventory.Tool t : tools.values()) {
            if (t.agents.isEmpty()) {
                unbound.add(t.id);
            }
        }
        if (!unbound.isEmpty()) {
            Inventory.Agent a = new Inventory.Agent();
            a.id = "agent:application";
            a.name = "application (tools not bound to a detected agent)";
            a.framework = "mixed";
            a.kind = "application";
            a.inferred = true;
            agents.put(a.id, a);
            bind(a, unbound);
        }
        for (Inventory.Agent a : agents.values()) {
            for (String t : a.tools) {
                Inventory.Edge e = new Inventory.Edge();
                e.from = a.id;
                e.to = t;
                inv.edges.add(e);
            }
        }
    }

    // ------------------------------------------------------------------ call graph

    /** Application methods a call may run: the resolved declaration and overriding methods of application subtypes. */
    private List<String> resolve(String call) {
        int dot = call.indexOf('.');
        String owner = call.substring(0, dot);
        String nameDesc = call.substring(dot + 1);
        ClassFacts cf = in.classes.get(owner);
        if (cf == null || cf.library) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        // declaration: the owner or an application superclass
        String t = owner;
        for (int guard = 0; t != null && guard < 40; guard++) {
            ClassFacts c = in.classes.get(t);
            if (c == null || c.library) {
                break;
            }
            if (c.methods.containsKey(nameDesc)) {
                out.add(t + "." + nameDesc);
                break;
            }
            t = c.superName;
        }
        if (nameDesc.startsWith("<init>") || nameDesc.startsWith("<clinit>")) {
            return out;
        }
        // overrides in application subtypes (virtual and interface dispatch)
        ArrayDeque<String> q = new ArrayDeque<>(subtypes.getOrDefault(owner, List.of()));
        Set<String> seen = new HashSet<>();
        while (!q.isEmpty() && seen.size() < 500) {
            String s = q.poll();
            if (!seen.add(s)) {
                continue;
            }
            ClassFacts c = in.classes.get(s);
            if (c == null || c.library) {
                continue;
            }
            if (c.methods.containsKey(nameDesc)) {
                String k = s + "." + nameDesc;
                if (!out.contains(k)) {
                    out.add(k);
                }
            }
            q.addAll(subtypes.getOrDefault(s, List.of()));
        }
        return out;
    }

    /** One reached system, with the chain of methods that shows it and, for a run-time destination, what the path says about it. */
    private record Reached(String id, String operation, List<String> via, String hint) {
    }

    private void reach() {
        Map<String, Set<String>> classDatabases = classDatabases();
        for (Inventory.Tool t : tools.values()) {
            List<String> entries = toolEntries.getOrDefault(t.id, List.of());
            Map<String, Reached> found = new LinkedHashMap<>();
            // breadth-first from the tool's methods; parent pointers give the chain
            Map<String, String> parent = new HashMap<>();
            Map<String, Integer> depth = new HashMap<>();
            ArrayDeque<String> q = new ArrayDeque<>();
            for (String e : entries) {
                if (methods.containsKey(e) && !depth.containsKey(e)) {
                    depth.put(e, 0);
                    q.add(e);
                }
            }
            List<String> visited = new ArrayList<>();
            Set<String> httpCallers = new LinkedHashSet<>();
            Set<String> sqlCallers = new LinkedHashSet<>();
            boolean doesSql = false;
            while (!q.isEmpty()) {
                String k = q.poll();
                visited.add(k);
                MethodFacts mf = methods.get(k);
                Set<String> clients = clientsOf(mf);
                List<Fact> facts = new ArrayList<>(mf.facts);
                facts.addAll(fieldFacts(mf));
                for (Fact f : facts) {
                    if (f.kind() == FactKind.HTTP_CALL) {
                        httpCallers.add(k);
                        continue;
                    }
                    if (f.kind() == FactKind.SQL_CALL) {
                        sqlCallers.add(k);
                        continue;
                    }
                    String id = systemOf(mf, f, clients);
                    if (id == null) {
                        continue;
                    }
                    List<String> via = chain(parent, k);
                    if (f.kind() == FactKind.SQL) {
                        doesSql = true;
                        ConstantSql.Parsed p = parseSql(f.value());
                        for (String tb : p.tables()) {
                            record(found, "table:" + tb, p.operation().name(), via, null);
                        }
                        addOnce(t.operations, p.operation().name());
                    } else {
                        record(found, id, f.kind() == FactKind.URL ? String.join(",", clients) : null, via, null);
                    }
                }
                int d = depth.get(k);
                if (d >= callDepth) {
                    continue;
                }
                for (String call : mf.calls) {
                    for (String target : resolve(call)) {
                        if (!depth.containsKey(target) && methods.containsKey(target)) {
                            depth.put(target, d + 1);
                            parent.put(target, k);
                            q.add(target);
                        }
                    }
                }
            }
            // sinks whose destination no method on the way to them (or called by them) holds: run-time destinations
            for (String k : httpCallers) {
                if (!holds(k, parent, FactKind.URL)) {
                    MethodFacts mf = methods.get(k);
                    String hint = httpHint(t, ancestors(parent, k));
                    String id = dynamic("http", loc(mf, sinkLine(mf, FactKind.HTTP_CALL)), clientsOf(mf), hint);
                    record(found, id, String.join(",", clientsOf(mf)), chain(parent, k), hint);
                }
            }
            for (String k : sqlCallers) {
                doesSql = true;
                if (!holds(k, parent, FactKind.SQL)) {
                    MethodFacts mf = methods.get(k);
                    String hint = sqlHint(t);
                    String id = dynamic("sql", loc(mf, sinkLine(mf, FactKind.SQL_CALL)), null, hint);
                    record(found, id, null, chain(parent, k), hint);
                }
            }
            // a class that holds a JDBC URL is the database its methods connect to (CustomerDatabase#connection)
            if (doesSql) {
                for (String k : visited) {
                    for (String db : classDatabases.getOrDefault(methods.get(k).owner, Set.of())) {
                        record(found, db, null, chain(parent, k), null);
                    }
                }
            }
            for (Reached r : found.values()) {
                addOnce(t.reaches, r.id());
                Inventory.Edge e = edgeFor(t.id, r.id());
                if (r.operation() != null && !r.operation().isEmpty()) {
                    for (String op : r.operation().split(",")) {
                        addOnce(e.operations, op);
                    }
                }
                if (e.via.isEmpty()) {
                    e.via.addAll(r.via());
                }
                if (r.hint() != null) {
                    e.hint = r.hint();
                }
            }
        }
    }

    /** Database ids per application class, from the JDBC URLs its methods hold. */
    private Map<String, Set<String>> classDatabases() {
        Map<String, Set<String>> out = new HashMap<>();
        List<MethodFacts> all = new ArrayList<>(methods.values());
        all.sort(Comparator.comparing(MethodFacts::key));
        for (MethodFacts mf : all) {
            for (Fact f : mf.facts) {
                if (f.kind() == FactKind.JDBC_URL) {
                    String id = database(f.value(), loc(mf, f.line()));
                    if (id != null) {
                        out.computeIfAbsent(mf.owner, k -> new LinkedHashSet<>()).add(id);
                    }
                }
            }
        }
        return out;
    }

    /** True when {@code k}, a method on its chain from the tool, or a method it calls holds a constant of {@code kind}. */
    private boolean holds(String k, Map<String, String> parent, FactKind kind) {
        List<String> look = new ArrayList<>(ancestors(parent, k));
        for (String call : methods.get(k).calls) {
            look.addAll(resolve(call));
        }
        for (String m : look) {
            MethodFacts mf = methods.get(m);
            if (mf == null) {
                continue;
            }
            for (Fact f : mf.facts) {
                if (f.kind() == kind) {
                    return true;
                }
            }
            for (Fact f : fieldFacts(mf)) {
                if (f.kind() == kind) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The method keys from the tool's method to {@code k}, in call order. */
    private static List<String> ancestors(Map<String, String> parent, String k) {
        List<String> out = new ArrayList<>();
        for (String c = k; c != null && out.size() < 64; c = parent.get(c)) {
            out.add(0, c);
        }
        return out;
    }

    private static int sinkLine(MethodFacts mf, FactKind kind) {
        for (Fact f : mf.facts) {
            if (f.kind() == kind && f.line() > 0) {
                return f.line();
            }
        }
        return mf.line;
    }

    private static final Pattern URL_PARAM_NAME = Pattern.compile("(?i)(url|uri|endpoint|destination|webhook|callback)");
    private static final Pattern URL_PARAM_TEXT = Pattern.compile("(?i)\\b(url|uri|https?|endpoint)\\b");
    private static final Pattern SQL_PARAM_NAME = Pattern.compile("(?i)(sql|query|statement)");
    private static final Pattern SQL_PARAM_TEXT = Pattern.compile("(?i)\\b(sql|query)\\b");

    /**
     * What the path from the tool to an HTTP call with no constant URL shows about where it goes:
     * URL fields read and path templates concatenated on the way, and tool parameters that are URLs.
     */
    private String httpHint(Inventory.Tool t, List<String> path) {
        List<String> parts = new ArrayList<>();
        for (String k : path) {
            MethodFacts mf = methods.get(k);
            for (Fact f : mf.facts) {
                if (f.kind() == FactKind.URL_FIELD) {
                    addOnce(parts, f.value());
                }
            }
            for (Fact f : mf.facts) {
                if (f.kind() == FactKind.URL_PATTERN) {
                    addOnce(parts, "\"" + f.value().substring(1) + "\"");
                }
            }
        }
        List<String> args = toolParameters(t, URL_PARAM_NAME, URL_PARAM_TEXT);
        StringBuilder sb = new StringBuilder();
        if (!parts.isEmpty()) {
            sb.append("URL built at run time from ").append(String.join(" + ", parts));
        }
        if (!args.isEmpty()) {
            sb.append(sb.length() > 0 ? "; " : "URL known only at run time; ").append("the tool takes a URL argument: ").append(String.join(", ", args));
        }
        return sb.length() > 0 ? sb.toString() : "URL known only at run time";
    }

    private String sqlHint(Inventory.Tool t) {
        List<String> args = toolParameters(t, SQL_PARAM_NAME, SQL_PARAM_TEXT);
        return args.isEmpty() ? "SQL text built at run time (any table, any operation)"
                : "SQL text known only at run time (any table, any operation); the tool takes SQL as an argument: " + String.join(", ", args);
    }

    private static List<String> toolParameters(Inventory.Tool t, Pattern name, Pattern text) {
        List<String> out = new ArrayList<>();
        for (Inventory.Parameter p : t.parameters) {
            if ("string".equals(p.type) && (name.matcher(p.name).find() || (p.description != null && text.matcher(p.description).find()))) {
                out.add(p.name);
            }
        }
        return out;
    }

    private Set<String> clientsOf(MethodFacts mf) {
        Set<String> c = new LinkedHashSet<>();
        for (Fact f : mf.facts) {
            if (f.kind() == FactKind.HTTP_CALL) {
                c.add(f.client());
            }
        }
        return c;
    }

    private final Map<String, Inventory.Edge> edgeIndex = new HashMap<>();

    private Inventory.Edge edgeFor(String from, String to) {
        return edgeIndex.computeIfAbsent(from + "->" + to, k -> {
            Inventory.Edge e = new Inventory.Edge();
            e.from = from;
            e.to = to;
            inv.edges.add(e);
            return e;
        });
    }

    private static void record(Map<String, Reached> found, String id, String op, List<String> via, String hint) {
        Reached r = found.get(id);
        if (r == null) {
            found.put(id, new Reached(id, op, via, hint));
        } else if (op != null && (r.operation() == null || !(("," + r.operation() + ",").contains("," + op + ",")))) {
            found.put(id, new Reached(id, r.operation() == null ? op : r.operation() + "," + op, r.via(), r.hint() != null ? r.hint() : hint));
        }
    }

    private List<String> chain(Map<String, String> parent, String k) {
        List<String> out = new ArrayList<>();
        for (String c = k; c != null && out.size() < 64; c = parent.get(c)) {
            MethodFacts mf = methods.get(c);
            out.add(0, mf == null ? c : mf.owner.substring(mf.owner.lastIndexOf('/') + 1).replace('$', '.') + "#" + mf.name);
        }
        return out;
    }

    /** Constants a method sees through the fields it reads (initialised constants and injected configuration). */
    private List<Fact> fieldFacts(MethodFacts mf) {
        List<Fact> out = new ArrayList<>();
        for (String fr : mf.fieldReads) {
            int dot = fr.lastIndexOf('.');
            ClassFacts owner = in.classes.get(fr.substring(0, dot));
            if (owner == null || owner.library) {
                continue;
            }
            String field = fr.substring(dot + 1);
            List<String> values = new ArrayList<>(owner.fieldConstants.getOrDefault(field, Set.of()));
            String key = owner.fieldPropertyKeys.get(field);
            if (key != null && config.get(key) != null) {
                values.add(config.get(key));
            }
            for (String v : values) {
                if (v.matches("(?i)^(https?|wss?)://\\S+$")) {
                    out.add(new Fact(FactKind.URL, v, mf.line, null, null));
                } else if (v.startsWith("jdbc:")) {
                    out.add(new Fact(FactKind.JDBC_URL, v, mf.line, null, null));
                } else if (dev.warden.scanner.bytecode.ClassScanner.looksLikeSql(v)) {
                    out.add(new Fact(FactKind.SQL, v, mf.line, null, null));
                }
            }
        }
        return out;
    }
}
