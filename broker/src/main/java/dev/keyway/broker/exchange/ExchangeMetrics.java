package dev.keyway.broker.exchange;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** Prometheus meters for decisions: counts by binding, decision and code; one latency histogram. */
public final class ExchangeMetrics {

    private final MeterRegistry registry;
    private final Timer latency;

    public ExchangeMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.latency = Timer.builder("keyway.exchange.latency")
                .description("Time to decide and mint, per request")
                .publishPercentileHistogram()
                .register(registry);
    }

    void record(String event, String binding, String decision, String code, double latencyMs) {
        Counter.builder("keyway.decisions")
                .description("Exchange and explain decisions")
                .tag("event", event).tag("binding", binding).tag("decision", decision).tag("code", code)
                .register(registry)
                .increment();
        latency.record(Duration.ofNanos((long) (latencyMs * 1_000_000)));
    }
}
