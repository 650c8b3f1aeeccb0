package dev.keyway.broker.api;

import static dev.keyway.broker.api.ExchangeQueue.Lane.LOCAL;
import static dev.keyway.broker.api.ExchangeQueue.Lane.NETWORK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyway.broker.config.KeywayConfiguration;
import dev.keyway.broker.problem.ErrorCode;
import dev.keyway.broker.problem.KeywayException;
import dev.keyway.broker.store.StoreConfiguration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExchangeQueueTest {

    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger runningNow = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();
    private final List<ExchangeQueue> queues = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong();

    @AfterEach
    void releaseAndClose() {
        release.countDown();
        queues.forEach(ExchangeQueue::close);
    }

    private ExchangeQueue queue(int maxInFlight, Duration maxQueueWait, int localThreads) {
        return queue(maxInFlight, maxQueueWait, localThreads, "memory");
    }

    private ExchangeQueue queue(int maxInFlight, Duration maxQueueWait, int localThreads, String storeType) {
        KeywayConfiguration.Limits limits = new KeywayConfiguration.Limits();
        limits.setMaxInFlight(maxInFlight);
        limits.setMaxQueueWait(maxQueueWait);
        limits.setLocalConcurrency(localThreads);
        StoreConfiguration store = new StoreConfiguration();
        store.setType(storeType);
        ExchangeQueue queue = new ExchangeQueue(limits, store, registry, clock::get);
        queues.add(queue);
        return queue;
    }

    /** Work that counts how many run at once and holds until the test releases it. */
    private ExchangeQueue.Work<String> held(CountDownLatch started) {
        return () -> {
            mostAtOnce.accumulateAndGet(runningNow.incrementAndGet(), Math::max);
            started.countDown();
            try {
                assertTrue(release.await(30, TimeUnit.SECONDS), "the test released held work");
                return "done";
            } finally {
                runningNow.decrementAndGet();
            }
        };
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    private double shed(String reason) {
        return registry.get("keyway.exchange.shed").tag("reason", reason).counter().count();
    }

    private static KeywayException failure(CompletableFuture<?> future) {
        ExecutionException failed = assertThrows(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS));
        return assertInstanceOf(KeywayException.class, failed.getCause());
    }

    /** Waits for a condition the queue reaches right after answering (no timing is asserted). */
    private static void eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 3000 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean());
    }

    @Test
    void onceMaxInFlightAreQueuedOrRunningTheNextIsRefusedAtOnceWith503() throws Exception {
        ExchangeQueue queue = queue(CORES + 2, Duration.ofMinutes(1), CORES);
        CountDownLatch started = new CountDownLatch(CORES);
        List<CompletableFuture<String>> admitted = new ArrayList<>();
        for (int i = 0; i < CORES + 2; i++) {
            admitted.add(queue.submit(LOCAL, held(started)));
        }
        assertTrue(started.await(30, TimeUnit.SECONDS));
        assertEquals(CORES + 2.0, gauge("keyway.exchange.in.flight"), "queued and running both count");

        AtomicBoolean ran = new AtomicBoolean();
        CompletableFuture<String> refused = queue.submit(LOCAL, () -> { ran.set(true); return "never"; });
        assertTrue(refused.isCompletedExceptionally(), "refused on the caller's thread, without a hand-off");
        KeywayException shed = failure(refused);
        assertEquals(ErrorCode.UNAVAILABLE, shed.code());
        assertEquals(Duration.ofSeconds(1), shed.retryAfter().orElseThrow());
        assertTrue(shed.getMessage().contains("limit of " + (CORES + 2)), shed.getMessage());
        assertEquals(1.0, shed("full"));

        release.countDown();
        for (CompletableFuture<String> future : admitted) {
            assertEquals("done", future.get(30, TimeUnit.SECONDS));
        }
        assertFalse(ran.get());
        assertEquals(CORES, mostAtOnce.get(), "never more running than the local threads");
        assertEquals(0.0, gauge("keyway.exchange.in.flight"), "every slot is free before the last answer goes out");
        assertEquals("again", queue.submit(LOCAL, () -> "again").get(30, TimeUnit.SECONDS));
        assertEquals(0.0, shed("waited"));
    }

    @Test
    void failuresReachTheCallerAndFreeTheirSlot() throws Exception {
        ExchangeQueue queue = queue(1, Duration.ofMinutes(1), 0);
        for (int i = 0; i < 3; i++) {
            KeywayException denied = failure(queue.submit(LOCAL, () -> { throw new KeywayException(ErrorCode.BINDING_DENIED, "no rule matches"); }));
            assertEquals(ErrorCode.BINDING_DENIED, denied.code());
            ExecutionException bug = assertThrows(ExecutionException.class,
                    () -> queue.submit(LOCAL, () -> { throw new IllegalStateException("bug"); }).get(30, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, bug.getCause());
        }
        assertEquals("ok", queue.submit(LOCAL, () -> "ok").get(30, TimeUnit.SECONDS));
        assertEquals(0.0, shed("full"));
        assertEquals(0.0, gauge("keyway.exchange.in.flight"));
    }

    @Test
    void workThatWaitedLongerThanMaxQueueWaitIsRefusedWithoutRunning() throws Exception {
        ExchangeQueue queue = queue(CORES + 1, Duration.ofMillis(1), CORES);
        CountDownLatch started = new CountDownLatch(CORES);
        List<CompletableFuture<String>> running = new ArrayList<>();
        for (int i = 0; i < CORES; i++) {
            running.add(queue.submit(LOCAL, held(started)));
        }
        assertTrue(started.await(30, TimeUnit.SECONDS));
        AtomicBoolean ran = new AtomicBoolean();
        CompletableFuture<String> late = queue.submit(LOCAL, () -> { ran.set(true); return "too late"; });
        clock.addAndGet(Duration.ofMillis(1).toNanos()); // it has now waited max-queue-wait
        release.countDown();

        KeywayException shed = failure(late);
        assertEquals(ErrorCode.UNAVAILABLE, shed.code());
        assertTrue(shed.getMessage().contains("waited 1 ms or more"), shed.getMessage());
        assertFalse(ran.get(), "refused work never runs");
        assertEquals(1.0, shed("waited"));
        for (CompletableFuture<String> future : running) {
            assertEquals("done", future.get(30, TimeUnit.SECONDS));
        }
        eventually(() -> gauge("keyway.exchange.in.flight") == 0.0);
    }

    @Test
    void localWorkRunsOnFewThreadsWhileNetworkWorkKeepsItsConcurrency() throws Exception {
        ExchangeQueue queue = queue(100, Duration.ofMinutes(1), 2);
        CountDownLatch localStarted = new CountDownLatch(2);
        List<CompletableFuture<String>> futures = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            futures.add(queue.submit(LOCAL, held(localStarted)));
        }
        assertTrue(localStarted.await(30, TimeUnit.SECONDS));
        CountDownLatch networkStarted = new CountDownLatch(10);
        for (int i = 0; i < 10; i++) {
            futures.add(queue.submit(NETWORK, held(networkStarted)));
        }
        assertTrue(networkStarted.await(30, TimeUnit.SECONDS), "network work does not wait behind the local lane");
        assertEquals(2.0, registry.get("keyway.exchange.running").tag("lane", "local").gauge().value());
        assertTrue(registry.get("keyway.exchange.running").tag("lane", "network").gauge().value() >= 10.0,
                "a runner per held network exchange (a spare one may be on its way out)");
        assertEquals(16.0, gauge("keyway.exchange.in.flight"));

        release.countDown();
        for (CompletableFuture<String> future : futures) {
            assertEquals("done", future.get(30, TimeUnit.SECONDS));
        }
        assertEquals(12, mostAtOnce.get(), "two local threads plus ten network ones, never more");
    }

    @Test
    void defaultsScaleWithTheCoresAndTheStore() {
        ExchangeQueue memory = queue(0, Duration.ofSeconds(1), 0);
        assertEquals(ExchangeQueue.DEFAULT_PER_CORE * CORES, memory.maxInFlight());
        assertEquals(2 * CORES, memory.threads(LOCAL));
        assertEquals(memory.maxInFlight(), memory.threads(NETWORK), "network work may all run at once");
        assertEquals(4 * CORES, queue(0, Duration.ofSeconds(1), 0, "redis").threads(LOCAL), "exchanges also wait on Redis");
        assertEquals(7, queue(7, Duration.ofSeconds(1), 0).maxInFlight());
        assertEquals(2, queue(2, Duration.ofSeconds(1), 5).threads(LOCAL), "never more threads than max-in-flight");
    }
}
