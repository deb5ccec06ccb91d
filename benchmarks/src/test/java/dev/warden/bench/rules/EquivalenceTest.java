package dev.warden.bench.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.rules.Action;
import dev.warden.rules.Decision;
import dev.warden.rules.Evaluator;
import dev.warden.rules.Verdict;
import dev.warden.rules.policy.PolicyParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark compares like with like: Warden and Cedar reach the same decision on every benchmark action. */
class EquivalenceTest {

    @Test
    void wardenAndCedarAgreeOnEveryBenchmarkAction() throws Exception {
        for (int n : new int[] {10, 1000}) {
            Evaluator ev = new Evaluator(PolicyParser.parse(PolicyGenerator.wardenYaml(n).getBytes(StandardCharsets.UTF_8), "g.yaml"));
            CedarEquivalent cedar = new CedarEquivalent(n);
            List<Action> actions = PolicyGenerator.actions(n);
            int denied = 0;
            for (Action a : actions) {
                Decision d = ev.evaluate(new Action().copyFrom(a), new Decision());
                boolean wardenAllows = d.verdict() == Verdict.ALLOW;
                denied += wardenAllows ? 0 : 1;
                assertEquals(wardenAllows, cedar.isAllowed(CedarEquivalent.request(a)), n + " rules: " + a + " warden " + d);
            }
            // the action mix exercises both outcomes
            assertEquals(true, denied >= 3 && denied <= actions.size() - 3, n + " rules: denied " + denied);
        }
    }
}
