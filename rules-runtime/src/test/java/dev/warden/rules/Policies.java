package dev.warden.rules;

import dev.warden.rules.policy.PolicyException;
import dev.warden.rules.policy.PolicyParser;
import java.nio.charset.StandardCharsets;

/** Test helper: parse a policy from text. */
final class Policies {
    private Policies() {
    }

    static Policy parse(String yaml) {
        try {
            return PolicyParser.parse(yaml.getBytes(StandardCharsets.UTF_8), "test.yaml");
        } catch (PolicyException e) {
            throw new AssertionError("policy did not parse:\n" + e.getMessage());
        }
    }

    static String errors(String yaml) {
        try {
            PolicyParser.parse(yaml.getBytes(StandardCharsets.UTF_8), "policy.yaml");
            throw new AssertionError("policy parsed but should not have");
        } catch (PolicyException e) {
            return e.getMessage();
        }
    }

    static Action http(String method, String host) {
        return new Action().reset().kind(Kind.HTTP).method(method).scheme("https").host(Hosts.normalize(host)).port(443).path("/");
    }

    static Action tool(String name, String args) {
        return new Action().reset().kind(Kind.TOOL).tool(name).args(args);
    }

    static Action sql(SqlOperation op, String... tables) {
        return new Action().reset().kind(Kind.SQL).operation(op).tables(tables);
    }
}
