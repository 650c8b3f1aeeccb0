package dev.keyway.broker.store;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The store the configuration asks for: memory (one instance) or Redis (shared by all replicas). */
@Factory
public class StoreFactory {

    /** Both interfaces come from the same object, so one Redis connection serves both. */
    @Singleton
    Store store(StoreConfiguration configuration, Clock clock, MeterRegistry registry) {
        if (!java.util.Set.of("deny", "allow-without-replay-check").contains(configuration.getOnFailure())) {
            throw new IllegalStateException("keyway.store.on-failure must be deny or allow-without-replay-check, not '"
                    + configuration.getOnFailure() + "'");
        }
        return switch (configuration.getType()) {
            case "memory" -> new Store(measured(new MemoryReplayStore(MemoryReplayStore.defaultCapacity(), clock), registry),
                    new MemoryRateLimiter(clock), null);
            case "redis" -> {
                boolean standalone = configuration.getRedisUri() != null && !configuration.getRedisUri().isBlank();
                boolean cluster = configuration.getRedisClusterUri() != null && !configuration.getRedisClusterUri().isBlank();
                if (standalone == cluster) {
                    throw new IllegalStateException("keyway.store.type is redis: set exactly one of keyway.store.redis-uri"
                            + " (standalone, TLS, Sentinel) and keyway.store.redis-cluster-uri (Cluster)");
                }
                RedisStore redis = cluster
                        ? RedisStore.createCluster(configuration.getRedisClusterUri(), configuration.getCommandTimeout())
                        : RedisStore.create(configuration.getRedisUri(), configuration.getCommandTimeout(),
                                java.util.Optional.ofNullable(configuration.getRedisCaFile()).map(java.nio.file.Path::of));
                yield new Store(redis, redis, redis);
            }
            default -> throw new IllegalStateException("keyway.store.type must be memory or redis, not '"
                    + configuration.getType() + "'");
        };
    }

    /**
     * A full memory store refuses every exchange (503) rather than forget a token; these two gauges
     * let an operator see it coming (docs/operations.md) instead of learning from the refusals.
     */
    private static MemoryReplayStore measured(MemoryReplayStore replay, MeterRegistry registry) {
        Gauge.builder("keyway.replay.records", replay, MemoryReplayStore::size)
                .description("Live replay records in the memory store; at keyway_replay_capacity it refuses exchanges")
                .register(registry);
        Gauge.builder("keyway.replay.capacity", replay, MemoryReplayStore::capacity)
                .description("Live replay records the memory store holds before it refuses exchanges (max heap / 400)")
                .register(registry);
        return replay;
    }

    /** The selected store's parts; {@code redis} is set only for the Redis store (health). */
    public record Store(ReplayStore replay, RateLimiter limiter, RedisStore redis) {
    }
}
