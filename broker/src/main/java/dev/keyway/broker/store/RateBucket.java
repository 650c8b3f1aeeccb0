package dev.keyway.broker.store;

/** One token bucket an exchange takes a permit from: its key, its rate, and who it limits (for the caller's message). */
public record RateBucket(String key, RateLimit limit, String who) {
}
