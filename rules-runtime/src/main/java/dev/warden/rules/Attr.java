package dev.warden.rules;

import java.util.EnumSet;
import java.util.Set;

/**
 * The attributes a policy can match on, with the kinds they belong to and how their values
 * compare. {@code args.<path>} (a field of the tool arguments) is {@link #ARG_PATH}.
 */
public enum Attr {
    AGENT("agent", Type.TEXT, null),
    SESSION("session", Type.TEXT, null),
    PARENT("parent", Type.TEXT, null),
    PRINCIPAL("principal", Type.TEXT, null),

    TOOL("tool", Type.TEXT, Kind.TOOL),
    FRAMEWORK("framework", Type.TEXT, Kind.TOOL),
    SERVER("server", Type.TEXT, Kind.TOOL),
    /** The whole argument JSON of a tool call, as text. */
    TOOL_ARGS("args", Type.TEXT, Kind.TOOL),
    ARG_PATH("args.", Type.JSON, Kind.TOOL),

    METHOD("method", Type.UPPER, Kind.HTTP),
    SCHEME("scheme", Type.LOWER, Kind.HTTP),
    HOST("host", Type.HOST, Kind.HTTP),
    PORT("port", Type.NUMBER, Kind.HTTP),
    PATH("path", Type.TEXT, Kind.HTTP),
    URL("url", Type.TEXT, Kind.HTTP),
    CLIENT("client", Type.TEXT, Kind.HTTP),
    REGION("host.region", Type.TEXT, Kind.HTTP),

    OPERATION("operation", Type.UPPER, Kind.SQL),
    TABLES("tables", Type.LOWER_SET, Kind.SQL),
    COLUMNS("columns", Type.LOWER_SET, Kind.SQL),
    STATEMENT("statement", Type.TEXT, Kind.SQL),
    DATABASE("database", Type.TEXT, Kind.SQL),
    DRIVER("driver", Type.TEXT, Kind.SQL),

    COMMAND("command", Type.TEXT, Kind.PROCESS),
    PROCESS_ARGS("args", Type.SET, Kind.PROCESS);

    /** How values of an attribute are compared. */
    public enum Type {
        /** case-sensitive text, {@code *} globs */
        TEXT,
        /** compared upper-case (HTTP methods, SQL operations) */
        UPPER,
        /** compared lower-case */
        LOWER,
        /** a normalised host name: lower case, punycode, {@code *.suffix} globs */
        HOST,
        /** a number */
        NUMBER,
        /** a set of case-sensitive strings */
        SET,
        /** a set of lower-case strings (tables, columns) */
        LOWER_SET,
        /** a value inside the tool-argument JSON: a string, a number or a boolean */
        JSON
    }

    public final String key;
    public final Type type;
    /** The only kind that has this attribute, or null when every kind has it. */
    public final Kind kind;

    Attr(String key, Type type, Kind kind) {
        this.key = key;
        this.type = type;
        this.kind = kind;
    }

    public boolean isSet() {
        return type == Type.SET || type == Type.LOWER_SET;
    }

    /** The attribute a policy key names for a kind (null kind: any kind), or null. */
    public static Attr forKey(String key, Kind kind) {
        if (key.startsWith("args.") && key.length() > 5) {
            return kind == null || kind == Kind.TOOL ? ARG_PATH : null;
        }
        for (Attr a : values()) {
            if (a != ARG_PATH && a.key.equals(key) && (a.kind == null || kind == null || a.kind == kind)) {
                if (kind == null && a.kind != null && a == TOOL_ARGS) {
                    continue;
                }
                return a;
            }
        }
        return null;
    }

    /** The kinds whose actions carry this policy key. */
    public static Set<Kind> kindsFor(String key) {
        Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        for (Kind k : Kind.values()) {
            Attr a = forKey(key, k);
            if (a != null) {
                kinds.add(k);
            }
        }
        return kinds;
    }

    /** Every key valid for a kind, for error suggestions. */
    public static Set<String> keysFor(Kind kind) {
        Set<String> keys = new java.util.TreeSet<>();
        for (Attr a : values()) {
            if (a != ARG_PATH && (a.kind == null || kind == null || a.kind == kind)) {
                keys.add(a.key);
            }
        }
        return keys;
    }

    /** The text value of a non-set, non-JSON attribute; null when absent. */
    public String text(Action a) {
        switch (this) {
            case AGENT: return a.agent;
            case SESSION: return a.session;
            case PARENT: return a.parent;
            case PRINCIPAL: return a.principal;
            case TOOL: return a.tool;
            case FRAMEWORK: return a.framework;
            case SERVER: return a.server;
            case TOOL_ARGS: return a.args;
            case METHOD: return a.method;
            case SCHEME: return a.scheme;
            case HOST: return a.host;
            case PATH: return a.path;
            case URL: return a.url;
            case CLIENT: return a.client;
            case REGION: return a.region;
            case OPERATION: return a.operation == null ? null : a.operation.name();
            case STATEMENT: return a.statement;
            case DATABASE: return a.database;
            case DRIVER: return a.driver;
            case COMMAND: return a.command;
            default: return null;
        }
    }
}
