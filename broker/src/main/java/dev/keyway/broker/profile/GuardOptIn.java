package dev.keyway.broker.profile;

import java.util.Set;

/**
 * How a binding opted in to tokens a profile guard would refuse: the explicit flag, or the values
 * its conditions name literally (an exact or list condition on {@code event_name} naming
 * {@code pull_request_target}, on {@code project_path} naming the fork).
 */
public record GuardOptIn(boolean allowUntrustedTriggers, java.util.Map<String, Set<String>> literalsByClaim) {

    public GuardOptIn {
        literalsByClaim = java.util.Map.copyOf(literalsByClaim);
    }

    boolean names(String claim, String value) {
        return literalsByClaim.getOrDefault(claim, Set.of()).contains(value);
    }
}
