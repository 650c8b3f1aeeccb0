package dev.keyway.broker.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The same contract against a real redis-server, plus what only a network store can do: fail and recover. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisStoreTest extends StoreContract {

    private RealRedis redis;
    private RedisStore store;

    @BeforeAll
    void start() throws Exception {
        redis = new RealRedis();
        store = RedisStore.create(redis.uri(), Duration.ofMillis(500));
    }

    @AfterAll
    void stop() throws Exception {
        store.close();
        redis.close();
    }

    @Override
    ReplayStore replay() {
        return store;
    }

    @Override
    RateLimiter limiter() {
        return store;
    }

    @Test
    void twoBrokersSharingRedisSeeOneAnothersTokens() throws Exception {
        try (RedisStore other = RedisStore.create(redis.uri(), Duration.ofMillis(500))) {
            String key = "replay:" + UUID.randomUUID();
            assertTrue(store.firstUse(key, Instant.now().plusSeconds(60)));
            assertFalse(other.firstUse(key, Instant.now().plusSeconds(60)), "a replay on another replica is caught");
            RateLimit limit = new RateLimit(3, Duration.ofHours(1));
            String bucket = "rate:" + UUID.randomUUID();
            assertTrue(store.acquire(bucket, limit).isEmpty());
            assertTrue(other.acquire(bucket, limit).isEmpty());
            assertTrue(store.acquire(bucket, limit).isEmpty());
            assertTrue(other.acquire(bucket, limit).isPresent(), "the limit holds across replicas");
        }
    }

    @Test
    void anExchangesChecksInOneRoundTripGrantThenCatchTheSecondUse() throws Exception {
        assertTrue(store.admitsInOneTrip());
        RateBucket binding = bucket(5);
        RateBucket caller = bucket(5);
        String token = "replay:" + UUID.randomUUID();
        Instant later = Instant.now().plusSeconds(60);
        assertEquals(new RedisStore.Admitted(null, Duration.ZERO, true), store.admit(List.of(binding, caller), token, later));
        RedisStore.Admitted again = store.admit(List.of(binding, caller), token, later);
        assertNull(again.refusedBy());
        assertEquals(false, again.firstUse(), "the token's second use is caught");
        assertFalse(store.firstUse(token, later), "the key is the one firstUse checks");
        String unlimited = "replay:" + UUID.randomUUID();
        assertEquals(true, store.admit(List.of(), unlimited, later).firstUse(), "without rate limits, the replay check alone");
        assertEquals(false, store.admit(List.of(), unlimited, later).firstUse());
    }

    @Test
    void aRateRefusalInOneRoundTripSpendsNeitherTheTokenNorLaterBuckets() throws Exception {
        RateBucket binding = bucket(1);
        RateBucket caller = bucket(3);
        Instant later = Instant.now().plusSeconds(60);
        assertNull(store.admit(List.of(binding, caller), null, later).refusedBy());
        String token = "replay:" + UUID.randomUUID();
        RedisStore.Admitted limited = store.admit(List.of(binding, caller), token, later);
        assertEquals(binding, limited.refusedBy(), "the first bucket without a permit is named");
        assertTrue(limited.waitFor().toMillis() > 0 && limited.waitFor().toMillis() <= 3_600_000, "one permit of 1/h: " + limited.waitFor());
        assertNull(limited.firstUse(), "a refused attempt does not reach the replay check");
        assertTrue(store.firstUse(token, later), "so its token is still unused");
        assertTrue(store.acquire(caller.key(), caller.limit()).isEmpty());
        assertTrue(store.acquire(caller.key(), caller.limit()).isEmpty(), "the refused attempt took no permit from the caller's bucket");
        assertTrue(store.acquire(caller.key(), caller.limit()).isPresent());
    }

    @Test
    void withoutAReplayKeyOneRoundTripOnlyTakesPermits() throws Exception {
        RateBucket binding = bucket(2);
        RedisStore.Admitted admitted = store.admit(List.of(binding), null, Instant.now().plusSeconds(60));
        assertEquals(new RedisStore.Admitted(null, Duration.ZERO, null), admitted);
        assertTrue(store.acquire(binding.key(), binding.limit()).isEmpty());
        assertTrue(store.acquire(binding.key(), binding.limit()).isPresent(), "admit took one of the two permits");
    }

    private static RateBucket bucket(int perHour) {
        return new RateBucket("rate:" + UUID.randomUUID(), new RateLimit(perHour, Duration.ofHours(1)), "test bucket");
    }

    @Test
    void whenRedisDiesCallsFailFastAndRecoverWhenItReturns() throws Exception {
        RealRedis own = new RealRedis();
        try (RedisStore flaky = RedisStore.create(own.uri(), Duration.ofMillis(500))) {
            assertTrue(flaky.firstUse("replay:" + UUID.randomUUID(), Instant.now().plusSeconds(60)));
            assertTrue(flaky.healthy());
            own.stop();
            assertThrows(StoreUnavailableException.class, () -> flaky.firstUse("replay:x", Instant.now().plusSeconds(60)));
            assertThrows(StoreUnavailableException.class, () -> flaky.acquire("rate:x", new RateLimit(1, Duration.ofMinutes(1))));
            assertThrows(StoreUnavailableException.class, () -> flaky.admit(List.of(bucket(1)), "replay:x", Instant.now().plusSeconds(60)));
            assertFalse(flaky.healthy());
            own.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!flaky.healthy() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertTrue(flaky.healthy(), "Lettuce reconnected without a new store");
            assertTrue(flaky.acquire("rate:" + UUID.randomUUID(), new RateLimit(1, Duration.ofMinutes(1))).isEmpty(),
                    "the token bucket script is loaded again into the restarted, empty Redis");
            assertEquals(true, flaky.admit(List.of(bucket(1)), "replay:" + UUID.randomUUID(), Instant.now().plusSeconds(60)).firstUse(),
                    "and so is the one-round-trip script");
        } finally {
            own.close();
        }
    }

    @Test
    void aBrokerStartedWhileRedisIsDownConnectsLater() throws Exception {
        RealRedis late = new RealRedis();
        late.stop();
        try (RedisStore waiting = RedisStore.create(late.uri(), Duration.ofMillis(500))) {
            assertThrows(StoreUnavailableException.class, () -> waiting.firstUse("replay:y", Instant.now().plusSeconds(60)));
            late.start();
            Thread.sleep(1100); // one connection attempt per second while unreachable
            assertTrue(waiting.firstUse("replay:" + UUID.randomUUID(), Instant.now().plusSeconds(60)));
        } finally {
            late.close();
        }
    }

    @Test
    void aSlowRedisTimesOutInsteadOfStallingTheExchange() throws Exception {
        try (var client = io.lettuce.core.RedisClient.create(redis.uri()); var admin = client.connect()) {
            var sleeping = admin.async().dispatch(io.lettuce.core.protocol.CommandType.DEBUG,
                    new io.lettuce.core.output.StatusOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
                    new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8).add("SLEEP").add("2"));
            Thread.sleep(100); // let DEBUG SLEEP reach the server first
            assertThrows(StoreUnavailableException.class, () -> store.firstUse("replay:" + UUID.randomUUID(),
                    Instant.now().plusSeconds(60)), "a command that outlives its 500ms timeout fails");
            sleeping.get(5, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertTrue(store.firstUse("replay:" + UUID.randomUUID(), Instant.now().plusSeconds(60)), "and the store works again after");
    }

    @Test
    void aPasswordNeverAppearsInMessages() {
        assertFalse(RedisStore.redacted("redis://user:s3cret@redis.internal:6379").contains("s3cret"));
    }
}
