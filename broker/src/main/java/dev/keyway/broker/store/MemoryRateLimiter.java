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
     * Updated in place under the map's lock for its key, so an exchange allocates nothing here. A new
     * object per permit lived until the key's next use: with many bindings or callers that is
     * seconds, long enough for young collections to copy it over and over. Read and written only
     * inside {@code compute}/{@code computeIfPresent} for its key, which lock it.
     */
    private static final class Bucket {
        private double tokens;
        private long at;
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
                buckets.computeIfPresent(full, (k, bucket) -> refilled(bucket, limit, now) >= limit.permits() ? null : bucket);
            }
            if (buckets.size() >= maxBuckets) {
                throw new StoreUnavailableException("rate limiter is tracking too many callers", null);
            }
        }
        long[] waitMillis = {0};
        buckets.compute(key, (k, existing) -> {
            Bucket bucket = existing != null ? existing : new Bucket();
            double tokens = existing != null ? refilled(existing, limit, now) : limit.permits();
            if (tokens >= 1) {
                tokens -= 1;
            } else {
                waitMillis[0] = (long) Math.ceil((1 - tokens) * limit.millisPerPermit());
            }
            bucket.tokens = tokens;
            bucket.at = now;
            return bucket;
        });
        return waitMillis[0] == 0 ? Optional.empty() : Optional.of(Duration.ofMillis(waitMillis[0]));
    }

    private static double refilled(Bucket bucket, RateLimit limit, long now) {
        return Math.min(limit.permits(), bucket.tokens + (now - bucket.at) / limit.millisPerPermit());
    }
}
