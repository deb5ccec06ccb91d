package dev.warden.rules;

import java.util.List;
import java.util.Map;

/**
 * A parsed, validated policy: its header and compiled rules. Immutable. Turn it into a
 * {@link RuleTable} with {@link RuleTable#compile} (the {@link Evaluator} does this on install).
 */
public final class Policy {
    public final String name;
    /** Language version as written ({@code 1} or {@code 1.1}). */
    public final String language;
    public final Verdict defaultVerdict;
    public final Mode mode;
    /** Region name to host patterns (normalised). */
    public final Map<String, List<String>> regions;
    public final List<Rule> rules;
    /** {@code sha256:<hex>} of the policy's bytes. */
    public final String version;
    /** Monotonic serial when the collector distributed the policy; 0 for a local file. */
    public final long serial;
    /** Where the policy came from (a file path, or {@code collector}). */
    public final String source;
    /** Warnings found while validating (the policy is still usable). */
    public final List<String> warnings;

    public Policy(String name, String language, Verdict defaultVerdict, Mode mode,
                  Map<String, List<String>> regions, List<Rule> rules, String version, long serial,
                  String source, List<String> warnings) {
        this.name = name;
        this.language = language;
        this.defaultVerdict = defaultVerdict;
        this.mode = mode;
        this.regions = regions;
        this.rules = List.copyOf(rules);
        this.version = version;
        this.serial = serial;
        this.source = source;
        this.warnings = List.copyOf(warnings);
    }

    /** The same policy with a distribution serial. */
    public Policy withSerial(long newSerial, String newSource) {
        return new Policy(name, language, defaultVerdict, mode, regions, rules, version, newSerial, newSource, warnings);
    }

    public Rule rule(String id) {
        for (Rule r : rules) {
            if (r.id.equals(id)) {
                return r;
            }
        }
        return null;
    }

    /** A policy that denies everything: what {@code failure=closed} enforces when no policy could be loaded. */
    public static Policy denyAll(String why) {
        return new Policy("deny-all (" + why + ")", "1", Verdict.DENY, Mode.ENFORCE, Map.of(), List.of(), "none", 0, "failsafe", List.of());
    }

    /** A policy that allows everything (failure=open). */
    public static Policy allowAll(String why) {
        return new Policy("allow-all (" + why + ")", "1", Verdict.ALLOW, Mode.ENFORCE, Map.of(), List.of(), "none", 0, "failsafe", List.of());
    }

    @Override
    public String toString() {
        return name + " (" + rules.size() + " rules, " + version + ")";
    }
}
