package dev.warden.rules;

import dev.warden.rules.match.AttrMatcher;
import dev.warden.rules.match.Predicate;
import dev.warden.rules.match.ValueMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The entries (rules, or {@code after} conditions) that can apply to actions of one kind,
 * indexed by the kind's primary attribute so that an action only visits entries that could
 * match it: exact tool names, exact hosts, {@code *.suffix} host globs walked dot by dot, exact
 * table names, exact commands. Entries whose primary test is anything else (a {@code not}, a
 * regex, a general glob, or no test at all) sit in a short generic list.
 *
 * <p>Immutable; {@link #collect} is lock-free and allocation-free: candidates go into the
 * caller's scratch array and are de-duplicated by an epoch stamp per entry id.
 */
final class KindIndex<T extends KindIndex.Entry> {
    /** Something an index holds: an id unique within its table, and the predicate to test. */
    interface Entry {
        int entryId();

        Predicate predicate();
    }

    private final Attr primary;
    private final Map<String, Object[]> exact;
    private final SuffixMap<Object[]> suffixes;
    private final Object[] generic;

    KindIndex(Kind kind, List<T> entries) {
        this.primary = primaryOf(kind);
        Map<String, List<T>> ex = new HashMap<>();
        Map<String, List<T>> sx = new HashMap<>();
        List<T> gen = new ArrayList<>();
        for (T e : entries) {
            Predicate p = e.predicate();
            if (p.kind != null && p.kind != kind) {
                continue;
            }
            AttrMatcher t = p.test(primary);
            if (!indexable(t, primary)) {
                gen.add(e);
                continue;
            }
            for (ValueMatcher m : t.matcher.members()) {
                if (m.exactValues() != null) {
                    for (String v : m.exactValues()) {
                        ex.computeIfAbsent(v, k -> new ArrayList<>()).add(e);
                    }
                } else {
                    sx.computeIfAbsent(m.subdomainSuffix(), k -> new ArrayList<>()).add(e);
                }
            }
        }
        this.exact = new HashMap<>();
        ex.forEach((k, v) -> exact.put(k, v.toArray()));
        Map<String, Object[]> sxa = new LinkedHashMap<>();
        sx.forEach((k, v) -> sxa.put(k, v.toArray()));
        this.suffixes = new SuffixMap<>(sxa);
        this.generic = gen.toArray();
    }

    private static Attr primaryOf(Kind kind) {
        switch (kind) {
            case TOOL: return Attr.TOOL;
            case HTTP: return Attr.HOST;
            case SQL: return Attr.TABLES;
            default: return Attr.COMMAND;
        }
    }

    /** True when every member of the test is an exact value or (for hosts) a {@code *.suffix}. */
    private static boolean indexable(AttrMatcher t, Attr primary) {
        if (t == null) {
            return false;
        }
        for (ValueMatcher m : t.matcher.members()) {
            boolean ok = m.exactValues() != null || (primary == Attr.HOST && m.subdomainSuffix() != null);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes every entry that could match {@code a} into {@code out} (each once) and returns how
     * many. {@code stamps} is indexed by entry id and holds the epoch an entry was last added in.
     */
    int collect(Action a, Object[] out, int[] stamps, int epoch) {
        int n = 0;
        switch (primary) {
            case HOST: {
                String host = a.host;
                if (host != null) {
                    n = add(exact.get(host), out, n, stamps, epoch);
                    if (!suffixes.isEmpty()) {
                        for (int i = host.indexOf('.'); i >= 0; i = host.indexOf('.', i + 1)) {
                            n = add(suffixes.get(host, i + 1), out, n, stamps, epoch);
                        }
                    }
                }
                break;
            }
            case TABLES:
                for (int i = 0; i < a.tableCount; i++) {
                    n = add(exact.get(a.tables[i]), out, n, stamps, epoch);
                }
                break;
            default: {
                String key = primary.text(a);
                if (key != null) {
                    n = add(exact.get(key), out, n, stamps, epoch);
                }
            }
        }
        return add(generic, out, n, stamps, epoch);
    }

    private static int add(Object[] entries, Object[] out, int n, int[] stamps, int epoch) {
        if (entries == null) {
            return n;
        }
        for (Object o : entries) {
            int id = ((Entry) o).entryId();
            if (stamps[id] != epoch) {
                stamps[id] = epoch;
                // stored only when it changes: a reference store into the (old) scratch array costs a G1 barrier with a fence
                if (out[n] != o) {
                    out[n] = o;
                }
                n++;
            }
        }
        return n;
    }

    /**
     * What is left to test of {@code p} once the index of its kind offered the entry: without its
     * primary test when that test is exact values on a tool name or command, because the index
     * offers such an entry only for an action whose name is one of those values (an exact-map hit
     * is the test). {@code p} itself otherwise: a predicate for every kind also sits in other
     * kinds' generic lists, and hosts and tables are matched by more than string equality.
     */
    static Predicate residual(Predicate p) {
        if (p.kind != Kind.TOOL && p.kind != Kind.PROCESS) {
            return p;
        }
        Attr primary = primaryOf(p.kind);
        AttrMatcher t = p.test(primary);
        if (!indexable(t, primary)) {
            return p; // in the generic list: nothing tested it yet
        }
        AttrMatcher[] rest = new AttrMatcher[p.tests.length - 1];
        int n = 0;
        for (AttrMatcher other : p.tests) {
            if (other != t) {
                rest[n++] = other;
            }
        }
        return new Predicate(p.kind, rest);
    }

    int genericCount() {
        return generic.length;
    }

    int exactKeys() {
        return exact.size();
    }
}
