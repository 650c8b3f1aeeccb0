package dev.keyway.bench.jmh;

import dev.keyway.bench.fixtures.Policies;
import dev.keyway.bench.load.RedisServer;
import dev.keyway.broker.store.RateBucket;
import dev.keyway.broker.store.RateLimit;
import dev.keyway.broker.store.RedisStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * An exchange's store checks against a real redis-server on loopback, with both rate limits set
 * (per binding and per caller, as CONTRACT §2 suggests) and a fresh replay key each time: one
 * script ({@code oneRoundTrip}, what the broker does) against a call per check ({@code threeRoundTrips},
 * what it did before, and still does with Redis Cluster). Needs redis-server on PATH.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StoreBenchmark {

    private static final RateLimit GENEROUS = new RateLimit(1_000_000_000L, Duration.ofMinutes(1));

    private Path dir;
    private RedisServer redis;
    private RedisStore store;
    private final AtomicLong next = new AtomicLong();
    private final List<RateBucket> buckets = List.of(new RateBucket("rate:binding:deploy", GENEROUS, "binding 'deploy'"),
            new RateBucket("rate:caller:ci:acme/api", GENEROUS, "caller acme/api"));

    @Setup
    public void setup() throws Exception {
        dir = Files.createTempDirectory("keyway-store-bench");
        redis = RedisServer.start(dir);
        store = RedisStore.create(redis.uri(), Duration.ofSeconds(2));
    }

    @TearDown
    public void tearDown() throws Exception {
        store.close();
        redis.close();
        Policies.delete(dir);
    }

    @Benchmark
    public RedisStore.Admitted oneRoundTrip() throws Exception {
        return store.admit(buckets, "replay:" + next.incrementAndGet(), Instant.now().plusSeconds(60));
    }

    @Benchmark
    public boolean threeRoundTrips() throws Exception {
        for (RateBucket bucket : buckets) {
            if (store.acquire(bucket.key(), bucket.limit()).isPresent()) {
                return false;
            }
        }
        return store.firstUse("replay:" + next.incrementAndGet(), Instant.now().plusSeconds(60));
    }
}
