package dev.keyway.broker.exchange;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prometheus meters for decisions: counts by binding, decision and code; one latency histogram.
 *
 * <p>The first {@code bindingLabelLimit} bindings to be decided get a {@code binding} label of
 * their own, every later one shares {@link #OTHER_BINDINGS}. A series per binding is what an
 * operator wants for a few hundred bindings; at 100,000 it is a scrape of 100,000+ lines and
 * ~0.9 KB of heap per series, and while the series are still being created each exchange leaves
 * medium-lived garbage that made young collections copy ~60 MB each (docs/performance.md).
 */
public final class ExchangeMetrics {

    /** The label of bindings past the limit: not a possible binding name (names are DNS-style, no underscore). */
    public static final String OTHER_BINDINGS = "_other";

    private static final Logger LOG = LoggerFactory.getLogger(ExchangeMetrics.class);

    /** A counter's tags. The binding is one of the first {@code bindingLabelLimit} decided, {@link #OTHER_BINDINGS}, or "" for an unknown name. */
    private record Outcome(String event, String binding, String decision, String code) {
    }

    private final MeterRegistry registry;
    private final Timer latency;
    private final int bindingLabelLimit;
    private final Set<String> labelledBindings = ConcurrentHashMap.newKeySet();
    /** Micrometer builds, sorts and looks up the tags on every register(); this finds the counter with one hash lookup. */
    private final Map<Outcome, Counter> counters = new ConcurrentHashMap<>();

    public ExchangeMetrics(MeterRegistry registry, int bindingLabelLimit) {
        this.registry = registry;
        this.bindingLabelLimit = Math.max(0, bindingLabelLimit);
        this.latency = Timer.builder("keyway.exchange.latency")
                .description("Time to decide and mint, per request")
                .publishPercentileHistogram()
                .register(registry);
    }

    void record(String event, String binding, String decision, String code, double latencyMs) {
        counters.computeIfAbsent(new Outcome(event, bindingLabel(binding), decision, code), outcome -> Counter.builder("keyway.decisions")
                .description("Exchange and explain decisions")
                .tag("event", outcome.event()).tag("binding", outcome.binding()).tag("decision", outcome.decision()).tag("code", outcome.code())
                .register(registry))
                .increment();
        latency.record(Duration.ofNanos((long) (latencyMs * 1_000_000)));
    }

    private String bindingLabel(String binding) {
        if (binding.isEmpty() || labelledBindings.contains(binding)) {
            return binding;
        }
        if (labelledBindings.size() < bindingLabelLimit) {
            synchronized (labelledBindings) {
                if (labelledBindings.size() < bindingLabelLimit) {
                    labelledBindings.add(binding);
                    if (labelledBindings.size() == bindingLabelLimit) {
                        LOG.info("metrics: {} bindings have their own binding label on keyway_decisions_total; later ones are counted as "
                                + "binding=\"{}\" (keyway.metrics.binding-label-limit)", bindingLabelLimit, OTHER_BINDINGS);
                    }
                    return binding;
                }
            }
        }
        return OTHER_BINDINGS;
    }
}
