package dev.keyway.broker.store;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Token buckets in this process: the single-instance twin of the Redis limiter, same arithmetic. */
public final class MemoryRateLimiter implements RateLimiter {

    private static final int MAX_BUCKETS = 1_000_000;

    /**
     * Updated in place under its own lock, so an exchange allocates nothing here and writes no
     * reference. A new object per permit lived until the key's next use: with many bindings or
     * callers that is seconds, long enough for young collections to copy it over and over. And
     * updating through the map's {@code compute} stored the bucket back into its entry on every
     * permit: with 100,000 bindings those writes dirtied cards all over the old generation, which
     * every young collection then scanned (1.5 ms of a 10 ms pause). {@code removed} is set, under the
     * same lock, by the sweep that drops it from the map, so a caller holding it takes a fresh one.
     */
    private static final class Bucket {
        private double tokens;
        private long at;
        private boolean removed;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int maxBuckets;

    public MemoryRateLimiter(Clock clock) {
        this(clock, MAX_BUCKETS);
    }

    MemoryRateLimiter(Clock clock, int maxBuckets) {
        this.clock = clock;
        this.maxBuckets = maxBuckets;
    }

    @Override
    public Optional<Duration> acquire(String key, RateLimit limit) throws StoreUnavailableException {
        long now = clock.millis();
        if (buckets.size() >= maxBuckets && !buckets.containsKey(key)) {
            // A new caller and no room. Full buckets carry no information: dropping them is what expiry would have done.
            for (String full : buckets.keySet()) {
                buckets.computeIfPresent(full, (k, bucket) -> {
                    synchronized (bucket) {
                        bucket.removed = refilled(bucket, limit, now) >= limit.permits();
                        return bucket.removed ? null : bucket;
                    }
                });
            }
            if (buckets.size() >= maxBuckets) {
                throw new StoreUnavailableException("rate limiter is tracking too many callers", null);
            }
        }
        while (true) {
            Bucket bucket = buckets.get(key);
            if (bucket == null) {
                bucket = buckets.computeIfAbsent(key, k -> new Bucket(limit.permits(), now));
            }
            synchronized (bucket) {
                if (bucket.removed) {
                    continue; // swept between the lookup and the lock: the key starts over with a full bucket
                }
                double tokens = refilled(bucket, limit, now);
                bucket.at = now;
                if (tokens >= 1) {
                    bucket.tokens = tokens - 1;
                    return Optional.empty();
                }
                bucket.tokens = tokens;
                return Optional.of(Duration.ofMillis((long) Math.ceil((1 - tokens) * limit.millisPerPermit())));
            }
        }
    }

    private static double refilled(Bucket bucket, RateLimit limit, long now) {
        return Math.min(limit.permits(), bucket.tokens + (now - bucket.at) / limit.millisPerPermit());
    }
}
