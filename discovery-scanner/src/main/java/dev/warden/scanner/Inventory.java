package dev.warden.scanner;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The capability inventory: schema {@value #SCHEMA}, documented in
 * {@code discovery-scanner/INVENTORY.md}. A plain data tree (public fields, read and written with
 * Jackson) so the control plane can merge live fleet data into the same shape: every item has a
 * stable {@code id}, a {@code source} ({@code static}, {@code live} or {@code static+live}) and,
 * when seen live, {@code firstSeen}/{@code lastSeen}/{@code count}.
 *
 * <p>Not thread-safe: built by one thread, then read.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"schema", "generated", "generator", "inputs", "frameworks", "libraries", "agents", "tools", "hosts",
    "databases", "tables", "processes", "files", "mcpServers", "dynamic", "edges", "problems", "stats"})
public final class Inventory {
    public static final String SCHEMA = "warden.inventory/1";
    public static final String STATIC = "static";
    public static final String LIVE = "live";
    public static final String BOTH = "static+live";

    public String schema = SCHEMA;
    /** When the inventory was produced, ISO-8601 UTC. */
    public String generated;
    /** What produced it, e.g. {@code warden-scanner 0.1.0}. */
    public String generator;
    public List<Input> inputs = new ArrayList<>();
    public List<Framework> frameworks = new ArrayList<>();
    public List<Library> libraries = new ArrayList<>();
    public List<Agent> agents = new ArrayList<>();
    public List<Tool> tools = new ArrayList<>();
    public List<Host> hosts = new ArrayList<>();
    public List<Database> databases = new ArrayList<>();
    public List<Table> tables = new ArrayList<>();
    public List<ProcessCommand> processes = new ArrayList<>();
    public List<FileTarget> files = new ArrayList<>();
    public List<McpServer> mcpServers = new ArrayList<>();
    /** Calls whose destination only exists at run time (HTTP to a URL from input or configuration, SQL text built at run time, ...). */
    public List<Dynamic> dynamic = new ArrayList<>();
    public List<Edge> edges = new ArrayList<>();
    public List<Problem> problems = new ArrayList<>();
    public Stats stats = new Stats();

    // ---------------------------------------------------------------- items

    /** Fields every item carries. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public abstract static class Item {
        /** Stable identity, e.g. {@code tool:langchain4j:issueRefund}, {@code host:api.stripe.com}. */
        public String id;
        /** {@code static}, {@code live} or {@code static+live}. */
        public String source = STATIC;
        /** Live only: first and last time seen (ISO-8601 UTC) and how often. */
        public String firstSeen;
        public String lastSeen;
        public Long count;
        /** Where in the code or configuration it was found. */
        public List<Location> locations = new ArrayList<>();
    }

    /** A place in the scanned input: an artifact, and a class and method, or a file and key. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static final class Location {
        /** The jar or directory, with nesting: {@code app.jar!/BOOT-INF/lib/tools.jar}. */
        public String artifact;
        /** Fully-qualified class name. */
        public String className;
        public String method;
        /** Source file name as compiled into the class, and line (0: unknown). */
        public String file;
        public Integer line;
        /** For configuration: the property key or JSON path. */
        public String key;

        public static Location code(String artifact, String className, String method, String file, int line) {
            Location l = new Location();
            l.artifact = artifact;
            l.className = className;
            l.method = method;
            l.file = file;
            l.line = line > 0 ? line : null;
            return l;
        }

        public static Location config(String artifact, String file, String key) {
            Location l = new Location();
            l.artifact = artifact;
            l.file = file;
            l.key = key;
            return l;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            if (className != null) {
                sb.append(className);
                if (method != null) {
                    sb.append('#').append(method);
                }
                if (file != null && line != null) {
                    sb.append(" (").append(file).append(':').append(line).append(')');
                }
            } else if (file != null) {
                sb.append(file);
                if (key != null) {
                    sb.append(" [").append(key).append(']');
                }
            }
            if (artifact != null) {
                sb.append(sb.length() > 0 ? " in " : "").append(artifact);
            }
            return sb.toString();
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static final class Input {
        public String path;
        /** {@code directory}, {@code jar}, {@code fat-jar}, {@code war}, {@code class}, {@code config}. */
        public String kind;
        public long bytes;
        public int classes;
        public int applicationClasses;
        public int nestedArchives;
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static final class Framework extends Item {
        public String name;
        /** Version, when an artifact says so (pom.properties, manifest or file name). */
        public String version;
        /** Maven coordinates {@code group:artifact} of the artifact that revealed it. */
        public String artifact;
        /** {@code tools} (tool calls hooked and governed), {@code io-only}, or {@code no} (a version outside the hooked range). */
        public String governed;
        /** One sentence explaining {@link #governed}. */
        public String governance;
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static final class Library extends Item {
        /** {@code http-client}, {@code jdbc-driver}, {@code jdbc-pool}. */
        public String category;
        public String name;
        public String version;
        public String artifact;
        /** JDBC driver classes registered in {@code META-INF/services/java.sql.Driver}. */
        public List<String> driverClasses = new ArrayList<>();
        /** Whether Warden's agent intercepts calls made through it. */
        public Boolean governed;
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static final class Agent extends Item {
        public String name;
        public String framework;
        /** {@code ai-service}, {@code chat-client}, {@code mcp-server}, {@code application} (tools not tied to a detected agent). */
        public String kind;
        /** Tool ids the agent can call. */
        public List<String> tools = new ArrayList<>();
        /** True when the tool binding was inferred (every tool in the application) rather than read from code. */
        public Boolean inferred;
        public Risk risk;
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static final class Tool extends Item {
        public String name;
        /** {@code langchain4j}, {@code spring-ai}, {@code mcp}, {@code annotated}, {@code custom}. */
        public String framework;
        public String description;
        public List<Parameter> parameters = new ArrayList<>();
        /** {@code annotation}, {@code tool-executor}, {@code tool-callback}, {@code function-callback}, {@code mcp-registration}. */
        public String declaredBy;
        /** Class and method that run when the tool is called. */
        public String className;
        public String method;
        public Boolean returnDirect;
        /** Ids of agents that can call it. */
        public List<String> agents = new ArrayList<>();
        /** Ids of systems it reaches (hosts, tables, databases, processes, files), from the call graph. */
        public List<String> reaches = new ArrayList<>();
        /** SQL operations it performs, from the call graph. */
        public List<String> operations = new ArrayList<>();
        public Risk risk;
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static final class Parameter {
        public String name;
        /** JSON schema type the model sees: string, integer, number, boolean, array, object. */
        public String type;
        public String javaType;
        public String description;
        public Boolean required;
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static final class Host extends Item {
        /** Normalised host name (a run-time destination is a {@link Dynamic} item, never a host). */
        public String host;
        public List<String> schemes = new ArrayList<>();
        public List<Integer> ports = new ArrayList<>();
        /** Example URLs (query values removed), at most ten. */
        public List<String> urls = new ArrayList<>();
        /** HTTP clients seen calling out from the same code. */
        public List<String> clients = new ArrayList<>();
        /** False for loopback, private and {@code .local}/{@code .internal} names. */
        public Boolean external;
        /** HTTP methods seen live. */
        public List<String> methods = new ArrayList<>();
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static final class Database extends Item {
        /** The JDBC URL with user information and password parameters removed. */
        public String url;
        /** {@code h2}, {@code postgresql}, ... (from the URL). */
        public String vendor;
        public String host;
        /** Database name (from the URL), as the action model's {@code database}. */
        public String database;
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static final class Table extends Item {
        /** Lower-case table name (schema-qualified when the SQL qualifies it). */
        public String name;
        /** SQL operations seen on it. */
        public List<String> operations = new ArrayList<>();
        /** Example statements, normalised (literals replaced by {@code ?}), at most five. */
        public List<String> statements = new ArrayList<>();
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static final class ProcessCommand extends Item {
        /** The program (a command only known at run time is a {@link Dynamic} item). */
        public String command;
        /** Example argument lists (a dynamic argument shows as {@code *}). */
        public List<List<String>> args = new ArrayList<>();
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static final class FileTarget extends Item {
        /** The path written (a path only known at run time is a {@link Dynamic} item). */
        public String path;
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static final class McpServer extends Item {
        public String name;
        /** {@code stdio}, {@code http} (the application is a client of this server). */
        public String transport;
        public String url;
        public String command;
        public List<String> args = new ArrayList<>();
    }

    /**
     * A call the application makes whose destination the code does not hold: an HTTP request to a
     * URL that comes from input or configuration at run time, SQL whose text is built at run time,
     * a process or file path known only at run time. Identified by its kind and the method making
     * the call ({@code dynamic:http:com.acme.Desk#post}); the tools that reach it are edges.
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static final class Dynamic extends Item {
        /** {@code http}, {@code sql}, {@code process}, {@code file}. */
        public String kind;
        /** The method making the call, {@code com.acme.Desk#post}, or the configuration key holding a URL template. */
        public String site;
        /** HTTP clients used at the site. */
        public List<String> clients = new ArrayList<>();
        /** What the code tells about the destination, e.g. {@code URL built at run time from Desk.paymentsUrl + "/refunds"} (at most ten). */
        public List<String> hints = new ArrayList<>();
    }

    /** "from can reach to": a tool or agent and a system, with the call chain that shows it. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static final class Edge {
        public String from;
        public String to;
        /** For tables: the operations; for hosts: the clients. */
        public List<String> operations = new ArrayList<>();
        /** Methods from the tool to the call site, e.g. {@code [Tools#refund, OrderRepo#update]}. */
        public List<String> via = new ArrayList<>();
        /** To a {@link Dynamic} item: what this tool's path shows about the destination. */
        public String hint;
        public String source = STATIC;
        public Long count;
    }

    /** Something that could not be read; it was skipped. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static final class Problem {
        public String location;
        public String problem;

        public Problem() {
        }

        public Problem(String location, String problem) {
            this.location = location;
            this.problem = problem;
        }
    }

    /** A score from 0 to 100, the level it falls in, and every reason that contributed. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static final class Risk {
        public int score;
        /** {@code low} (0-19), {@code medium} (20-49), {@code high} (50-79), {@code critical} (80-100). */
        public String level;
        public List<Reason> reasons = new ArrayList<>();
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static final class Reason {
        /** {@code writes-data}, {@code schema-change}, {@code dynamic-sql}, {@code reads-data}, {@code egress}, {@code unknown-egress}, {@code process-launch}, {@code file-write}, {@code money}, {@code pii}, {@code no-approval-gate}, {@code destructive-name}, {@code internal-calls}. */
        public String factor;
        public int points;
        public String detail;

        public Reason() {
        }

        public Reason(String factor, int points, String detail) {
            this.factor = factor;
            this.points = points;
            this.detail = detail;
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static final class Stats {
        public long classes;
        public long applicationClasses;
        public long archives;
        public long bytes;
        public long durationMillis;
        public long skipped;
        /** Live only: the window observed, evidence decisions read, and how many of them stopped a call (0 when observing). */
        public Long windowMillis;
        public Long records;
        public Long blocked;
    }

    // ---------------------------------------------------------------- I/O

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public String toJson() {
        try {
            return MAPPER.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, toJson() + "\n");
    }

    /** Reads an inventory; one clear message in the exception when it is not one. */
    public static Inventory read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException(file + ": no such file");
        }
        Inventory inv;
        try {
            inv = MAPPER.readValue(bytes, Inventory.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : ":" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr();
            throw new IOException(file + where + ": not an inventory (" + e.getOriginalMessage() + ")");
        }
        if (inv == null || inv.schema == null || !inv.schema.startsWith("warden.inventory/")) {
            throw new IOException(file + ": not a Warden inventory (no \"schema\": \"" + SCHEMA + "\")");
        }
        if (!inv.schema.equals(SCHEMA)) {
            throw new IOException(file + ": inventory schema " + inv.schema + " is not supported (this build reads " + SCHEMA + ")");
        }
        return inv;
    }

    public Tool tool(String id) {
        return find(tools, id);
    }

    public static <T extends Item> T find(List<T> items, String id) {
        for (T t : items) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        return null;
    }
}
