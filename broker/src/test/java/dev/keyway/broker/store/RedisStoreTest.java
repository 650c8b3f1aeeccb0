package dev.keyway.broker.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
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
    void whenRedisDiesCallsFailFastAndRecoverWhenItReturns() throws Exception {
        RealRedis own = new RealRedis();
        try (RedisStore flaky = RedisStore.create(own.uri(), Duration.ofMillis(500))) {
            assertTrue(flaky.firstUse("replay:" + UUID.randomUUID(), Instant.now().plusSeconds(60)));
            assertTrue(flaky.healthy());
            own.stop();
            assertThrows(StoreUnavailableException.class, () -> flaky.firstUse("replay:x", Instant.now().plusSeconds(60)));
            assertThrows(StoreUnavailableException.class, () -> flaky.acquire("rate:x", new RateLimit(1, Duration.ofMinutes(1))));
            assertFalse(flaky.healthy());
            own.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!flaky.healthy() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertTrue(flaky.healthy(), "Lettuce reconnected without a new store");
            assertTrue(flaky.acquire("rate:" + UUID.randomUUID(), new RateLimit(1, Duration.ofMinutes(1))).isEmpty(),
                    "the token bucket script is loaded again into the restarted, empty Redis");
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
