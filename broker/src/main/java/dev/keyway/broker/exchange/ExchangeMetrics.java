package dev.keyway.broker.exchange;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Prometheus meters for decisions: counts by binding, decision and code; one latency histogram. */
public final class ExchangeMetrics {

    /** A counter's tags. Bindings here are the policy's own (unknown names are counted as ""), so the set is bounded. */
    private record Outcome(String event, String binding, String decision, String code) {
    }

    private final MeterRegistry registry;
    private final Timer latency;
    /** Micrometer builds, sorts and looks up the tags on every register(); this finds the counter with one hash lookup. */
    private final Map<Outcome, Counter> counters = new ConcurrentHashMap<>();

    public ExchangeMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.latency = Timer.builder("keyway.exchange.latency")
                .description("Time to decide and mint, per request")
                .publishPercentileHistogram()
                .register(registry);
    }

    void record(String event, String binding, String decision, String code, double latencyMs) {
        counters.computeIfAbsent(new Outcome(event, binding, decision, code), outcome -> Counter.builder("keyway.decisions")
                .description("Exchange and explain decisions")
                .tag("event", event).tag("binding", binding).tag("decision", decision).tag("code", code)
                .register(registry))
                .increment();
        latency.record(Duration.ofNanos((long) (latencyMs * 1_000_000)));
    }
}
