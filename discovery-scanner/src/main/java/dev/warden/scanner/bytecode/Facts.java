package dev.warden.scanner.bytecode;

import dev.warden.scanner.Catalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the scanner learnt from one class file, in plain data: its place in the type hierarchy,
 * its annotated tool methods, and (for application code) per method the calls it makes, the
 * constants it holds (URLs, SQL, JDBC URLs), the sinks it calls and the registrations it
 * performs. Built by one thread in {@link ClassScanner}; read-only afterwards, so any thread may
 * read a published instance.
 */
public final class Facts {
    private Facts() {
    }

    /**
     * One class. {@code library} is true for third-party code: first from its package
     * ({@link Catalog#isLibraryClass}, which also decides how deeply the class is read), then, once
     * the whole input is known, from where it was found ({@code ApplicationScope}).
     */
    public static final class ClassFacts {
        public final String name;
        public final String superName;
        public final List<String> interfaces;
        public final int access;
        public boolean library;
        /** True when the class file sits under {@code BOOT-INF/classes/} or {@code WEB-INF/classes/}: the application's own. */
        public boolean inClassesDir;
        /** Where it was found, e.g. {@code app.jar!/BOOT-INF/lib/tools.jar}. */
        public final String container;
        public String sourceFile;
        public final Set<String> annotations = new LinkedHashSet<>();
        public final List<ToolDecl> tools = new ArrayList<>();
        /** Application classes only: methods by {@code name + desc}. */
        public final Map<String, MethodFacts> methods = new LinkedHashMap<>();
        /** Application classes only: constant strings stored into each of the class's fields. */
        public final Map<String, Set<String>> fieldConstants = new LinkedHashMap<>();
        /** Application classes only: fields injected from configuration, e.g. {@code @Value("${payments.url}")}. */
        public final Map<String, String> fieldPropertyKeys = new LinkedHashMap<>();
        /** True for an interface with {@code @SystemMessage}/{@code @UserMessage} methods (a LangChain4j AI service). */
        public boolean aiServiceShape;

        public ClassFacts(String name, String superName, List<String> interfaces, int access, boolean library, String container) {
            this.name = name;
            this.superName = superName;
            this.interfaces = interfaces;
            this.access = access;
            this.library = library;
            this.container = container;
        }

        public boolean isInterface() {
            return (access & org.objectweb.asm.Opcodes.ACC_INTERFACE) != 0;
        }

        public boolean isAbstract() {
            return (access & (org.objectweb.asm.Opcodes.ACC_ABSTRACT | org.objectweb.asm.Opcodes.ACC_INTERFACE)) != 0;
        }

        public String javaName() {
            return name.replace('/', '.');
        }

        public String simpleName() {
            String n = name.substring(name.lastIndexOf('/') + 1);
            return n.substring(n.lastIndexOf('$') + 1);
        }
    }

    /** One method of an application class. */
    public static final class MethodFacts {
        public final String owner;
        public final String name;
        public final String desc;
        public final int access;
        public int line;
        /** Called methods as {@code owner.name desc} (lambda bodies and method references included). */
        public final List<String> calls = new ArrayList<>();
        /** Fields read, as {@code owner.name}. */
        public final List<String> fieldReads = new ArrayList<>();
        public final List<Fact> facts = new ArrayList<>();
        public final List<RegFact> registrations = new ArrayList<>();
        /** Classes instantiated here. */
        public final Set<String> instantiated = new LinkedHashSet<>();

        public MethodFacts(String owner, String name, String desc, int access) {
            this.owner = owner;
            this.name = name;
            this.desc = desc;
            this.access = access;
        }

        public String key() {
            return owner + "." + name + desc;
        }

        /** {@code com.acme.Tools#refund}: how a person reads it. */
        public String display() {
            return owner.replace('/', '.') + "#" + name;
        }
    }

    public enum FactKind {
        /** A constant URL (http, https, ws, wss). */
        URL,
        /** A constant that reads as SQL. */
        SQL,
        /** A constant JDBC URL. */
        JDBC_URL,
        /** A call to an HTTP client sink ({@code client} says which). */
        HTTP_CALL,
        /** A call that executes SQL. */
        SQL_CALL,
        /** A process launch; {@code value} is the command when constant, {@code detail} the arguments. */
        PROCESS,
        /** A file write; {@code value} the path when constant. */
        FILE_WRITE,
        /**
         * Part of a URL built at run time: a concatenation that starts with a run-time value and
         * goes on with a path ({@code paymentsUrl + "/refunds"} gives the {@code value} &#42;/refunds).
         */
        URL_PATTERN,
        /** A field read whose name and type say it holds a URL ({@code value} {@code SupportDesk.paymentsUrl}). */
        URL_FIELD
    }

    /** One thing a method holds or does, at a source line (0 when unknown). */
    public record Fact(FactKind kind, String value, int line, String client, String detail) {
    }

    /** A registration call site (agent built, tools attached, MCP tool or client configured). */
    public record RegFact(Catalog.RegKind kind, int line, Map<String, String> props, List<String> types, String handler) {
    }

    /** A method annotated as a tool. */
    public record ToolDecl(String framework, String name, String description, String method, String desc, int line,
                           List<Param> params, boolean returnDirect) {
    }

    /** A tool parameter: name, JSON type, Java type, description, whether required (null: framework default). */
    public record Param(String name, String type, String javaType, String description, Boolean required) {
    }
}
