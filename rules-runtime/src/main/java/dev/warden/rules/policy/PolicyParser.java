package dev.warden.rules.policy;

import dev.warden.rules.Attr;
import dev.warden.rules.Hosts;
import dev.warden.rules.Kind;
import dev.warden.rules.Modify;
import dev.warden.rules.When;
import dev.warden.rules.Mode;
import dev.warden.rules.Policy;
import dev.warden.rules.Rule;
import dev.warden.rules.SqlOperation;
import dev.warden.rules.Verdict;
import dev.warden.rules.match.AttrMatcher;
import dev.warden.rules.match.JsonSlice;
import dev.warden.rules.match.Predicate;
import dev.warden.rules.match.ValueMatcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parses and validates a policy (DESIGN.md, "Policy language"). Every problem is reported as
 * {@code file:line:column: what is wrong}, with a suggestion for a misspelt key or value; a
 * policy with any problem is refused as a whole ({@link PolicyException}).
 */
public final class PolicyParser {
    private static final Set<String> TOP_KEYS = new LinkedHashSet<>(List.of("version", "name", "description", "default", "mode", "regions", "rules"));
    private static final Set<String> RULE_KEYS = new LinkedHashSet<>(List.of("id", "description", "match", "after", "limit", "action", "approval", "controls", "mode"));
    private static final Set<String> RULE_KEYS_11 = new LinkedHashSet<>(List.of("modify", "budget", "requires", "when"));
    private static final Set<String> OPERATORS = new LinkedHashSet<>(List.of("not", "gt", "gte", "lt", "lte", "regex"));
    private static final Set<String> LIMIT_KEYS = new LinkedHashSet<>(List.of("max", "per", "scope"));
    private static final Set<String> APPROVAL_KEYS = new LinkedHashSet<>(List.of("timeout", "on_timeout"));
    private static final Pattern RULE_ID = Pattern.compile("[A-Za-z0-9_.:/-]+");

    private final String file;
    private final Problems problems;
    private Map<String, List<String>> regions = Map.of();
    private String language = "1";

    private PolicyParser(String file) {
        this.file = file;
        this.problems = new Problems(file);
    }

    /** Reads and parses a policy file. */
    public static Policy parse(Path path) throws PolicyException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new PolicyException(List.of(path + ":1:1: cannot read the policy: " + describe(e)));
        }
        return parse(bytes, path.toString());
    }

    private static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** Parses policy bytes; {@code file} names them in error messages. */
    public static Policy parse(byte[] bytes, String file) throws PolicyException {
        PolicyParser p = new PolicyParser(file);
        Policy policy = p.doParse(bytes);
        if (p.problems.hasErrors()) {
            throw new PolicyException(p.problems.errors());
        }
        return policy;
    }

    public static String sha256(byte[] bytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
            StringBuilder sb = new StringBuilder("sha256:");
            for (byte b : d) {
                sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Policy doParse(byte[] bytes) {
        YamlNode root = YamlNode.parse(bytes, problems);
        if (root == null) {
            return null;
        }
        if (root.type != YamlNode.Type.MAP) {
            problems.add(root, "a policy is a map with version, name, default and rules; found " + root.describeType());
            return null;
        }
        checkKeys(root, TOP_KEYS, "policy");

        YamlNode v = root.get("version");
        if (v == null) {
            problems.add(1, 1, "missing 'version' (write version: 1)");
        } else if (!v.isScalar() || !(v.text.equals("1") || v.text.equals("1.0") || v.text.equals("1.1"))) {
            problems.add(v, "unsupported version '" + v.text + "' (supported: 1, 1.1)");
        } else {
            language = v.text.equals("1.1") ? "1.1" : "1";
        }
        String name = scalar(root, "name", true);
        Verdict def = Verdict.ALLOW;
        YamlNode d = root.get("default");
        if (d != null) {
            def = verdict(d, EnumSet.of(Verdict.ALLOW, Verdict.DENY), "default");
        }
        Mode mode = Mode.ENFORCE;
        YamlNode m = root.get("mode");
        if (m != null) {
            mode = mode(m);
        }
        regions = parseRegions(root.get("regions"));

        List<Rule> rules = new ArrayList<>();
        YamlNode rs = root.get("rules");
        if (rs == null) {
            problems.warn(1, 1, "no 'rules': the default decides every action");
        } else if (rs.type == YamlNode.Type.LIST) {
            Map<String, YamlNode> ids = new HashMap<>();
            for (YamlNode rn : rs.list()) {
                Rule r = parseRule(rn, rules.size(), mode, ids);
                if (r != null) {
                    rules.add(r);
                }
            }
            checkModifyConflicts(rules, ids);
        } else if (rs.type != YamlNode.Type.NULL) {
            problems.add(rs, "'rules' is a list of rules; found " + rs.describeType());
        }
        if (problems.hasErrors()) {
            return null;
        }
        return new Policy(name == null ? "unnamed" : name, language, def == null ? Verdict.ALLOW : def, mode == null ? Mode.ENFORCE : mode,
                regions, rules, sha256(bytes), 0, file, problems.warnings());
    }

    private Map<String, List<String>> parseRegions(YamlNode n) {
        if (n == null || n.type == YamlNode.Type.NULL) {
            return Map.of();
        }
        if (n.type != YamlNode.Type.MAP) {
            problems.add(n, "'regions' maps a region name to host patterns; found " + n.describeType());
            return Map.of();
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, YamlNode> e : n.map().entrySet()) {
            List<String> hosts = new ArrayList<>();
            for (YamlNode h : scalars(e.getValue())) {
                hosts.add(Hosts.normalize(h.text));
            }
            out.put(e.getKey(), hosts);
        }
        return out;
    }

    private Rule parseRule(YamlNode rn, int index, Mode policyMode, Map<String, YamlNode> ids) {
        if (rn.type != YamlNode.Type.MAP) {
            problems.add(rn, "a rule is a map with id, match and action; found " + rn.describeType());
            return null;
        }
        int before = problems.errors().size();
        Set<String> allowed = new LinkedHashSet<>(RULE_KEYS);
        allowed.addAll(RULE_KEYS_11);
        for (String k : rn.map().keySet()) {
            if (RULE_KEYS_11.contains(k) && !"1.1".equals(language)) {
                int[] pos = rn.keyPosition(k);
                problems.add(pos[0], pos[1], "'" + k + "' is policy language 1.1; write version: 1.1");
            }
        }
        checkKeys(rn, allowed, "rule");
        String id = scalar(rn, "id", true);
        if (id != null) {
            if (!RULE_ID.matcher(id).matches()) {
                problems.add(rn.get("id"), "rule id '" + id + "' may only hold letters, digits and _ . : / -");
            } else if (ids.containsKey(id)) {
                problems.add(rn.get("id"), "duplicate rule id '" + id + "' (first at line " + ids.get(id).line + ")");
            } else {
                ids.put(id, rn.get("id"));
            }
        }
        String description = scalar(rn, "description", false);
        YamlNode an = rn.get("action");
        Verdict action = null;
        if (an == null) {
            problems.add(rn, "rule '" + id + "' has no 'action' (allow, deny or escalate)");
        } else {
            action = verdict(an, EnumSet.of(Verdict.ALLOW, Verdict.DENY, Verdict.ESCALATE, Verdict.MODIFY), "action");
            if (action == Verdict.MODIFY && !"1.1".equals(language)) {
                problems.add(an, "action 'modify' is policy language 1.1; write version: 1.1");
            }
        }
        Mode mode = policyMode;
        YamlNode mn = rn.get("mode");
        if (mn != null) {
            Mode rm = mode(mn);
            mode = policyMode == Mode.MONITOR ? Mode.MONITOR : rm;
        }
        YamlNode matchNode = rn.get("match");
        Predicate match;
        if (matchNode == null) {
            problems.add(rn, "rule '" + id + "' has no 'match' (write match: {} to match every action)");
            match = new Predicate(null, new AttrMatcher[0]);
        } else {
            match = predicate(matchNode, "match");
        }
        Predicate after = null;
        YamlNode afterNode = rn.get("after");
        if (afterNode != null) {
            after = predicate(afterNode, "after");
        }
        Rule.Limit limit = parseLimit(rn.get("limit"));
        Rule.Approval approval = parseApproval(rn.get("approval"), action);
        Rule.Budget budget = rn.get("budget") == null ? null : parseBudget(rn.get("budget"), match);
        Rule.Requires requires = rn.get("requires") == null ? null : parseRequires(rn.get("requires"));
        When when = rn.get("when") == null ? null : parseWhen(rn.get("when"));
        Modify modify = null;
        if (rn.get("modify") != null) {
            if (action != null && action != Verdict.MODIFY) {
                problems.add(rn.get("modify"), "'modify' applies only to action: modify");
            } else {
                modify = parseModify(rn.get("modify"), match);
            }
        } else if (action == Verdict.MODIFY) {
            problems.add(an, "action 'modify' needs a 'modify' map saying what to change");
        }
        List<String> controls = new ArrayList<>();
        YamlNode cn = rn.get("controls");
        if (cn != null) {
            for (YamlNode c : scalars(cn)) {
                controls.add(c.text);
            }
        }
        if (limit != null && budget != null) {
            problems.add(rn.get("budget"), "a rule has either a limit or a budget; split rule '" + id + "' in two");
        }
        if (problems.errors().size() > before || action == null || match == null || (afterNode != null && after == null)) {
            return null;
        }
        if (after != null || requires != null || (limit != null && limit.scope() == Rule.Scope.SESSION)
                || (budget != null && budget.scope() == Rule.Scope.SESSION)) {
            problems.warn(rn.line, rn.column, "rule '" + id + "' depends on session identity: outside a recognised framework entry point "
                    + "the session is the thread's, and pooled threads can merge unrelated work");
        }
        return new Rule(id, index, description, action, mode == null ? Mode.ENFORCE : mode, match, after, limit, budget, requires, when, modify,
                approval, controls, rn.line);
    }

    // ------------------------------------------------------------------ language 1.1

    private static final Set<String> BUDGET_KEYS = new LinkedHashSet<>(List.of("sum", "max", "per", "scope"));
    private static final Set<String> REQUIRES_KEYS = new LinkedHashSet<>(List.of("before", "within"));
    private static final Set<String> WHEN_KEYS = new LinkedHashSet<>(List.of("days", "hours", "zone"));
    private static final Set<String> EDIT_KEYS = new LinkedHashSet<>(List.of("min", "max", "set"));
    private static final Map<String, java.time.DayOfWeek> DAYS = Map.of("mon", java.time.DayOfWeek.MONDAY, "tue", java.time.DayOfWeek.TUESDAY,
            "wed", java.time.DayOfWeek.WEDNESDAY, "thu", java.time.DayOfWeek.THURSDAY, "fri", java.time.DayOfWeek.FRIDAY,
            "sat", java.time.DayOfWeek.SATURDAY, "sun", java.time.DayOfWeek.SUNDAY);

    private Rule.Budget parseBudget(YamlNode n, Predicate match) {
        if (n.type != YamlNode.Type.MAP) {
            problems.add(n, "'budget' is a map: { sum: args.amount, max: 1000, per: 24h, scope: agent }");
            return null;
        }
        checkKeys(n, BUDGET_KEYS, "budget");
        YamlNode sum = n.get("sum");
        String[] path = null;
        if (sum == null || !sum.isScalar() || !sum.text.startsWith("args.") || sum.text.length() < 6) {
            problems.add(sum == null ? n : sum, "'sum' names the tool argument to add up, such as args.amount");
        } else {
            path = JsonSlice.path(sum.text.substring(5));
            if (match != null && match.kind != null && match.kind != Kind.TOOL) {
                problems.add(sum, "'sum: " + sum.text + "' reads tool arguments; this rule matches kind " + match.kind);
            }
        }
        YamlNode maxN = n.get("max");
        double max = -1;
        if (maxN == null || !maxN.number || Double.parseDouble(maxN.text) <= 0) {
            problems.add(maxN == null ? n : maxN, "'max' is a positive number");
        } else {
            max = Double.parseDouble(maxN.text);
        }
        long per = duration(n.get("per"), "per", true);
        Rule.Scope scope = Rule.Scope.SESSION;
        if (n.get("scope") != null) {
            scope = n.get("scope").isScalar() ? Rule.Scope.of(n.get("scope").text) : null;
            if (scope == null) {
                problems.add(n.get("scope"), "unknown scope '" + n.get("scope").text + "'" + Suggest.hint(String.valueOf(n.get("scope").text), List.of("session", "agent", "principal")));
            }
        }
        if (path == null || max <= 0 || per <= 0 || scope == null) {
            return null;
        }
        return new Rule.Budget(sum.text, path, max, per, scope, Modify.fmt(max) + " of " + sum.text + " per " + Durations.format(per) + " (scope " + scope.label + ")");
    }

    private Rule.Requires parseRequires(YamlNode n) {
        if (n.type != YamlNode.Type.MAP) {
            problems.add(n, "'requires' is a map: { before: { kind: tool, tool: verifyIdentity }, within: 10m }");
            return null;
        }
        checkKeys(n, REQUIRES_KEYS, "requires");
        YamlNode b = n.get("before");
        if (b == null || b.type != YamlNode.Type.MAP) {
            problems.add(b == null ? n : b, "'requires' needs 'before': the earlier action, as a match map");
            return null;
        }
        String earlierKey = null;
        String currentKey = null;
        for (Map.Entry<String, YamlNode> e : b.map().entrySet()) {
            YamlNode v = e.getValue();
            if (v.isScalar() && v.text.startsWith("$")) {
                int[] pos = b.keyPosition(e.getKey());
                if (earlierKey != null) {
                    problems.add(pos[0], pos[1], "'before' may bind one field with $; found a second binding '" + e.getKey() + "'");
                } else if (!e.getKey().startsWith("args.") || !v.text.startsWith("$args.") || v.text.length() < 7) {
                    problems.add(v, "a binding relates tool arguments: write args.<field>: $args.<field>");
                } else {
                    earlierKey = e.getKey();
                    currentKey = v.text.substring(1);
                }
            }
        }
        bindingKey = earlierKey;
        Predicate before;
        try {
            before = predicate(b, "before");
        } finally {
            bindingKey = null;
        }
        long within = n.get("within") == null ? Long.MAX_VALUE : duration(n.get("within"), "within", false);
        if (before == null || within <= 0) {
            return null;
        }
        String text = "an earlier " + before.describe() + (earlierKey == null ? "" : " with " + earlierKey + " = " + currentKey)
                + (within == Long.MAX_VALUE ? "" : " within " + Durations.format(within));
        return new Rule.Requires(before, earlierKey, earlierKey == null ? null : JsonSlice.path(earlierKey.substring(5)),
                currentKey, currentKey == null ? null : JsonSlice.path(currentKey.substring(5)), within, text);
    }

    /** While parsing a requires-before map, the key whose value is a $ binding (skipped as a test). */
    private String bindingKey;

    private When parseWhen(YamlNode n) {
        if (n.type != YamlNode.Type.MAP) {
            problems.add(n, "'when' is a map: { days: [mon, tue], hours: \"08:00-18:00\", zone: Europe/Berlin }");
            return null;
        }
        checkKeys(n, WHEN_KEYS, "when");
        java.util.Set<java.time.DayOfWeek> days = EnumSet.noneOf(java.time.DayOfWeek.class);
        if (n.get("days") != null) {
            for (YamlNode d : scalars(n.get("days"))) {
                java.time.DayOfWeek dow = DAYS.get(d.text.toLowerCase(Locale.ROOT));
                if (dow == null) {
                    problems.add(d, "unknown day '" + d.text + "'" + Suggest.hint(d.text, List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun")));
                } else {
                    days.add(dow);
                }
            }
        }
        List<int[]> ranges = new ArrayList<>();
        YamlNode h = n.get("hours");
        if (h != null) {
            for (String part : h.text.split(",")) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\s*(\\d{1,2}):(\\d{2})\\s*-\\s*(\\d{1,2}):(\\d{2})\\s*").matcher(part);
                if (!m.matches() || Integer.parseInt(m.group(1)) > 24 || Integer.parseInt(m.group(3)) > 24
                        || Integer.parseInt(m.group(2)) > 59 || Integer.parseInt(m.group(4)) > 59) {
                    problems.add(h, "'hours' is a range such as \"08:00-18:00\" (several separated by commas); found '" + part.trim() + "'");
                    continue;
                }
                int from = Integer.parseInt(m.group(1)) * 60 + Integer.parseInt(m.group(2));
                int to = Integer.parseInt(m.group(3)) * 60 + Integer.parseInt(m.group(4));
                if (from == to) {
                    problems.add(h, "'hours' range '" + part.trim() + "' is empty");
                    continue;
                }
                ranges.add(new int[] {from, to});
            }
        }
        java.time.ZoneId zone = java.time.ZoneOffset.UTC;
        if (n.get("zone") != null) {
            try {
                zone = java.time.ZoneId.of(n.get("zone").text);
            } catch (java.time.DateTimeException e) {
                problems.add(n.get("zone"), "unknown time zone '" + n.get("zone").text + "' (use a region id such as Europe/Berlin, or UTC)");
            }
        }
        StringBuilder text = new StringBuilder();
        if (!days.isEmpty()) {
            text.append(days.toString().toLowerCase(Locale.ROOT));
        }
        if (h != null) {
            text.append(text.length() > 0 ? " " : "").append(h.text);
        }
        text.append(" ").append(zone);
        return new When(days, ranges.toArray(new int[0][]), zone, text.toString());
    }

    private Modify parseModify(YamlNode n, Predicate match) {
        if (n.type != YamlNode.Type.MAP) {
            problems.add(n, "'modify' is a map of changes: args.<field>: { max: 500 } | remove | { set: v }, headers: { set: {...}, remove: [...] }, redirect: { host: h }, max_rows: 100");
            return null;
        }
        Kind kind = match == null ? null : match.kind;
        List<Modify.ArgEdit> edits = new ArrayList<>();
        Map<String, String> setHeaders = new LinkedHashMap<>();
        List<String> removeHeaders = new ArrayList<>();
        String redirect = null;
        int maxRows = -1;
        for (Map.Entry<String, YamlNode> e : n.map().entrySet()) {
            String key = e.getKey();
            YamlNode v = e.getValue();
            int[] pos = n.keyPosition(key);
            Kind needs = key.startsWith("args.") ? Kind.TOOL : key.equals("headers") || key.equals("redirect") ? Kind.HTTP : key.equals("max_rows") ? Kind.SQL : null;
            if (needs == null) {
                problems.add(pos[0], pos[1], "unknown key '" + key + "' in modify" + Suggest.hint(key, List.of("args.<field>", "headers", "redirect", "max_rows")));
                continue;
            }
            if (kind != needs) {
                problems.add(pos[0], pos[1], "modify '" + key + "' applies to " + needs + " actions; give the rule match: { kind: " + needs + ", ... }");
                continue;
            }
            switch (key) {
                case "headers": {
                    if (v.type != YamlNode.Type.MAP) {
                        problems.add(v, "'headers' is a map: { set: { X-Agent-Id: \"${agent}\" }, remove: [Authorization] }");
                        break;
                    }
                    checkKeys(v, new LinkedHashSet<>(List.of("set", "remove")), "headers");
                    if (v.get("set") != null) {
                        if (v.get("set").type != YamlNode.Type.MAP) {
                            problems.add(v.get("set"), "'set' maps header names to values");
                        } else {
                            v.get("set").map().forEach((hk, hv) -> {
                                if (!hk.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                                    problems.add(hv, "'" + hk + "' is not a valid header name");
                                } else if (!hv.isScalar() || hv.text.indexOf('\r') >= 0 || hv.text.indexOf('\n') >= 0) {
                                    problems.add(hv, "header '" + hk + "' needs a one-line text value");
                                } else {
                                    setHeaders.put(hk, hv.text);
                                }
                            });
                        }
                    }
                    if (v.get("remove") != null) {
                        for (YamlNode h : scalars(v.get("remove"))) {
                            removeHeaders.add(h.text);
                        }
                    }
                    break;
                }
                case "redirect": {
                    if (v.type != YamlNode.Type.MAP || v.get("host") == null || !v.get("host").isScalar()) {
                        problems.add(v, "'redirect' is a map: { host: sandbox.payments.example }");
                        break;
                    }
                    checkKeys(v, new LinkedHashSet<>(List.of("host")), "redirect");
                    redirect = Hosts.normalize(v.get("host").text);
                    break;
                }
                case "max_rows": {
                    if (!v.number || !v.text.matches("\\d+") || Long.parseLong(v.text) > Integer.MAX_VALUE) {
                        problems.add(v, "'max_rows' is a whole number");
                    } else {
                        maxRows = Integer.parseInt(v.text);
                    }
                    break;
                }
                default: {
                    String[] path = JsonSlice.path(key.substring(5));
                    if (v.isScalar() && v.text.equals("remove")) {
                        edits.add(new Modify.ArgEdit(key, path, Modify.Op.REMOVE, 0, 0, null));
                    } else if (v.type == YamlNode.Type.MAP) {
                        checkKeys(v, EDIT_KEYS, "the change of '" + key + "'");
                        if (v.get("set") != null) {
                            if (v.get("min") != null || v.get("max") != null) {
                                problems.add(v, "'" + key + "': use either set or min/max");
                            }
                            edits.add(new Modify.ArgEdit(key, path, Modify.Op.SET, 0, 0, PolicyTests.toJson(v.get("set"))));
                        } else {
                            double min = Double.NEGATIVE_INFINITY;
                            double max = Double.POSITIVE_INFINITY;
                            for (String b : List.of("min", "max")) {
                                YamlNode bn = v.get(b);
                                if (bn == null) {
                                    continue;
                                }
                                if (!bn.number) {
                                    problems.add(bn, "'" + b + "' needs a number; found '" + bn.text + "'");
                                    continue;
                                }
                                if (b.equals("min")) {
                                    min = Double.parseDouble(bn.text);
                                } else {
                                    max = Double.parseDouble(bn.text);
                                }
                            }
                            if (min > max) {
                                problems.add(v, "'" + key + "': min is above max");
                            } else if (min != Double.NEGATIVE_INFINITY || max != Double.POSITIVE_INFINITY) {
                                edits.add(new Modify.ArgEdit(key, path, Modify.Op.CLAMP, min, max, null));
                            }
                        }
                    } else {
                        problems.add(v, "'" + key + "' is remove, { min/max: n } or { set: value }");
                    }
                }
            }
        }
        return new Modify(edits, setHeaders, removeHeaders, redirect, maxRows);
    }

    /** Two modify rules that set the same field differently are an error naming both. */
    private void checkModifyConflicts(List<Rule> rules, Map<String, YamlNode> ids) {
        Map<String, Rule> owner = new HashMap<>();
        Map<String, String> change = new HashMap<>();
        for (Rule r : rules) {
            if (r.modify == null) {
                continue;
            }
            for (Map.Entry<String, String> f : r.modify.fieldKeys().entrySet()) {
                String k = (r.match.kind == null ? "" : r.match.kind.label + " ") + f.getKey();
                Rule first = owner.putIfAbsent(k, r);
                if (first != null && !change.get(k).equals(f.getValue())) {
                    problems.add(ids.get(r.id), "rules '" + first.id + "' and '" + r.id + "' both modify " + f.getKey() + " differently ("
                            + change.get(k) + " vs " + f.getValue() + ")");
                }
                change.putIfAbsent(k, f.getValue());
            }
        }
    }

    private Rule.Limit parseLimit(YamlNode n) {
        if (n == null) {
            return null;
        }
        if (n.type != YamlNode.Type.MAP) {
            problems.add(n, "'limit' is a map: { max: 20, per: 1h, scope: session }");
            return null;
        }
        checkKeys(n, LIMIT_KEYS, "limit");
        YamlNode maxN = n.get("max");
        int max = -1;
        if (maxN == null) {
            problems.add(n, "'limit' needs 'max' (the number of calls allowed per window)");
        } else if (!maxN.number || !maxN.text.matches("\\d+") || Long.parseLong(maxN.text) < 1 || Long.parseLong(maxN.text) > 1_000_000) {
            problems.add(maxN, "'max' is a whole number from 1 to 1000000; found '" + maxN.text + "'");
        } else {
            max = Integer.parseInt(maxN.text);
        }
        long per = duration(n.get("per"), "per", true);
        Rule.Scope scope = Rule.Scope.SESSION;
        YamlNode sn = n.get("scope");
        if (sn != null) {
            scope = sn.isScalar() ? Rule.Scope.of(sn.text) : null;
            if (scope == null || (scope == Rule.Scope.PRINCIPAL && !"1.1".equals(language))) {
                problems.add(sn, "unknown scope '" + sn.text + "'" + Suggest.hint(String.valueOf(sn.text), List.of("session", "agent")));
            }
        }
        if (max < 1 || per <= 0 || scope == null) {
            return null;
        }
        return new Rule.Limit(max, per, scope, max + " per " + Durations.format(per) + " (scope " + scope.label + ")");
    }

    private Rule.Approval parseApproval(YamlNode n, Verdict action) {
        if (n == null) {
            return null;
        }
        if (action != null && action != Verdict.ESCALATE) {
            problems.add(n, "'approval' applies only to action: escalate");
            return null;
        }
        if (n.type != YamlNode.Type.MAP) {
            problems.add(n, "'approval' is a map: { timeout: 2m, on_timeout: deny }");
            return null;
        }
        checkKeys(n, APPROVAL_KEYS, "approval");
        long timeout = duration(n.get("timeout"), "timeout", false);
        Verdict onTimeout = Verdict.DENY;
        YamlNode ot = n.get("on_timeout");
        if (ot != null) {
            onTimeout = verdict(ot, EnumSet.of(Verdict.ALLOW, Verdict.DENY), "on_timeout");
        }
        return new Rule.Approval(timeout < 0 ? Rule.Approval.DEFAULT.timeoutMillis() : timeout, onTimeout == null ? Verdict.DENY : onTimeout);
    }

    private long duration(YamlNode n, String key, boolean required) {
        if (n == null) {
            if (required) {
                problems.add(1, 1, "missing '" + key + "'");
            }
            return -1;
        }
        long ms = n.isScalar() ? Durations.parseMillis(n.text) : -1;
        if (ms <= 0) {
            problems.add(n, "'" + key + "' is a duration such as 30s, 2m, 1h or 1d; found '" + n.text + "'");
        }
        return ms;
    }

    // ------------------------------------------------------------------ predicates

    /** Parses a {@code match} or {@code after} map. Returns null on error. */
    Predicate predicate(YamlNode n, String what) {
        if (n.type == YamlNode.Type.NULL) {
            return new Predicate(null, new AttrMatcher[0]);
        }
        if (n.type != YamlNode.Type.MAP) {
            problems.add(n, "'" + what + "' is a map of attribute tests; found " + n.describeType());
            return null;
        }
        int before = problems.errors().size();
        Kind kind = null;
        YamlNode kn = n.get("kind");
        if (kn != null) {
            kind = kn.isScalar() ? Kind.of(kn.text) : null;
            if (kind == null) {
                problems.add(kn, "unknown kind '" + kn.text + "'" + Suggest.hint(String.valueOf(kn.text), List.of("tool", "http", "sql", "process")));
                return null;
            }
        } else {
            kind = inferKind(n, what);
            if (problems.errors().size() > before) {
                return null;
            }
        }
        List<AttrMatcher> tests = new ArrayList<>();
        for (Map.Entry<String, YamlNode> e : n.map().entrySet()) {
            String key = e.getKey();
            if (key.equals("kind") || key.equals(bindingKey)) {
                continue;
            }
            int[] pos = n.keyPosition(key);
            Attr attr = Attr.forKey(key, kind);
            if (attr == null) {
                Set<Kind> owners = Attr.kindsFor(key);
                if (!owners.isEmpty()) {
                    problems.add(pos[0], pos[1], "'" + key + "' does not apply to kind " + kind + " (it is an attribute of " + labels(owners) + ")");
                } else {
                    Set<String> keys = new LinkedHashSet<>(Attr.keysFor(kind));
                    keys.add("kind");
                    if (kind == null || kind == Kind.TOOL) {
                        keys.add("args.<field>");
                    }
                    problems.add(pos[0], pos[1], "unknown key '" + key + "' in " + what + Suggest.hint(key, keys));
                }
                continue;
            }
            String[] path = attr == Attr.ARG_PATH ? JsonSlice.path(key.substring(5)) : null;
            if (path != null) {
                for (String seg : path) {
                    if (seg.isEmpty()) {
                        problems.add(pos[0], pos[1], "'" + key + "' has an empty segment; write args.field or args.field.sub");
                    }
                }
            }
            ValueMatcher m = matcher(e.getValue(), attr, key);
            if (m == null) {
                continue;
            }
            if (m.neverMatches()) {
                problems.add(e.getValue(), (what.equals("after") ? "after can never match: " : "this test can never match: ") + key + ": " + m.describe());
                continue;
            }
            tests.add(new AttrMatcher(attr, key, path, m));
        }
        if (problems.errors().size() > before) {
            return null;
        }
        return new Predicate(kind, tests.toArray(new AttrMatcher[0]));
    }

    private Kind inferKind(YamlNode n, String what) {
        Set<Kind> possible = EnumSet.allOf(Kind.class);
        String decidedBy = null;
        for (String key : n.map().keySet()) {
            Set<Kind> owners = key.startsWith("args.") ? EnumSet.of(Kind.TOOL) : Attr.kindsFor(key);
            if (owners.isEmpty() || owners.size() == Kind.count()) {
                continue;
            }
            Set<Kind> next = EnumSet.copyOf(possible);
            next.retainAll(owners);
            if (next.isEmpty()) {
                int[] pos = n.keyPosition(key);
                problems.add(pos[0], pos[1], "'" + key + "' and '" + decidedBy + "' never occur on the same kind of action; add kind: to " + what);
                return null;
            }
            possible = next;
            decidedBy = key;
        }
        return possible.size() == 1 ? possible.iterator().next() : null;
    }

    private static String labels(Set<Kind> kinds) {
        StringBuilder sb = new StringBuilder();
        for (Kind k : kinds) {
            sb.append(sb.length() == 0 ? "" : ", ").append(k.label);
        }
        return sb.toString();
    }

    ValueMatcher matcher(YamlNode n, Attr attr, String key) {
        switch (n.type) {
            case NULL:
                problems.add(n, "'" + key + "' has no value");
                return null;
            case SCALAR:
                return scalarMatcher(n, attr, key);
            case LIST: {
                List<ValueMatcher> items = new ArrayList<>();
                for (YamlNode item : n.list()) {
                    ValueMatcher m = matcher(item, attr, key);
                    if (m != null) {
                        items.add(m);
                    }
                }
                if (items.isEmpty()) {
                    if (n.list().isEmpty()) {
                        problems.add(n, "'" + key + "' is an empty list, which matches nothing");
                    }
                    return null;
                }
                return ValueMatcher.anyOf(items);
            }
            default:
                return operatorMatcher(n, attr, key);
        }
    }

    private ValueMatcher scalarMatcher(YamlNode n, Attr attr, String key) {
        String text = n.text;
        switch (attr.type) {
            case NUMBER:
                if (!n.number && !text.equals("*")) {
                    problems.add(n, "'" + key + "' is a number; found '" + text + "'");
                    return null;
                }
                return ValueMatcher.glob(text);
            case UPPER:
                text = text.toUpperCase(Locale.ROOT);
                if (attr == Attr.OPERATION && !text.contains("*") && SqlOperation.of(text) == null) {
                    List<String> ops = new ArrayList<>();
                    for (SqlOperation op : SqlOperation.values()) {
                        ops.add(op.name());
                    }
                    problems.add(n, "unknown SQL operation '" + n.text + "'" + Suggest.hint(text, ops));
                    return null;
                }
                return ValueMatcher.glob(text);
            case LOWER:
            case LOWER_SET:
                return ValueMatcher.glob(text.toLowerCase(Locale.ROOT));
            case HOST:
                return ValueMatcher.glob(text.startsWith("*.") ? "*." + Hosts.normalize(text.substring(2)) : Hosts.normalize(text));
            default:
                if (attr == Attr.REGION && !regions.containsKey(text)) {
                    problems.add(n, "unknown region '" + text + "'" + (regions.isEmpty() ? " (declare it under regions:)" : Suggest.hint(text, regions.keySet())));
                    return null;
                }
                return ValueMatcher.glob(text);
        }
    }

    private ValueMatcher operatorMatcher(YamlNode n, Attr attr, String key) {
        checkKeys(n, OPERATORS, "the test of '" + key + "'");
        List<ValueMatcher> parts = new ArrayList<>();
        YamlNode not = n.get("not");
        if (not != null) {
            ValueMatcher inner = matcher(not, attr, key);
            if (inner != null) {
                parts.add(ValueMatcher.not(inner));
            }
        }
        double lo = Double.NEGATIVE_INFINITY;
        double hi = Double.POSITIVE_INFINITY;
        boolean loIn = false;
        boolean hiIn = false;
        boolean range = false;
        for (String op : List.of("gt", "gte", "lt", "lte")) {
            YamlNode v = n.get(op);
            if (v == null) {
                continue;
            }
            if (attr.type != Attr.Type.NUMBER && attr.type != Attr.Type.JSON) {
                problems.add(v, "'" + op + "' compares numbers, but '" + key + "' is not a number");
                continue;
            }
            if (!v.isScalar() || !v.number) {
                problems.add(v, "'" + op + "' needs a number; found " + (v.isScalar() ? "'" + v.text + "'" : v.describeType()));
                continue;
            }
            double d = Double.parseDouble(v.text);
            range = true;
            switch (op) {
                case "gt": if (d >= lo) { lo = d; loIn = false; } break;
                case "gte": if (d > lo) { lo = d; loIn = true; } break;
                case "lt": if (d <= hi) { hi = d; hiIn = false; } break;
                default: if (d < hi) { hi = d; hiIn = true; }
            }
        }
        if (range) {
            parts.add(ValueMatcher.range(lo, loIn, hi, hiIn));
        }
        YamlNode rx = n.get("regex");
        if (rx != null) {
            if (!rx.isScalar()) {
                problems.add(rx, "'regex' needs a pattern; found " + rx.describeType());
            } else {
                try {
                    int flags = attr.type == Attr.Type.TEXT || attr.type == Attr.Type.SET || attr.type == Attr.Type.JSON ? 0 : Pattern.CASE_INSENSITIVE;
                    parts.add(ValueMatcher.regex(Pattern.compile(rx.text, flags)));
                } catch (PatternSyntaxException e) {
                    problems.add(rx, "regex does not compile: " + e.getDescription() + " near index " + e.getIndex() + " of '" + rx.text + "'");
                }
            }
        }
        if (parts.isEmpty()) {
            if (n.map().isEmpty()) {
                problems.add(n, "'" + key + "' has an empty test; use a value, a list, or one of: " + String.join(", ", OPERATORS));
            }
            return null;
        }
        return ValueMatcher.all(parts);
    }

    // ------------------------------------------------------------------ helpers

    private void checkKeys(YamlNode map, Set<String> allowed, String where) {
        for (String k : map.map().keySet()) {
            if (!allowed.contains(k)) {
                int[] pos = map.keyPosition(k);
                problems.add(pos[0], pos[1], "unknown key '" + k + "' in " + where + Suggest.hint(k, allowed));
            }
        }
    }

    private String scalar(YamlNode map, String key, boolean required) {
        YamlNode n = map.get(key);
        if (n == null) {
            if (required) {
                problems.add(map, "missing '" + key + "'");
            }
            return null;
        }
        if (!n.isScalar()) {
            problems.add(n, "'" + key + "' is text; found " + n.describeType());
            return null;
        }
        return n.text;
    }

    private List<YamlNode> scalars(YamlNode n) {
        List<YamlNode> out = new ArrayList<>();
        if (n.isScalar()) {
            out.add(n);
        } else if (n.type == YamlNode.Type.LIST) {
            for (YamlNode item : n.list()) {
                if (item.isScalar()) {
                    out.add(item);
                } else {
                    problems.add(item, "expected text; found " + item.describeType());
                }
            }
        } else {
            problems.add(n, "expected text or a list of text; found " + n.describeType());
        }
        return out;
    }

    private Verdict verdict(YamlNode n, Set<Verdict> allowed, String key) {
        Verdict v = n.isScalar() ? Verdict.of(n.text) : null;
        if (v == null || !allowed.contains(v)) {
            List<String> names = new ArrayList<>();
            for (Verdict a : allowed) {
                if (a != Verdict.MODIFY || "1.1".equals(language)) {
                    names.add(a.label);
                }
            }
            problems.add(n, "'" + key + "' is one of " + String.join(", ", names) + "; found '" + n.text + "'"
                    + (n.isScalar() && Suggest.closest(n.text, names) != null ? " (did you mean '" + Suggest.closest(n.text, names) + "'?)" : ""));
            return null;
        }
        return v;
    }

    private Mode mode(YamlNode n) {
        Mode m = n.isScalar() ? Mode.of(n.text) : null;
        if (m == null) {
            problems.add(n, "'mode' is enforce or monitor; found '" + n.text + "'" + Suggest.hint(String.valueOf(n.text), List.of("enforce", "monitor")));
        }
        return m;
    }
}
