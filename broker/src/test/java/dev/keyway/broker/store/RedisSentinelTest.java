package dev.keyway.broker.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The store contract through a real Sentinel: the broker asks Sentinel where the primary is. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisSentinelTest extends StoreContract {

    private RealRedis primary;
    private Process sentinel;
    private RedisStore store;

    @BeforeAll
    void start() throws Exception {
        primary = new RealRedis();
        int sentinelPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            sentinelPort = socket.getLocalPort();
        }
        Path dir = Files.createTempDirectory("keyway-sentinel");
        Path config = dir.resolve("sentinel.conf");
        Files.writeString(config, """
                port %d
                bind 127.0.0.1
                sentinel monitor keyway 127.0.0.1 %d 1
                sentinel down-after-milliseconds keyway 5000
                """.formatted(sentinelPort, primary.port));
        sentinel = new ProcessBuilder("redis-server", config.toString(), "--sentinel")
                .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        store = RedisStore.create("redis-sentinel://127.0.0.1:" + sentinelPort + "#keyway", Duration.ofSeconds(2));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!store.healthy() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    @AfterAll
    void stop() throws Exception {
        store.close();
        sentinel.destroy();
        primary.close();
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
    void theStoreFoundThePrimaryThroughSentinel() throws Exception {
        assertTrue(store.healthy());
        assertTrue(store.firstUse("replay:" + UUID.randomUUID(), Instant.now().plusSeconds(60)));
    }
}
