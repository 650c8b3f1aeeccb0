package dev.keyway.providers.upstream;

import dev.keyway.spi.IssueException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * How a cloud grant calls its cloud: a circuit breaker per endpoint (a failing STS stops costing
 * every caller a timeout) and, only for failures the provider says are safe to repeat, retries
 * with jittered exponential backoff. Timeouts belong to the SDK client, set short by each provider.
 * One instance per provider; thread-safe.
 */
public final class Upstream {

    /** Tunables; {@link #DEFAULT} suits interactive exchanges (a CI step waits on them). */
    public record Settings(int maxAttempts, Duration firstBackoff, float failureRateThreshold, int minimumCalls,
                           Duration openFor) {
        public static final Settings DEFAULT = new Settings(3, Duration.ofMillis(200), 50f, 10, Duration.ofSeconds(30));
    }

    /** A call to the cloud that may throw anything; translation to {@link IssueException} is the provider's. */
    @FunctionalInterface
    public interface Call<T> {
        T run() throws Exception;
    }

    /** Turns a failure into the exception the caller sees (upstream_denied, upstream_error, ...). */
    @FunctionalInterface
    public interface Translator {
        IssueException translate(Exception failure);
    }

    private final String provider;
    private final Settings settings;
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

    public Upstream(String provider, Settings settings) {
        this.provider = provider;
        this.settings = settings;
    }

    /**
     * Runs {@code call} against {@code endpoint}. {@code retryable} picks the failures that are safe
     * to repeat (throttling, 5xx, connection resets); refusals are never retried. {@code countsAsFailure}
     * decides what trips the breaker: an upstream refusal (the caller's role is wrong) does not.
     */
    public <T> T call(String endpoint, Call<T> call, Predicate<Throwable> retryable, Predicate<Throwable> countsAsFailure,
                      Translator translator) throws IssueException {
        CircuitBreaker breaker = breakers.computeIfAbsent(endpoint, e -> CircuitBreaker.of(provider + ":" + e,
                CircuitBreakerConfig.custom()
                        .failureRateThreshold(settings.failureRateThreshold())
                        .minimumNumberOfCalls(settings.minimumCalls())
                        .waitDurationInOpenState(settings.openFor())
                        .recordException(countsAsFailure)
                        .build()));
        Retry retry = Retry.of(provider + ":" + endpoint, RetryConfig.custom()
                .maxAttempts(settings.maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(settings.firstBackoff(), 2.0, 0.5))
                .retryOnException(retryable)
                .build());
        try {
            return Retry.decorateCheckedSupplier(retry, CircuitBreaker.decorateCheckedSupplier(breaker, call::run)).get();
        } catch (CallNotPermittedException open) {
            throw new IssueException("unavailable", provider + " at " + endpoint
                    + " failed repeatedly; calls are paused for " + settings.openFor().toSeconds() + "s", open);
        } catch (IssueException already) {
            throw already;
        } catch (Exception failure) {
            throw translator.translate(failure);
        } catch (Throwable fatal) {
            if (fatal instanceof Error error) {
                throw error;
            }
            throw translator.translate(new RuntimeException(fatal));
        }
    }

    /** The breaker's state for an endpoint, for health and tests: CLOSED, OPEN, HALF_OPEN. */
    public String state(String endpoint) {
        CircuitBreaker breaker = breakers.get(endpoint);
        return breaker == null ? "CLOSED" : breaker.getState().name();
    }
}
