package dev.keyway.broker.policy;

/**
 * How one condition fared: the claim, the caller's own value (never the binding's expectation) and
 * whether it held. {@code rule} names a profile guard when one decided, else null.
 */
public record ConditionResult(String claim, String actual, boolean held, String rule) {
}
