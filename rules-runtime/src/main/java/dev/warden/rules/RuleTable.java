package dev.warden.rules;

import dev.warden.rules.match.Predicate;
import dev.warden.rules.match.ValueMatcher;
import dev.warden.rules.state.StateRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A policy compiled for evaluation: per kind, an index of the rules that can apply and of the
 * {@code after} conditions whose sightings must be remembered; the {@code regions} map compiled
 * into a host classifier; stable state slots for stateful rules.
 *
 * <p>Immutable and safely shared: the {@link Evaluator} publishes a table through one volatile
 * reference, so a thread sees either the old table or the new one, never a half-built one.
 */
public final class RuleTable {
    /** An {@code after} condition: remember in the session when an action matching it went ahead. */
    static final class Condition implements KindIndex.Entry {
        final int id;
        /** The session bit of an {@code after}, or the sightings slot of a {@code requires}. */
        final int slot;
        final Predicate predicate;
        /** For a requires predecessor: record sightings (with this bound field, or null) instead of a bit. */
        final boolean sighting;
        final String[] bindPath;
        /** What is left to test once the index offered this condition ({@link KindIndex#residual}). */
        final Predicate rest;

        Condition(int id, int slot, Predicate predicate, boolean sighting, String[] bindPath) {
            this.id = id;
            this.slot = slot;
            this.predicate = predicate;
            this.rest = KindIndex.residual(predicate);
            this.sighting = sighting;
            this.bindPath = bindPath;
        }

        @Override
        public int entryId() {
            return id;
        }

        @Override
        public Predicate predicate() {
            return predicate;
        }
    }

    final Policy policy;
    final Rule[] rules;
    private final KindIndex<Rule>[] ruleIndex;
    private final KindIndex<Condition>[] conditionIndex;
    final int conditionCount;
    /** What is left to test of each rule's match once the index offered it ({@link KindIndex#residual}), by rule index. */
    final Predicate[] matchRest;
    /** Session-state slot of each rule's {@code after}, by rule index; -1 when none. */
    final int[] afterSlot;
    /** Window slot of each rule's {@code limit}, by rule index; -1 when none. */
    final int[] limitSlot;
    /** Budget slot of each rule's {@code budget}, by rule index; -1 when none. */
    final int[] budgetSlot;
    /** Sightings slot of each rule's {@code requires}, by rule index; -1 when none. */
    final int[] requiresSlot;
    final boolean hasConditions;
    private final Map<String, String> regionExact;
    private final SuffixMap<String> regionSuffix;
    private final List<Map.Entry<ValueMatcher, String>> regionGlobs;
    final int maxEntries;

    @SuppressWarnings("unchecked")
    private RuleTable(Policy policy, StateRegistry registry) {
        this.policy = policy;
        this.rules = policy.rules.toArray(new Rule[0]);
        this.afterSlot = new int[rules.length];
        this.limitSlot = new int[rules.length];
        this.budgetSlot = new int[rules.length];
        this.requiresSlot = new int[rules.length];
        this.matchRest = new Predicate[rules.length];
        Map<String, Condition> conditions = new LinkedHashMap<>();
        for (Rule r : rules) {
            afterSlot[r.index] = -1;
            limitSlot[r.index] = -1;
            budgetSlot[r.index] = -1;
            requiresSlot[r.index] = -1;
            matchRest[r.index] = KindIndex.residual(r.match);
            if (r.after != null) {
                String key = r.after.describe();
                Condition c = conditions.computeIfAbsent(key, k -> new Condition(conditions.size(), registry.conditionSlot(k), r.after, false, null));
                afterSlot[r.index] = c.slot;
            }
            if (r.limit != null) {
                limitSlot[r.index] = registry.limitSlot(r.limitKey());
            }
            if (r.budget != null) {
                budgetSlot[r.index] = registry.limitSlot(r.budgetKey());
            }
            if (r.requires != null) {
                String key = r.requiresKey();
                Condition c = conditions.computeIfAbsent(key, k -> new Condition(conditions.size(), registry.limitSlot(k), r.requires.before(), true, r.requires.earlierPath()));
                requiresSlot[r.index] = c.slot;
            }
        }
        List<Condition> conds = new ArrayList<>(conditions.values());
        this.conditionCount = conds.size();
        this.hasConditions = !conds.isEmpty();
        ruleIndex = new KindIndex[Kind.count()];
        conditionIndex = new KindIndex[Kind.count()];
        List<Rule> ruleList = List.of(rules);
        for (Kind k : Kind.values()) {
            ruleIndex[k.ordinal()] = new KindIndex<>(k, ruleList);
            conditionIndex[k.ordinal()] = new KindIndex<>(k, conds);
        }
        this.maxEntries = Math.max(rules.length, conds.size()) + 1;

        regionExact = new HashMap<>();
        Map<String, String> suffix = new LinkedHashMap<>();
        regionGlobs = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : policy.regions.entrySet()) {
            for (String pattern : e.getValue()) {
                ValueMatcher m = ValueMatcher.glob(pattern);
                if (m.exactValues() != null) {
                    regionExact.putIfAbsent(pattern, e.getKey());
                } else if (m.subdomainSuffix() != null) {
                    suffix.putIfAbsent(m.subdomainSuffix(), e.getKey());
                } else {
                    regionGlobs.add(Map.entry(m, e.getKey()));
                }
            }
        }
        regionSuffix = new SuffixMap<>(suffix);
    }

    /** Compiles a policy; slots for stateful rules come from (and stay stable in) the registry. */
    public static RuleTable compile(Policy policy, StateRegistry registry) {
        return new RuleTable(policy, registry);
    }

    public Policy policy() {
        return policy;
    }

    public int size() {
        return rules.length;
    }

    int collectRules(Action a, Object[] out, int[] stamps, int epoch) {
        return ruleIndex[a.kind.ordinal()].collect(a, out, stamps, epoch);
    }

    int collectConditions(Action a, Object[] out, int[] stamps, int epoch) {
        return conditionIndex[a.kind.ordinal()].collect(a, out, stamps, epoch);
    }

    /** The region whose patterns match the host (the most specific suffix wins), or null. No allocation. */
    public String regionOf(String host) {
        if (host == null) {
            return null;
        }
        String r = regionExact.get(host);
        if (r != null) {
            return r;
        }
        if (!regionSuffix.isEmpty()) {
            for (int i = host.indexOf('.'); i >= 0; i = host.indexOf('.', i + 1)) {
                r = regionSuffix.get(host, i + 1);
                if (r != null) {
                    return r;
                }
            }
        }
        for (int i = 0; i < regionGlobs.size(); i++) {
            Map.Entry<ValueMatcher, String> g = regionGlobs.get(i);
            if (g.getKey().test(host)) {
                return g.getValue();
            }
        }
        return null;
    }

    /** Rules visited for an action (for the flat-cost tests and for explain). */
    int candidateCount(Action a, Decision d) {
        d.begin(this);
        return collectRules(a, d.candidates, d.stamps, d.epoch);
    }
}
