package dev.warden.scanner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The risk score: a transparent sum of listed factors, capped at 100, never an unexplained
 * number. Each {@link Inventory.Reason} names its factor, its points and the evidence.
 *
 * <pre>
 * schema-change     30  the tool reaches DDL (CREATE/ALTER/DROP/TRUNCATE)
 * dynamic-sql       30  the tool runs SQL whose text is only known at run time (any table, any operation)
 * process-launch    30  the tool reaches a process launch (a constant command or one known only at run time)
 * writes-data       25  the tool reaches INSERT/UPDATE/DELETE/MERGE
 * unknown-egress    25  the tool reaches an HTTP call whose destination is only known at run time
 * egress            20  the tool reaches an external host
 * money             20  its name, description, parameters or tables look like money movement
 * file-write        15  the tool reaches a file write
 * pii               15  its name, description, parameters or tables look like personal data
 * no-approval-gate  10  any of the consequential factors above, and no approval step is known
 * destructive-name  10  nothing consequential was found, but the name says it changes something
 * internal-calls     5  the tool calls internal (non-external) hosts
 * reads-data         5  the tool reaches SELECT
 * </pre>
 * Levels: low 0-19, medium 20-49, high 50-79, critical 80-100. An agent scores the union of its
 * tools' factors (each at its highest), so an agent is at least as risky as its riskiest tool.
 *
 * <p>Pure functions; any thread.
 */
public final class Risk {
    private Risk() {
    }

    public static final Set<String> CONSEQUENTIAL = Set.of("schema-change", "dynamic-sql", "process-launch", "writes-data", "unknown-egress",
            "egress", "money", "file-write");

    static Inventory.Risk ofTool(Inventory.Tool t, Inventory inv, Function<String, Inventory.Item> items) {
        List<Inventory.Reason> reasons = new ArrayList<>();
        Set<String> writes = new LinkedHashSet<>();
        Set<String> ddl = new LinkedHashSet<>();
        Set<String> reads = new LinkedHashSet<>();
        Set<String> external = new LinkedHashSet<>();
        Set<String> internal = new LinkedHashSet<>();
        Set<String> procs = new LinkedHashSet<>();
        Set<String> fileWrites = new LinkedHashSet<>();
        boolean unknownHost = false;
        Set<String> dynamicSql = new LinkedHashSet<>();
        for (Inventory.Edge e : inv.edges) {
            if (!e.from.equals(t.id)) {
                continue;
            }
            String to = e.to;
            if (to.startsWith("table:")) {
                String name = to.substring(6);
                for (String op : e.operations) {
                    if (op.equals("SELECT")) {
                        reads.add(name);
                    } else if (op.equals("DDL")) {
                        ddl.add(name);
                    } else {
                        writes.add(op + " " + name);
                    }
                }
            } else if (to.startsWith("host:")) {
                Inventory.Item it = items.apply(to);
                String h = to.substring(5);
                if (it instanceof Inventory.Host && Boolean.FALSE.equals(((Inventory.Host) it).external)) {
                    internal.add(h);
                } else {
                    external.add(h);
                }
            } else if (to.startsWith("process:")) {
                procs.add(to.substring(8));
            } else if (to.startsWith("file:")) {
                fileWrites.add(to.substring(5));
            } else if (to.startsWith("dynamic:http:")) {
                unknownHost = true;
            } else if (to.startsWith("dynamic:sql:")) {
                dynamicSql.add(to.substring("dynamic:sql:".length()));
            } else if (to.startsWith("dynamic:process:")) {
                procs.add("a command known only at run time (" + to.substring("dynamic:process:".length()) + ")");
            } else if (to.startsWith("dynamic:file:")) {
                fileWrites.add("a path known only at run time (" + to.substring("dynamic:file:".length()) + ")");
            }
        }
        if (!ddl.isEmpty()) {
            reasons.add(new Inventory.Reason("schema-change", 30, "changes the schema of " + String.join(", ", ddl)));
        }
        if (!dynamicSql.isEmpty()) {
            reasons.add(new Inventory.Reason("dynamic-sql", 30, "runs SQL whose text is only known at run time, so any table and any operation"
                    + " (" + String.join(", ", dynamicSql) + ")"));
        }
        if (!procs.isEmpty()) {
            reasons.add(new Inventory.Reason("process-launch", 30, "starts processes: " + String.join(", ", procs)));
        }
        if (!writes.isEmpty()) {
            reasons.add(new Inventory.Reason("writes-data", 25, "writes data: " + String.join(", ", writes)));
        }
        if (unknownHost) {
            reasons.add(new Inventory.Reason("unknown-egress", 25, "makes HTTP calls to a destination only known at run time"));
        }
        if (!external.isEmpty()) {
            reasons.add(new Inventory.Reason("egress", 20, "sends requests to external hosts: " + String.join(", ", external)));
        }
        String text = vocabulary(t, reads, writes, ddl);
        List<String> money = matches(text, Catalog.MONEY_WORDS);
        if (!money.isEmpty()) {
            reasons.add(new Inventory.Reason("money", 20, "names look like money movement: " + String.join(", ", money)));
        }
        if (!fileWrites.isEmpty()) {
            reasons.add(new Inventory.Reason("file-write", 15, "writes files: " + String.join(", ", fileWrites)));
        }
        List<String> pii = matches(text, Catalog.PII_WORDS);
        if (!pii.isEmpty()) {
            reasons.add(new Inventory.Reason("pii", 15, "names look like personal data: " + String.join(", ", pii)));
        }
        boolean consequential = reasons.stream().anyMatch(r -> CONSEQUENTIAL.contains(r.factor));
        if (!consequential) {
            List<String> verbs = matches(split(t.name), Catalog.WRITE_VERBS);
            if (!verbs.isEmpty()) {
                reasons.add(new Inventory.Reason("destructive-name", 10, "the name says it changes something (" + String.join(", ", verbs)
                        + ") though no write was found in its call graph"));
            }
        }
        if (consequential) {
            reasons.add(new Inventory.Reason("no-approval-gate", 10, "consequential and no human approval step is known"
                    + " (run `warden policy coverage` to see whether a policy escalates it)"));
        }
        if (!internal.isEmpty()) {
            reasons.add(new Inventory.Reason("internal-calls", 5, "calls internal hosts: " + String.join(", ", internal)));
        }
        if (!reads.isEmpty()) {
            reasons.add(new Inventory.Reason("reads-data", 5, "reads tables: " + String.join(", ", reads)));
        }
        return score(reasons);
    }

    static Inventory.Risk ofAgent(Inventory.Agent a, Map<String, Inventory.Tool> tools) {
        Map<String, Inventory.Reason> best = new LinkedHashMap<>();
        Map<String, List<String>> via = new LinkedHashMap<>();
        for (String id : a.tools) {
            Inventory.Tool t = tools.get(id);
            if (t == null || t.risk == null) {
                continue;
            }
            for (Inventory.Reason r : t.risk.reasons) {
                Inventory.Reason b = best.get(r.factor);
                if (b == null || r.points > b.points) {
                    best.put(r.factor, r);
                }
                via.computeIfAbsent(r.factor, k -> new ArrayList<>()).add(t.name);
            }
        }
        List<Inventory.Reason> reasons = new ArrayList<>();
        for (Map.Entry<String, Inventory.Reason> e : best.entrySet()) {
            reasons.add(new Inventory.Reason(e.getKey(), e.getValue().points, "through " + String.join(", ", via.get(e.getKey())) + ": " + e.getValue().detail));
        }
        return score(reasons);
    }

    private static Inventory.Risk score(List<Inventory.Reason> reasons) {
        Inventory.Risk r = new Inventory.Risk();
        r.reasons.addAll(reasons);
        int sum = 0;
        for (Inventory.Reason x : reasons) {
            sum += x.points;
        }
        r.score = Math.min(100, sum);
        r.level = level(r.score);
        return r;
    }

    public static String level(int score) {
        return score >= 80 ? "critical" : score >= 50 ? "high" : score >= 20 ? "medium" : "low";
    }

    private static String vocabulary(Inventory.Tool t, Set<String> reads, Set<String> writes, Set<String> ddl) {
        StringBuilder sb = new StringBuilder(split(t.name));
        if (t.description != null) {
            sb.append(' ').append(t.description);
        }
        for (Inventory.Parameter p : t.parameters) {
            sb.append(' ').append(split(p.name));
            if (p.description != null) {
                sb.append(' ').append(p.description);
            }
        }
        for (String s : reads) {
            sb.append(' ').append(s);
        }
        for (String s : writes) {
            sb.append(' ').append(s);
        }
        for (String s : ddl) {
            sb.append(' ').append(s);
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    /** {@code issueRefund} → {@code issue refund}. */
    public static String split(String name) {
        if (name == null) {
            return "";
        }
        return name.replaceAll("([a-z0-9])([A-Z])", "$1 $2").replace('_', ' ').replace('-', ' ').toLowerCase(Locale.ROOT);
    }

    /** Words of {@code vocabulary} found in {@code text} as whole words or word prefixes (refund → refunds). */
    public static List<String> matches(String text, List<String> vocabulary) {
        List<String> out = new ArrayList<>();
        String[] tokens = text.toLowerCase(Locale.ROOT).split("[^a-z0-9]+");
        for (String w : vocabulary) {
            for (String tok : tokens) {
                if (tok.equals(w) || (w.length() >= 4 && tok.startsWith(w) && tok.length() <= w.length() + 3)) {
                    out.add(w);
                    break;
                }
            }
        }
        return out;
    }
}
