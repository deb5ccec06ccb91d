package dev.warden.scanner.policy;

import dev.warden.rules.Action;
import dev.warden.rules.Attr;
import dev.warden.rules.Decision;
import dev.warden.rules.Evaluator;
import dev.warden.rules.Hosts;
import dev.warden.rules.Kind;
import dev.warden.rules.Mode;
import dev.warden.rules.Policy;
import dev.warden.rules.Rule;
import dev.warden.rules.SqlOperation;
import dev.warden.rules.Verdict;
import dev.warden.rules.match.AttrMatcher;
import dev.warden.rules.match.JsonSlice;
import dev.warden.scanner.Catalog;
import dev.warden.scanner.Inventory;
import dev.warden.scanner.Risk;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code warden policy coverage POLICY INVENTORY}: for every discovered tool, host, table and
 * process command, the actions it stands for are evaluated with the real {@link Evaluator}, and
 * the rules that apply are reported.
 *
 * <p>Semantics (also in {@code INVENTORY.md}):
 * <ul>
 * <li>A tool is evaluated as a call with empty arguments; a host as a {@code GET} and a
 *     {@code POST} to {@code /} on each scheme and port seen, not as model traffic; a table once
 *     per operation seen on it; a process with each argument list seen.</li>
 * <li>{@code governed}: some rule applied (enforced or monitored), or the policy's default is
 *     {@code deny} (an allowlist governs everything it does not name).</li>
 * <li>{@code conditional}: no rule applied to the plain action, but a rule names it with a
 *     condition the scan cannot know: tool arguments, an {@code after} sequence or a
 *     {@code limit}. It counts as governed, and the report says by what.</li>
 * <li>{@code ungoverned}: only {@code default: allow} decides it.</li>
 * </ul>
 * An item is consequential when it writes (SQL other than SELECT), leaves the network (an
 * external or run-time host), launches a process, or looks like money or personal data (a tool
 * with such a risk factor, a table with such a name). The command exits 1 when a consequential
 * item is ungoverned. File writes are listed but cannot be governed by policy language 1.
 *
 * <p>A run-time destination ({@link Inventory.Dynamic}) is evaluated as the same kind of action to
 * a name no rule can know ({@value #UNNAMED_HOST}, table {@value #UNNAMED_TABLE}, command
 * {@value #UNNAMED_COMMAND}; SQL once per operation): it is governed when the policy has a rule
 * for such calls whatever their destination, or denies by default.
 *
 * <p>Single use, one thread.
 */
public final class Coverage {
    public enum Status { GOVERNED, CONDITIONAL, UNGOVERNED }

    /** One line of the report. */
    public record Row(String kind, String item, Status status, List<String> rules, String verdict, String consequential) {
    }

    private final Policy policy;
    private final Evaluator evaluator;
    private final Action action = new Action();
    private final Decision decision = new Decision();
    private final JsonSlice scratch = new JsonSlice();

    /** Stand-ins for a destination the policy cannot know by name: rules that name hosts, tables or commands do not match them. */
    static final String UNNAMED_HOST = "run-time-destination.invalid";
    static final String UNNAMED_TABLE = "run_time_table";
    static final String UNNAMED_COMMAND = "run-time-command";

    public Coverage(Policy policy) {
        this.policy = policy;
        this.evaluator = new Evaluator(policy);
    }

    public List<Row> check(Inventory inv) {
        List<Row> rows = new ArrayList<>();
        for (Inventory.Tool t : inv.tools) {
            action.reset().kind(Kind.TOOL).tool(t.name).framework(frameworkLabel(t.framework)).args("{}").agent("coverage").session("coverage-" + t.id);
            rows.add(row("tool", t.name, List.of(copy()), toolConsequence(t)));
        }
        for (Inventory.Host h : inv.hosts) {
            List<Action> actions = new ArrayList<>();
            List<String> schemes = h.schemes.isEmpty() ? List.of("https") : h.schemes;
            for (String scheme : schemes) {
                for (String method : new String[] {"GET", "POST"}) {
                    int port = h.ports.isEmpty() ? ("http".equals(scheme) ? 80 : 443) : h.ports.get(0);
                    String host = Hosts.normalize(h.host);
                    actions.add(new Action().kind(Kind.HTTP).method(method).scheme(scheme).host(host).port(port).path("/")
                            .url(scheme + "://" + host + "/").client("jdk").agent("coverage").session("coverage-" + h.id));
                }
            }
            String why = Boolean.FALSE.equals(h.external) ? null : "egress to an external host";
            rows.add(row("host", h.host, actions, why));
        }
        for (Inventory.Table tb : inv.tables) {
            List<Action> actions = new ArrayList<>();
            Set<String> writes = new LinkedHashSet<>();
            for (String op : tb.operations) {
                SqlOperation o = SqlOperation.of(op);
                actions.add(new Action().kind(Kind.SQL).operation(o == null ? SqlOperation.OTHER : o).tables(new String[] {tb.name}, 1)
                        .statement(op + " " + tb.name).agent("coverage").session("coverage-" + tb.id));
                if (!"SELECT".equals(op)) {
                    writes.add(op);
                }
            }
            String why = !writes.isEmpty() ? "writes (" + String.join(", ", writes) + ")" : null;
            if (why == null && looksSensitive(tb.name)) {
                why = "money or personal data by its name";
            }
            rows.add(row("table", tb.name, actions, why));
        }
        for (Inventory.ProcessCommand p : inv.processes) {
            List<Action> actions = new ArrayList<>();
            List<List<String>> argLists = p.args.isEmpty() ? List.of(List.of()) : p.args;
            for (List<String> args : argLists) {
                actions.add(new Action().kind(Kind.PROCESS).command(p.command).processArgs(args.toArray(String[]::new))
                        .agent("coverage").session("coverage-" + p.id));
            }
            rows.add(row("process", p.command + (p.args.isEmpty() ? "" : " " + String.join(" ", p.args.get(0))), actions, "process launch"));
        }
        for (Inventory.FileTarget f : inv.files) {
            rows.add(new Row("file", f.path, Status.UNGOVERNED, List.of(), "-", null));
        }
        // run-time destinations: what the policy does with a destination it does not name
        for (Inventory.Dynamic d : inv.dynamic) {
            List<Action> actions = new ArrayList<>();
            String why;
            switch (d.kind) {
                case "http":
                    for (String method : new String[] {"GET", "POST"}) {
                        actions.add(new Action().kind(Kind.HTTP).method(method).scheme("https").host(UNNAMED_HOST).port(443).path("/")
                                .url("https://" + UNNAMED_HOST + "/").client("jdk").agent("coverage").session("coverage-" + d.id));
                    }
                    why = "egress to a destination known only at run time";
                    break;
                case "sql":
                    for (SqlOperation o : new SqlOperation[] {SqlOperation.SELECT, SqlOperation.INSERT, SqlOperation.UPDATE, SqlOperation.DELETE,
                        SqlOperation.MERGE, SqlOperation.DDL}) {
                        actions.add(new Action().kind(Kind.SQL).operation(o).tables(new String[] {UNNAMED_TABLE}, 1)
                                .statement(o.name() + " " + UNNAMED_TABLE).agent("coverage").session("coverage-" + d.id));
                    }
                    why = "SQL built at run time (any table, any operation)";
                    break;
                case "process":
                    actions.add(new Action().kind(Kind.PROCESS).command(UNNAMED_COMMAND).processArgs(new String[0], 0)
                            .agent("coverage").session("coverage-" + d.id));
                    why = "process launch with a command known only at run time";
                    break;
                default:
                    rows.add(new Row("run-time " + d.kind, d.site, Status.UNGOVERNED, List.of(), "-", null));
                    continue;
            }
            rows.add(row("run-time " + d.kind, d.site, actions, why));
        }
        return rows;
    }

    /** True when any consequential item is ungoverned (exit 1). File rows never count: no policy can govern them. */
    public static boolean failing(List<Row> rows) {
        return rows.stream().anyMatch(r -> r.status == Status.UNGOVERNED && r.consequential != null && !r.kind.endsWith("file"));
    }

    private Action copy() {
        return new Action().copyFrom(action);
    }

    private Row row(String kind, String item, List<Action> actions, String consequential) {
        Set<String> rules = new LinkedHashSet<>();
        Set<String> conditional = new LinkedHashSet<>();
        Verdict worst = null;
        for (Action a : actions) {
            evaluator.evaluate(a, decision);
            for (int i = 0; i < decision.matchedCount(); i++) {
                Rule r = decision.matched(i);
                rules.add(r.id + (r.mode == Mode.MONITOR ? " (monitor)" : ""));
            }
            worst = decision.verdict().max(worst);
            for (Rule r : policy.rules) {
                if (!decision.matchedIds().contains(r.id) && namesConditionally(r, a)) {
                    conditional.add(r.id + " (" + conditionOf(r) + ")");
                }
            }
        }
        Status status;
        List<String> shown = new ArrayList<>(rules);
        if (!rules.isEmpty()) {
            status = Status.GOVERNED;
            conditional.forEach(shown::add);
        } else if (!conditional.isEmpty()) {
            status = Status.CONDITIONAL;
            shown.addAll(conditional);
        } else if (policy.defaultVerdict == Verdict.DENY) {
            status = Status.GOVERNED;
            shown.add("default: deny");
        } else {
            status = Status.UNGOVERNED;
        }
        return new Row(kind, item, status, shown, worst == null ? "-" : worst.label, consequential);
    }

    /**
     * True when every test of the rule's match holds except those on tool arguments, or the match
     * holds and the rule is stateful: the rule governs this item under a condition.
     */
    private boolean namesConditionally(Rule r, Action a) {
        if (r.match.kind != null && r.match.kind != a.kind()) {
            return false;
        }
        boolean skippedArgs = false;
        for (AttrMatcher t : r.match.tests) {
            if (t.attr == Attr.TOOL_ARGS || t.attr == Attr.ARG_PATH) {
                skippedArgs = true;
                continue;
            }
            if (!t.matches(a, scratch)) {
                return false;
            }
        }
        return skippedArgs || r.isStateful();
    }

    private static String conditionOf(Rule r) {
        List<String> parts = new ArrayList<>();
        for (AttrMatcher t : r.match.tests) {
            if (t.attr == Attr.TOOL_ARGS || t.attr == Attr.ARG_PATH) {
                parts.add("depends on arguments");
                break;
            }
        }
        if (r.after != null) {
            parts.add("after " + r.after.describe());
        }
        if (r.limit != null) {
            parts.add("beyond " + r.limit.text());
        }
        return String.join(", ", parts);
    }

    private static String toolConsequence(Inventory.Tool t) {
        if (t.risk == null) {
            return null;
        }
        List<String> f = new ArrayList<>();
        for (Inventory.Reason r : t.risk.reasons) {
            if (Risk.CONSEQUENTIAL.contains(r.factor) || r.factor.equals("pii")) {
                f.add(r.factor);
            }
        }
        return f.isEmpty() ? null : String.join(", ", f);
    }

    private static boolean looksSensitive(String table) {
        String words = table.replace('_', ' ').replace('.', ' ');
        return !Risk.matches(words, Catalog.MONEY_WORDS).isEmpty()
                || !Risk.matches(words, Catalog.PII_WORDS).isEmpty();
    }

    static String frameworkLabel(String f) {
        return f == null ? "custom" : f;
    }
}
