package dev.keyway.broker.store;

import java.time.Duration;
import java.util.Optional;

/**
 * Token buckets keyed by caller or binding. In memory for one instance; in Redis, atomically,
 * for all replicas. Buckets expire once full again, so idle callers cost nothing.
 */
public interface RateLimiter {

    /** Takes one permit; empty when granted, else how long until one is available. */
    Optional<Duration> acquire(String key, RateLimit limit) throws StoreUnavailableException;
}
