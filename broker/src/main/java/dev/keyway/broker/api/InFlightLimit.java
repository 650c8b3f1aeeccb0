package dev.keyway.broker.api;

import dev.keyway.broker.config.KeywayConfiguration;
import dev.keyway.broker.problem.KeywayException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * Sheds load beyond {@code keyway.limits.max-in-flight} concurrent exchanges with 503 and
 * {@code Retry-After}, instead of queueing without bound: past saturation every extra request
 * only adds latency to all the others, until clients time out and retry into a deeper queue.
 * A refusal costs microseconds, so the broker keeps answering at full speed under any overload.
 */
@Singleton
public final class InFlightLimit {

    /** Enough to keep every core busy while requests wait on keys or the store; small enough to bound the queue. */
    static final int DEFAULT_PER_CORE = 64;
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    /** Runs one exchange; may throw what the exchange throws. */
    public interface Work<T> {
        T run() throws Exception;
    }

    private final int max;
    private final Semaphore permits;
    private final Counter shed;

    public InFlightLimit(KeywayConfiguration.Limits limits, MeterRegistry registry) {
        this.max = limits.getMaxInFlight() > 0 ? limits.getMaxInFlight() : DEFAULT_PER_CORE * Runtime.getRuntime().availableProcessors();
        this.permits = new Semaphore(max);
        this.shed = Counter.builder("keyway.exchange.shed")
                .description("Requests refused with 503 because max-in-flight exchanges were already running")
                .register(registry);
        Gauge.builder("keyway.exchange.in.flight", permits, p -> max - p.availablePermits())
                .description("Exchanges running now")
                .register(registry);
    }

    public <T> T run(Work<T> work) throws Exception {
        if (!permits.tryAcquire()) {
            shed.increment();
            throw KeywayException.unavailable("the broker is running its limit of " + max
                    + " exchanges at once; retry after the Retry-After delay, or add replicas", RETRY_AFTER, null);
        }
        try {
            return work.run();
        } finally {
            permits.release();
        }
    }

    int max() {
        return max;
    }
}
