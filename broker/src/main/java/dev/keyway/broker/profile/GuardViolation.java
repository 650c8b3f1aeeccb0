package dev.keyway.broker.profile;

/** A token a profile distrusts by default: which claim gave it away, its value, and why. */
public record GuardViolation(String claim, String actual, String reason) {
}
