package dev.keyway.broker.policy;

import dev.keyway.spi.Identity;
import java.util.ArrayList;
import java.util.List;

/** Runs a policy's {@code PolicyTest} cases through the same matching the exchange uses. */
public final class PolicyTestRunner {

    /** One case's outcome; {@code decided} names the condition or rule that decided a wrong verdict. */
    public record Result(PolicyTestCase testCase, boolean allowed, String decided) {
        public boolean passed() {
            return allowed == testCase.expectAllow();
        }
    }

    private PolicyTestRunner() {
    }

    public static List<Result> run(PolicySet policy) {
        List<Result> results = new ArrayList<>();
        for (PolicyTestCase testCase : policy.tests()) {
            results.add(run(policy, testCase));
        }
        return results;
    }

    static Result run(PolicySet policy, PolicyTestCase testCase) {
        Binding binding = policy.binding(testCase.binding()).orElseThrow();
        if (!binding.issuer().name().equals(testCase.issuer())) {
            return new Result(testCase, false, "issuer: token from '" + testCase.issuer()
                    + "', binding accepts only '" + binding.issuer().name() + "'");
        }
        IssuerConfig issuer = binding.issuer();
        Identity identity = issuer.profile().identify(issuer.name(), testCase.claims());
        Decision decision = binding.evaluate(identity);
        return new Result(testCase, decision.allowed(), explain(decision));
    }

    private static String explain(Decision decision) {
        if (decision.allowed()) {
            return "all " + decision.conditions().size() + " conditions held";
        }
        List<String> failed = new ArrayList<>();
        for (ConditionResult c : decision.mismatches()) {
            failed.add(c.rule() != null ? c.rule() : c.claim() + "=" + c.actual() + " did not match");
        }
        return String.join("; ", failed);
    }
}
