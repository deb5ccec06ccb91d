package dev.warden.rules.policy;

import java.util.List;

/** A policy that does not parse or validate. The message is one {@code file:line:column: what} line per problem. */
public final class PolicyException extends Exception {
    private final List<String> problems;

    public PolicyException(List<String> problems) {
        super(String.join("\n", problems), null, false, false);
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }

    /** The first problem: the one line a log or an agent's start-up message shows. */
    public String firstProblem() {
        return problems.isEmpty() ? "invalid policy" : problems.get(0) + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : "");
    }
}
