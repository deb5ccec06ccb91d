package dev.warden.rules.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.warden.rules.Action;
import dev.warden.rules.ActionJson;
import dev.warden.rules.Decision;
import dev.warden.rules.Evaluator;
import dev.warden.rules.Policy;
import dev.warden.rules.Verdict;
import dev.warden.rules.state.SessionStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs policy unit tests ({@code warden policy test POLICY TESTS}). A test file is a list of cases
 * (or a map with {@code tests:}); a case is one {@code action} with its {@code expect}ed decision
 * and optionally the {@code rule} that must produce it, or a session: ordered {@code steps}, each
 * an action with an optional {@code at:} offset on a test clock, so {@code after} and {@code limit}
 * rules are testable. Every case runs against a fresh evaluator (fresh session state).
 */
public final class PolicyTests {
    /** One case's result. */
    public record Result(String name, int line, boolean passed, String detail) {
    }

    private static final Set<String> CASE_KEYS = Set.of("name", "action", "expect", "rule", "rules", "would_decide", "approve", "release", "args_after", "steps", "time", "at");
    private static final long DEFAULT_BASE = Instant.parse("2026-01-05T10:00:00Z").toEpochMilli();

    private PolicyTests() {
    }

    /** Parses and runs a test file against a policy. Problems with the test file itself are thrown as {@link PolicyException}. */
    public static List<Result> run(Policy policy, Path tests) throws PolicyException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(tests);
        } catch (IOException e) {
            throw new PolicyException(List.of(tests + ":1:1: cannot read the tests: " + e.getMessage()));
        }
        Problems problems = new Problems(tests.toString());
        YamlNode root = YamlNode.parse(bytes, problems);
        if (problems.hasErrors()) {
            throw new PolicyException(problems.errors());
        }
        YamlNode cases = root;
        if (root != null && root.type == YamlNode.Type.MAP && root.get("tests") != null) {
            cases = root.get("tests");
        }
        if (cases == null || cases.type != YamlNode.Type.LIST) {
            throw new PolicyException(List.of(tests + ":1:1: a test file is a list of cases (or tests: [...])"));
        }
        List<Result> results = new ArrayList<>();
        int n = 0;
        for (YamlNode c : cases.list()) {
            n++;
            results.add(runCase(policy, c, n, problems));
        }
        if (problems.hasErrors()) {
            throw new PolicyException(problems.errors());
        }
        return results;
    }

    private static Result runCase(Policy policy, YamlNode c, int n, Problems problems) {
        if (c.type != YamlNode.Type.MAP) {
            problems.add(c, "a test case is a map with action and expect, or steps");
            return new Result("case " + n, c.line, false, "malformed");
        }
        for (String k : c.map().keySet()) {
            if (!CASE_KEYS.contains(k)) {
                int[] pos = c.keyPosition(k);
                problems.add(pos[0], pos[1], "unknown key '" + k + "' in test case" + Suggest.hint(k, CASE_KEYS));
            }
        }
        String name = c.get("name") != null && c.get("name").isScalar() ? c.get("name").text : "case " + n;
        long base = DEFAULT_BASE;
        if (c.get("time") != null) {
            try {
                base = Instant.parse(c.get("time").text).toEpochMilli();
            } catch (RuntimeException e) {
                problems.add(c.get("time"), "'time' is an instant such as 2026-01-05T10:00:00Z");
            }
        }
        AtomicLong clock = new AtomicLong(base);
        Evaluator evaluator = new Evaluator(policy, new SessionStore(), clock::get);
        String session = "policy-test-" + n;
        List<YamlNode> steps = new ArrayList<>();
        if (c.get("steps") != null) {
            if (c.get("steps").type != YamlNode.Type.LIST) {
                problems.add(c.get("steps"), "'steps' is a list of {action, expect}");
                return new Result(name, c.line, false, "malformed");
            }
            steps.addAll(c.get("steps").list());
        } else {
            steps.add(c);
        }
        int stepNo = 0;
        Decision d = new Decision();
        for (YamlNode step : steps) {
            stepNo++;
            String where = steps.size() > 1 ? "step " + stepNo + " (line " + step.line + "): " : "";
            if (step.type != YamlNode.Type.MAP || step.get("action") == null || step.get("expect") == null) {
                problems.add(step, "a test step needs 'action' and 'expect'");
                return new Result(name, c.line, false, "malformed");
            }
            if (step != c) {
                for (String k : step.map().keySet()) {
                    if (!CASE_KEYS.contains(k) || k.equals("steps") || k.equals("name") || k.equals("time")) {
                        int[] pos = step.keyPosition(k);
                        problems.add(pos[0], pos[1], "unknown key '" + k + "' in test step");
                    }
                }
            }
            if (step.get("at") != null) {
                long at = Durations.parseMillis(step.get("at").text);
                if (at < 0) {
                    problems.add(step.get("at"), "'at' is an offset such as 30s or 2h");
                    return new Result(name, c.line, false, "malformed");
                }
                clock.set(base + at);
            }
            Action a;
            try {
                a = ActionJson.fromTree(toJson(step.get("action")), new Action().reset());
            } catch (IllegalArgumentException e) {
                problems.add(step.get("action"), e.getMessage());
                return new Result(name, c.line, false, "malformed");
            }
            if (a.session() == null) {
                a.session(session);
            }
            if (a.agent() == null) {
                a.agent("policy-test");
            }
            Verdict expect = Verdict.of(step.get("expect").text);
            if (expect == null) {
                problems.add(step.get("expect"), "'expect' is allow, deny, escalate or modify; found '" + step.get("expect").text + "'");
                return new Result(name, c.line, false, "malformed");
            }
            evaluator.evaluate(a, d);
            String got = d.verdict().label + describeRules(d);
            if (d.verdict() != expect) {
                return new Result(name, c.line, false, where + "expected " + expect.label + ", got " + got);
            }
            YamlNode rule = step.get("rule") != null ? step.get("rule") : step.get("rules");
            if (rule != null) {
                List<String> want = new ArrayList<>();
                if (rule.isScalar()) {
                    want.add(rule.text);
                } else if (rule.type == YamlNode.Type.LIST) {
                    rule.list().forEach(r -> want.add(r.text));
                }
                for (String w : want) {
                    if (!d.ruleIds().contains(w) && !d.matchedIds().contains(w)) {
                        return new Result(name, c.line, false, where + "expected rule " + w + ", got " + got);
                    }
                }
            }
            if (step.get("would_decide") != null) {
                Verdict wd = Verdict.of(step.get("would_decide").text);
                if (wd != d.wouldDecide()) {
                    return new Result(name, c.line, false, where + "expected would_decide " + step.get("would_decide").text + ", got " + d.wouldDecide());
                }
            }
            if (step.get("args_after") != null) {
                String after = a.args();
                for (int i = 0; i < d.modifyCount(); i++) {
                    after = d.modify(i).applyToArgs(after);
                }
                JsonNode want = toJson(step.get("args_after"));
                JsonNode got2;
                try {
                    got2 = new com.fasterxml.jackson.databind.ObjectMapper().readTree(after);
                } catch (Exception e) {
                    got2 = null;
                }
                if (got2 == null || !numericEquals(want, got2)) {
                    return new Result(name, c.line, false, where + "expected arguments " + want + " after modification, got " + after);
                }
            }
            if (d.verdict() == Verdict.ESCALATE && step.get("approve") != null && "true".equals(step.get("approve").text)) {
                evaluator.approved(a, d);
            }
            if (step.get("release") != null && "true".equals(step.get("release").text)) {
                // the call failed before any byte left the process: its budget comes back
                evaluator.release(a, d);
            }
        }
        return new Result(name, c.line, true, steps.size() > 1 ? steps.size() + " steps" : "");
    }

    /** JSON equality where 500 equals 500.0. */
    private static boolean numericEquals(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (java.util.Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!b.has(k) || !numericEquals(a.get(k), b.get(k))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!numericEquals(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    static String describeRules(Decision d) {
        if (d.decisiveCount() > 0) {
            return " by " + String.join(", ", d.ruleIds());
        }
        return d.defaulted() ? " (no rule applied; policy default)" : "";
    }

    /** Converts a YAML subtree to a Jackson tree (scalars keep their YAML type). */
    static JsonNode toJson(YamlNode n) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (n.type) {
            case MAP: {
                ObjectNode o = f.objectNode();
                n.map().forEach((k, v) -> o.set(k, toJson(v)));
                return o;
            }
            case LIST: {
                ArrayNode a = f.arrayNode();
                n.list().forEach(v -> a.add(toJson(v)));
                return a;
            }
            case NULL:
                return f.nullNode();
            default:
                if (n.number) {
                    return n.text.contains(".") || n.text.contains("e") || n.text.contains("E")
                            ? f.numberNode(new java.math.BigDecimal(n.text)) : f.numberNode(new java.math.BigInteger(n.text));
                }
                if (n.bool) {
                    return f.booleanNode(Boolean.parseBoolean(n.text));
                }
                return f.textNode(n.text);
        }
    }
}
