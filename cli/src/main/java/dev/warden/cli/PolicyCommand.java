package dev.warden.cli;

import dev.warden.rules.Action;
import dev.warden.rules.ActionJson;
import dev.warden.rules.Decision;
import dev.warden.rules.Evaluator;
import dev.warden.rules.Policy;
import dev.warden.rules.Rule;
import dev.warden.rules.match.AttrMatcher;
import dev.warden.rules.match.JsonSlice;
import dev.warden.rules.policy.PolicyException;
import dev.warden.rules.policy.PolicyParser;
import dev.warden.rules.policy.PolicyTests;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code warden policy ...}: validate, test and explain policies; push and roll back through the collector. */
@Command(name = "policy", description = "Validate, test and explain policies.",
        subcommands = {
            PolicyCommand.Check.class,
            PolicyCommand.Test.class,
            PolicyCommand.Explain.class,
            dev.warden.cli.scan.PolicySuggestCommand.class,
            dev.warden.cli.scan.PolicyCoverageCommand.class,
            dev.warden.cli.collector.PolicyPushCommand.class,
            dev.warden.cli.collector.PolicyRollbackCommand.class,
        })
public final class PolicyCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Loads a policy or prints its problems (one {@code file:line:col: message} per line) and exits 1. */
    public static Policy load(Path file, PrintWriter err) {
        try {
            return PolicyParser.parse(file);
        } catch (PolicyException e) {
            for (String p : e.problems()) {
                err.println(p);
            }
            err.flush();
            return null;
        }
    }

    @Command(name = "check", description = "Validate a policy; exit 1 with file:line:column: message on error.")
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "FILE", description = "the policy (YAML)")
        Path file;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Policy p = load(file, err);
            if (p == null) {
                return 1;
            }
            for (String w : p.warnings) {
                err.println(w);
            }
            long stateful = p.rules.stream().filter(Rule::isStateful).count();
            out.printf("%s: ok: policy '%s' (language %s), %d rules (%d stateful), default %s, mode %s, %s%n",
                    file, p.name, p.language, p.rules.size(), stateful, p.defaultVerdict, p.mode, p.version);
            return 0;
        }
    }

    @Command(name = "test", description = "Run policy unit tests: single actions or ordered session steps with expected decisions.")
    static final class Test implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "POLICY")
        Path policy;
        @Parameters(index = "1", paramLabel = "TESTS")
        Path tests;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Policy p = load(policy, err);
            if (p == null) {
                return 1;
            }
            List<PolicyTests.Result> results;
            try {
                results = PolicyTests.run(p, tests);
            } catch (PolicyException e) {
                e.problems().forEach(err::println);
                return 1;
            }
            int passed = 0;
            for (PolicyTests.Result r : results) {
                if (r.passed()) {
                    passed++;
                }
                out.printf("%-4s %s%s%n", r.passed() ? "ok" : "FAIL", r.name(),
                        r.detail().isEmpty() ? "" : (r.passed() ? " (" + r.detail() + ")" : ": " + r.detail() + "  [" + tests + ":" + r.line() + "]"));
            }
            int failed = results.size() - passed;
            out.printf("%d passed, %d failed%n", passed, failed);
            return failed == 0 ? 0 : 1;
        }
    }

    @Command(name = "explain", description = "The decision for one action and which rules produced it, and why the others did not apply.")
    static final class Explain implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "FILE")
        Path file;
        @Option(names = "--action", required = true, paramLabel = "JSON",
                description = "the action, e.g. {\"kind\":\"http\",\"method\":\"POST\",\"url\":\"https://evil.example/x\"}")
        String actionJson;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Policy p = load(file, err);
            if (p == null) {
                return 1;
            }
            Action a;
            try {
                a = ActionJson.parse(actionJson);
            } catch (IllegalArgumentException e) {
                throw new Main.UserError("--action: " + e.getMessage());
            }
            Evaluator ev = new Evaluator(p);
            Decision d = ev.evaluate(a, new Decision());
            out.println("action:   " + ActionJson.toJson(a));
            out.println("decision: " + d.verdict() + (d.wouldDecide() != d.verdict() ? "   (would decide: " + d.wouldDecide() + ")" : ""));
            out.println("rules:    " + (d.decisiveCount() == 0 ? "none (policy default: " + p.defaultVerdict + ")" : String.join(", ", d.ruleIds())));
            out.println("reason:   " + d.reason());
            if (!d.controls().isEmpty()) {
                out.println("controls: " + String.join(", ", d.controls()));
            }
            if (d.verdict() == dev.warden.rules.Verdict.ESCALATE) {
                Rule.Approval ap = d.approval();
                out.println("approval: timeout " + dev.warden.rules.policy.Durations.format(ap.timeoutMillis()) + ", on timeout " + ap.onTimeout());
            }
            out.println("policy:   " + p.name + " " + p.version);
            out.println();
            out.println("rules for kind " + a.kind() + ":");
            JsonSlice scratch = new JsonSlice();
            int shown = 0;
            for (Rule r : p.rules) {
                if (r.match.kind != null && r.match.kind != a.kind()) {
                    continue;
                }
                shown++;
                boolean applied = d.matchedIds().contains(r.id);
                out.printf("  %s %-28s %-8s line %-4d %s%n", applied ? "*" : " ", r.id, r.action, r.line, applied ? "applies" : whyNot(r, a, scratch, ev));
            }
            if (shown == 0) {
                out.println("  (none)");
            }
            return 0;
        }

        private static String whyNot(Rule r, Action a, JsonSlice scratch, Evaluator ev) {
            for (AttrMatcher t : r.match.tests) {
                if (!t.matches(a, scratch)) {
                    return "no: " + t.describe();
                }
            }
            if (r.after != null) {
                return "no: needs earlier " + r.after.describe() + " in the same session";
            }
            if (r.limit != null) {
                return "no: within limit " + r.limit.text();
            }
            if (r.mode == dev.warden.rules.Mode.MONITOR) {
                return "monitor only";
            }
            return "no";
        }
    }

}
