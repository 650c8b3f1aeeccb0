package dev.keyway.broker.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keyway.broker.Concurrently;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ExchangeMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private double count(String binding, String code) {
        Counter counter = registry.find("keyway.decisions").tags("binding", binding, "code", code).counter();
        return counter == null ? 0 : counter.count();
    }

    private Set<String> bindingLabels() {
        return registry.find("keyway.decisions").counters().stream().map(c -> c.getId().getTag("binding")).collect(Collectors.toSet());
    }

    @Test
    void bindingsPastTheLimitShareOneLabelAndNoCountIsLost() {
        ExchangeMetrics metrics = new ExchangeMetrics(registry, 2);
        for (String binding : List.of("a", "b", "c", "a", "d", "b", "c")) {
            metrics.record("exchange", binding, "allow", "ok", 1.0);
        }
        metrics.record("exchange", "", "deny", "binding_not_found", 1.0);
        metrics.record("exchange", "c", "deny", "rate_limited", 1.0);

        assertEquals(2, count("a", "ok"));
        assertEquals(2, count("b", "ok"));
        assertEquals(3, count(ExchangeMetrics.OTHER_BINDINGS, "ok"), "c twice and d, under the shared label");
        assertEquals(1, count(ExchangeMetrics.OTHER_BINDINGS, "rate_limited"));
        assertEquals(1, count("", "binding_not_found"), "unknown names are not bindings and take no place under the limit");
        assertEquals(Set.of("a", "b", "", ExchangeMetrics.OTHER_BINDINGS), bindingLabels());
    }

    @Test
    void aLimitOfZeroCountsEveryBindingUnderTheSharedLabel() {
        ExchangeMetrics metrics = new ExchangeMetrics(registry, 0);
        metrics.record("explain", "a", "deny", "binding_denied", 1.0);
        metrics.record("exchange", "b", "allow", "ok", 1.0);
        assertEquals(Set.of(ExchangeMetrics.OTHER_BINDINGS), bindingLabels());
    }

    @Test
    void concurrentFirstUsesNeverLabelMoreBindingsThanTheLimit() throws Exception {
        ExchangeMetrics metrics = new ExchangeMetrics(registry, 100);
        Concurrently.run(8, thread -> {
            for (int i = 0; i < 1000; i++) {
                metrics.record("exchange", "binding-" + ((i * 7 + thread * 131) % 1000), "allow", "ok", 1.0);
            }
        });
        Set<String> labels = bindingLabels();
        assertEquals(101, labels.size(), "100 bindings of their own and the shared label");
        double total = registry.find("keyway.decisions").counters().stream().mapToDouble(Counter::count).sum();
        assertEquals(8000, total, "every decision counted once");
    }
}
