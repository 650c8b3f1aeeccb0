package dev.keyway.broker.api;

import dev.keyway.broker.config.KeywayConfiguration;
import dev.keyway.broker.problem.KeywayException;
import dev.keyway.broker.store.StoreConfiguration;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Where exchanges wait and run, so that past saturation the broker sheds load instead of queueing.
 *
 * <p>Admission happens on the Netty event loop, before any thread hand-off: once
 * {@code keyway.limits.max-in-flight} exchanges are queued or running, the next one is refused with
 * 503 at once. Admitted exchanges wait in a FIFO per {@link Lane}. Exchanges whose grant is
 * computed here (jwt, x509, ssh) run on a few threads, two per core: more would only
 * time-slice the same cores and starve the event loops, which must keep reading requests to refuse
 * the excess (measured: with ~130 request threads on two cores, requests sat unread in socket
 * buffers for seconds). Exchanges that wait on a cloud API run on up to {@code max-in-flight}
 * threads, since they mostly wait. An exchange that waited {@code keyway.limits.max-queue-wait}
 * or more is refused without running: its caller has waited long enough.
 */
@Singleton
public final class ExchangeQueue {

    /** Enough to absorb bursts and keep every core busy; small enough that a full queue drains in tens of ms. */
    static final int DEFAULT_PER_CORE = 64;
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    /** Which threads run an exchange. */
    public enum Lane {
        /** CPU-bound: verification, policy, signing here (jwt, x509, ssh). */
        LOCAL,
        /** Waits on a cloud API (aws, gcp, azure). */
        NETWORK
    }

    /** Runs one exchange; may throw what the exchange throws. */
    public interface Work<T> {
        T run() throws Exception;
    }

    private final int maxInFlight;
    private final long maxQueueWaitNanos;
    private final LongSupplier nanoTime;
    private final AtomicInteger admitted = new AtomicInteger();
    private final Runners local;
    private final Runners network;
    private final ExecutorService threads;
    private final Counter shedFull;
    private final Counter shedWaited;

    @Inject
    public ExchangeQueue(KeywayConfiguration.Limits limits, StoreConfiguration store, MeterRegistry registry) {
        this(limits, store, registry, System::nanoTime);
    }

    /** {@code nanoTime}: the clock queue waits are measured with (tests move it by hand). */
    ExchangeQueue(KeywayConfiguration.Limits limits, StoreConfiguration store, MeterRegistry registry, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        int cores = Runtime.getRuntime().availableProcessors();
        this.maxInFlight = limits.getMaxInFlight() > 0 ? limits.getMaxInFlight() : DEFAULT_PER_CORE * cores;
        this.maxQueueWaitNanos = limits.getMaxQueueWait().toNanos();
        // Two per core keep the cores busy through the short waits a local exchange has (a thread
        // hand-off, the audit write); with Redis each also waits on a round trip, so twice that.
        int localThreads = limits.getLocalConcurrency() > 0 ? limits.getLocalConcurrency()
                : "redis".equals(store.getType()) ? 4 * cores : 2 * cores;
        this.local = new Runners(Lane.LOCAL, Math.min(localThreads, maxInFlight), registry);
        this.network = new Runners(Lane.NETWORK, maxInFlight, registry);
        AtomicInteger threadNumber = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "keyway-exchange-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.shedFull = shedCounter(registry, "full", "the queue already held max-in-flight exchanges");
        this.shedWaited = shedCounter(registry, "waited", "the exchange waited max-queue-wait or more");
        Gauge.builder("keyway.exchange.in.flight", admitted, AtomicInteger::get)
                .description("Exchanges queued or running now")
                .register(registry);
    }

    private static Counter shedCounter(MeterRegistry registry, String reason, String description) {
        return Counter.builder("keyway.exchange.shed").tag("reason", reason)
                .description("Requests refused with 503 because " + description)
                .register(registry);
    }

    /**
     * Queues {@code work}; call it on the event loop. The future fails with 503 {@code unavailable}
     * when the queue is full (at once) or the work waited too long, and with what the work threw.
     */
    public <T> CompletableFuture<T> submit(Lane lane, Work<T> work) {
        if (admitted.incrementAndGet() > maxInFlight) {
            admitted.decrementAndGet();
            shedFull.increment();
            return CompletableFuture.failedFuture(KeywayException.unavailable("the broker already holds its limit of "
                    + maxInFlight + " exchanges; retry after the Retry-After delay, or add replicas", RETRY_AFTER, null));
        }
        Task<T> task = new Task<>(work, nanoTime.getAsLong());
        Runners runners = lane == Lane.LOCAL ? local : network;
        runners.waiting.add(task);
        runners.start();
        return task.result;
    }

    int threads(Lane lane) {
        return (lane == Lane.LOCAL ? local : network).max;
    }

    int maxInFlight() {
        return maxInFlight;
    }

    @PreDestroy
    void close() {
        threads.shutdown();
    }

    /** One lane: its queue and at most {@code max} threads taking from it. */
    private final class Runners {
        final ConcurrentLinkedQueue<Task<?>> waiting = new ConcurrentLinkedQueue<>();
        final AtomicInteger running = new AtomicInteger();
        final int max;

        Runners(Lane lane, int max, MeterRegistry registry) {
            this.max = max;
            Gauge.builder("keyway.exchange.running", running, AtomicInteger::get)
                    .tag("lane", lane.name().toLowerCase(Locale.ROOT))
                    .description("Threads taking exchanges from the lane's queue now")
                    .register(registry);
        }

        /** Starts a runner for queued work while fewer than {@code max} run. */
        void start() {
            while (!waiting.isEmpty()) {
                int now = running.get();
                if (now >= max) {
                    return; // a runner takes the work when it finishes its own
                }
                if (running.compareAndSet(now, now + 1)) {
                    threads.execute(this::drain);
                }
            }
        }

        /** One runner: takes queued work, without a thread hand-off, until the queue is empty. */
        void drain() {
            Task<?> task;
            while ((task = waiting.poll()) != null) {
                run(task);
            }
            running.decrementAndGet();
            start(); // work queued between the last poll and the decrement
        }
    }

    private <T> void run(Task<T> task) {
        if (nanoTime.getAsLong() - task.queuedAt >= maxQueueWaitNanos) {
            admitted.decrementAndGet();
            shedWaited.increment();
            task.result.completeExceptionally(KeywayException.unavailable("the exchange waited "
                    + Duration.ofNanos(maxQueueWaitNanos).toMillis() + " ms or more for its turn: the broker is past saturation; "
                    + "retry after the Retry-After delay, or add replicas", RETRY_AFTER, null));
            return;
        }
        T value = null;
        Throwable failure = null;
        try {
            value = task.work.run();
        } catch (Exception | Error e) {
            failure = e;
        }
        admitted.decrementAndGet(); // before the answer goes out, so a caller that retries at once finds room
        if (failure == null) {
            task.result.complete(value);
        } else {
            task.result.completeExceptionally(failure);
        }
    }

    private record Task<T>(Work<T> work, long queuedAt, CompletableFuture<T> result) {
        Task(Work<T> work, long queuedAt) {
            this(work, queuedAt, new CompletableFuture<>());
        }
    }
}
