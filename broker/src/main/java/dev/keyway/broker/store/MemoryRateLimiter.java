package dev.keyway.broker.store;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Token buckets in this process: the single-instance twin of the Redis limiter, same arithmetic. */
public final class MemoryRateLimiter implements RateLimiter {

    private static final int MAX_BUCKETS = 1_000_000;

    private record Bucket(double tokens, long at) {
    }

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Clock clock;

    public MemoryRateLimiter(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Optional<Duration> acquire(String key, RateLimit limit) throws StoreUnavailableException {
        long now = clock.millis();
        if (buckets.size() >= MAX_BUCKETS) {
            // Full buckets carry no information: dropping them is what expiry would have done.
            buckets.entrySet().removeIf(e -> refilled(e.getValue(), limit, now) >= limit.permits());
            if (buckets.size() >= MAX_BUCKETS) {
                throw new StoreUnavailableException("rate limiter is tracking too many callers", null);
            }
        }
        long[] waitMillis = {0};
        buckets.compute(key, (k, bucket) -> {
            double tokens = bucket == null ? limit.permits() : refilled(bucket, limit, now);
            if (tokens >= 1) {
                return new Bucket(tokens - 1, now);
            }
            waitMillis[0] = (long) Math.ceil((1 - tokens) * limit.millisPerPermit());
            return new Bucket(tokens, now);
        });
        return waitMillis[0] == 0 ? Optional.empty() : Optional.of(Duration.ofMillis(waitMillis[0]));
    }

    private static double refilled(Bucket bucket, RateLimit limit, long now) {
        return Math.min(limit.permits(), bucket.tokens() + (now - bucket.at()) / limit.millisPerPermit());
    }
}
