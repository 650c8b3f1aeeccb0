package dev.keyway.broker.policy;

import dev.keyway.spi.config.Problem;
import java.util.List;
import java.util.Optional;

/** A compile's outcome: the policy when there were no errors, and every problem found either way. */
public record Compilation(Optional<PolicySet> policy, List<Problem> problems) {

    public Compilation {
        problems = List.copyOf(problems);
    }

    public List<Problem> errors() {
        return problems.stream().filter(Problem::isError).toList();
    }

    public List<Problem> warnings() {
        return problems.stream().filter(p -> !p.isError()).toList();
    }
}
