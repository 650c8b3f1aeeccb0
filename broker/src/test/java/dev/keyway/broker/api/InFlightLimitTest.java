package dev.keyway.broker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyway.broker.config.KeywayConfiguration;
import dev.keyway.broker.problem.ErrorCode;
import dev.keyway.broker.problem.KeywayException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class InFlightLimitTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private InFlightLimit limit(int max) {
        KeywayConfiguration.Limits limits = new KeywayConfiguration.Limits();
        limits.setMaxInFlight(max);
        return new InFlightLimit(limits, registry);
    }

    @Test
    void beyondTheLimitRequestsAreShedWith503AndRetryAfterUntilOneFinishes() throws Exception {
        InFlightLimit limit = limit(2);
        CountDownLatch running = new CountDownLatch(2);
        CountDownLatch finish = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<String> first = pool.submit(() -> limit.run(() -> hold(running, finish)));
            Future<String> second = pool.submit(() -> limit.run(() -> hold(running, finish)));
            running.await();
            assertEquals(2.0, registry.get("keyway.exchange.in.flight").gauge().value());

            KeywayException shed = assertThrows(KeywayException.class, () -> limit.run(() -> "never runs"));
            assertEquals(ErrorCode.UNAVAILABLE, shed.code());
            assertEquals(Duration.ofSeconds(1), shed.retryAfter().orElseThrow());
            assertTrue(shed.getMessage().contains("limit of 2"), shed.getMessage());
            assertEquals(1.0, registry.get("keyway.exchange.shed").counter().count());

            finish.countDown();
            assertEquals("done", first.get());
            assertEquals("done", second.get());
            assertEquals("again", limit.run(() -> "again"));
            assertEquals(0.0, registry.get("keyway.exchange.in.flight").gauge().value());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailingExchangeGivesItsPermitBack() throws Exception {
        InFlightLimit limit = limit(1);
        for (int i = 0; i < 3; i++) {
            KeywayException denied = assertThrows(KeywayException.class,
                    () -> limit.run(() -> { throw new KeywayException(ErrorCode.BINDING_DENIED, "no rule matches"); }));
            assertEquals(ErrorCode.BINDING_DENIED, denied.code());
            assertThrows(IllegalStateException.class, () -> limit.run(() -> { throw new IllegalStateException("bug"); }));
        }
        assertEquals("ok", limit.run(() -> "ok"));
        assertEquals(0.0, registry.get("keyway.exchange.shed").counter().count());
    }

    @Test
    void theDefaultScalesWithTheCores() {
        assertEquals(InFlightLimit.DEFAULT_PER_CORE * Runtime.getRuntime().availableProcessors(), limit(0).max());
        assertEquals(7, limit(7).max());
    }

    private static String hold(CountDownLatch running, CountDownLatch finish) throws InterruptedException {
        running.countDown();
        finish.await();
        return "done";
    }
}
