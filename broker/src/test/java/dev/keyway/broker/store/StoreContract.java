package dev.keyway.broker.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One behaviour for every store: memory for one broker, Redis for many. */
abstract class StoreContract {

    abstract ReplayStore replay();

    abstract RateLimiter limiter();

    @Test
    void aKeyIsFirstOnceAndThenReplayed() throws Exception {
        String key = "replay:" + UUID.randomUUID();
        Instant later = Instant.now().plusSeconds(60);
        assertTrue(replay().firstUse(key, later));
        assertFalse(replay().firstUse(key, later));
        assertTrue(replay().firstUse(key + "-other", later), "keys are independent");
    }

    @Test
    void aKeyIsForgottenWhenItsTokenCouldNoLongerBeUsed() throws Exception {
        String key = "replay:" + UUID.randomUUID();
        assertTrue(replay().firstUse(key, Instant.now().plusMillis(200)));
        Thread.sleep(400);
        assertTrue(replay().firstUse(key, Instant.now().plusSeconds(60)), "an expired entry no longer blocks");
    }

    @Test
    void ofManyConcurrentUsesExactlyOneIsFirst() throws Exception {
        String key = "replay:" + UUID.randomUUID();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Callable<Boolean>> attempts = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            attempts.add(() -> replay().firstUse(key, Instant.now().plusSeconds(60)));
        }
        int firsts = 0;
        for (Future<Boolean> f : pool.invokeAll(attempts)) {
            firsts += f.get() ? 1 : 0;
        }
        pool.shutdown();
        assertEquals(1, firsts);
    }

    @Test
    void aBucketGrantsItsPermitsThenSaysHowLongToWait() throws Exception {
        String key = "rate:" + UUID.randomUUID();
        RateLimit limit = new RateLimit(5, Duration.ofMinutes(1));
        for (int i = 0; i < 5; i++) {
            assertEquals(Optional.empty(), limiter().acquire(key, limit), "permit " + (i + 1));
        }
        Optional<Duration> wait = limiter().acquire(key, limit);
        assertTrue(wait.isPresent(), "the sixth request waits");
        assertTrue(wait.get().toMillis() > 0 && wait.get().toMillis() <= 12_000, "one permit refills in 12s: " + wait.get());
        assertEquals(Optional.empty(), limiter().acquire(key + "-other", limit), "buckets are independent");
    }

    @Test
    void aBucketRefillsOverTime() throws Exception {
        String key = "rate:" + UUID.randomUUID();
        RateLimit limit = new RateLimit(10, Duration.ofSeconds(1));
        // Drain until refused, however slow this machine is: that proves the bucket is empty now.
        int attempts = 0;
        while (limiter().acquire(key, limit).isEmpty()) {
            assertTrue(++attempts < 10_000, "a 10/s bucket must run dry");
        }
        Thread.sleep(1_200); // at least a whole second of refill: waiting longer only adds permits
        assertEquals(Optional.empty(), limiter().acquire(key, limit), "permits come back as time passes");
    }

    @Test
    void concurrentRequestsNeverGetMorePermitsThanTheBucketHolds() throws Exception {
        String key = "rate:" + UUID.randomUUID();
        RateLimit limit = new RateLimit(20, Duration.ofHours(1));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Callable<Boolean>> attempts = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            attempts.add(() -> limiter().acquire(key, limit).isEmpty());
        }
        int granted = 0;
        for (Future<Boolean> f : pool.invokeAll(attempts)) {
            granted += f.get() ? 1 : 0;
        }
        pool.shutdown();
        assertEquals(20, granted);
    }
}
