package dev.keyway.bench.load;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The load test's findings as Markdown tables, the form docs/performance.md quotes. */
final class Report {

    private Report() {
    }

    static String markdown(String machine, String loadAtEnd, LoadTest.Options options, List<LoadTest.ScenarioResult> results,
                           java.util.Optional<LoadTest.Profile> profile) {
        StringBuilder out = new StringBuilder();
        out.append("## Load test\n\n");
        out.append("Machine: ").append(machine).append("; at the end: ").append(loadAtEnd).append(".\n\n");
        out.append(String.format(Locale.ROOT, "Steps of %.0f s; saturation = median of 3 closed-loop runs (%d connections) "
                        + "after at least %.0f s of closed-loop warm-up against 10 extra warm-up bindings (until throughput settles and the JIT compiler is idle), each right after a crypto-limit run; open-loop steps repeated %d× in interleaved order with %d connections, "
                        + "latency from each request's intended start; medians of the repeats, p99 range in brackets. "
                        + "Machine stalls: how late a thread that sleeps 1 ms at a time woke during the step (scheduling delay from "
                        + "everything on the cores, the hypervisor included), the floor under any process's p99.%n%n",
                options.stepSeconds(), options.closedConnections(), options.warmupSeconds(), options.repeats(), options.connections()));

        out.append("| scenario | crypto limit (verify+sign chains/s, ").append(Runtime.getRuntime().availableProcessors())
                .append(" threads) | saturation (exchanges/s) | ratio (median of paired runs) | CPU ratio (µs per chain ÷ µs per exchange, broker + store + generator) | the broker's own CPU ratio (µs per chain ÷ broker + store µs per exchange: the generator's share left out) | broker CPU s / 1,000 at saturation | ready from JVM start | RSS ready → peak | load avg before → after |\n");
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (LoadTest.ScenarioResult r : results) {
            double serverCpuPer1000 = median(r.saturation(), LoadTest.Measured::brokerCpuPer1000)
                    + median(r.saturation(), LoadTest.Measured::storeCpuPer1000);
            out.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %.2f | %.2f (%.0f µs per chain) | %.2f | %.2f | %.2f s%s | %.0f → %.0f MiB | %s → %s |%n",
                    r.name(), r.crypto().chainsPerSecond(), r.saturationRate(), r.ratio(), r.cpuRatio(), r.crypto().cpuMicrosPerChain(),
                    r.crypto().cpuMicrosPerChain() / (serverCpuPer1000 * 1000), serverCpuPer1000,
                    r.readySeconds(), r.micronautStartupMillis().map(ms -> " (Micronaut: " + ms + " ms)").orElse(""),
                    r.rssReadyMiB(), r.peakRssMiB(), shortLoad(r.loadBefore()), shortLoad(r.loadAfter())));
        }
        out.append("\nBroker heap as the JVM chose it:\n\n");
        results.forEach(r -> out.append("- ").append(r.name()).append(": ").append(r.heap()).append('\n'));
        out.append('\n');
        results.forEach(r -> r.replayStoreWarning().ifPresent(w -> out.append("**").append(r.name()).append("**: ").append(w).append(".\n\n")));

        out.append("| scenario | load | rate (/s) | achieved (/s) | p50 ms | p99 ms | p99.9 ms | max ms | generator send lag p99 ms (its GC ms) "
                + "| machine stalls p99 / max ms | broker CPU s / 1,000 | redis CPU s / 1,000 | errors (by status) | load avg |\n");
        out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |\n");
        for (LoadTest.ScenarioResult r : results) {
            for (Map.Entry<Double, List<LoadTest.Measured>> step : r.steps().entrySet()) {
                List<LoadTest.Measured> runs = step.getValue();
                out.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %,.0f | %.2f | %.2f (%.2f–%.2f) | %.2f | %.1f | %.2f (%.0f) | %.2f / %.1f | %.2f | %s | %s | %.1f |%n",
                        r.name(), LoadTest.percent(step.getKey()), runs.get(0).result().targetRate(),
                        median(runs, m -> m.result().throughput()),
                        median(runs, m -> m.result().percentileMillis(50)), median(runs, m -> m.result().percentileMillis(99)),
                        min(runs, m -> m.result().percentileMillis(99)), max(runs, m -> m.result().percentileMillis(99)),
                        median(runs, m -> m.result().percentileMillis(99.9)), max(runs, m -> m.result().latency().getMaxValue() / 1000.0),
                        median(runs, m -> m.result().sendLag().getValueAtPercentile(99) / 1000.0),
                        runs.stream().mapToDouble(LoadTest.Measured::generatorGcMillis).max().orElse(0),
                        median(runs, m -> m.stallMillis(99)), max(runs, m -> m.stallMillis(100)),
                        median(runs, LoadTest.Measured::brokerCpuPer1000), storeCpu(runs), errors(runs),
                        median(runs, LoadTest.Measured::loadAverage)));
            }
            LoadTest.Measured o = r.overload();
            out.append(String.format(Locale.ROOT, "| %s | **%s (overload)** | %,.0f | %,.0f | %.1f | %.1f | %.1f | %.1f | %.2f (%d) | %.2f / %.1f | %.2f | %s | %s | %.1f |%n",
                    r.name(), LoadTest.percent(options.overload()), o.result().targetRate(), o.result().throughput(),
                    o.result().percentileMillis(50), o.result().percentileMillis(99), o.result().percentileMillis(99.9),
                    o.result().latency().getMaxValue() / 1000.0, o.result().sendLag().getValueAtPercentile(99) / 1000.0, o.generatorGcMillis(),
                    o.stallMillis(99), o.stallMillis(100),
                    o.brokerCpuPer1000(), storeCpu(List.of(o)), errors(List.of(o)), o.loadAverage()));
        }
        out.append("\nSaturation runs (closed loop): \n\n| scenario | run | exchanges/s | p50 ms | p99 ms | broker CPU s / 1,000 | generator CPU s / 1,000 | errors | broker threads | RSS MiB |\n");
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |\n");
        for (LoadTest.ScenarioResult r : results) {
            int run = 1;
            for (LoadTest.Measured m : r.saturation()) {
                out.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %.2f | %.2f | %.2f | %.2f | %s | %d | %.0f |%n", r.name(), run++,
                        m.result().throughput(), m.result().percentileMillis(50), m.result().percentileMillis(99), m.brokerCpuPer1000(),
                        m.generatorCpuPer1000(), errors(List.of(m)), m.threads(), m.rssMiB()));
            }
        }
        profile.ifPresent(p -> out.append(String.format(Locale.ROOT,
                "%n### Profile: %s, closed-loop saturation (JFR on: %,.0f exchanges/s, not a measured figure)%n%n", p.name(),
                p.throughput())).append(p.summary().markdown()));
        return out.toString();
    }

    private static String shortLoad(String load) {
        return load.split(" ")[0];
    }

    private static String storeCpu(List<LoadTest.Measured> runs) {
        double cpu = median(runs, LoadTest.Measured::storeCpuPer1000);
        return cpu == 0 ? "–" : String.format(Locale.ROOT, "%.2f", cpu);
    }

    private static String errors(List<LoadTest.Measured> runs) {
        long errors = 0;
        StringBuilder detail = new StringBuilder();
        Map<Integer, Long> byStatus = new java.util.TreeMap<>();
        long io = 0;
        long notSent = 0;
        for (LoadTest.Measured m : runs) {
            errors += m.result().errors();
            m.result().statuses().forEach((s, n) -> {
                if (s != 200) {
                    byStatus.merge(s, n, Long::sum);
                }
            });
            io += m.result().ioErrors();
            notSent += m.result().notSent();
        }
        byStatus.forEach((s, n) -> detail.append(s).append(": ").append(n).append(", "));
        if (io > 0) {
            detail.append("I/O or timeout: ").append(io).append(", ");
        }
        if (notSent > 0) {
            detail.append("not sent in time: ").append(notSent).append(", ");
        }
        return errors == 0 ? "0" : errors + " (" + detail.substring(0, detail.length() - 2) + ")";
    }

    private static double median(List<LoadTest.Measured> runs, ToDoubleFunction<LoadTest.Measured> f) {
        return LoadTest.median(runs.stream().mapToDouble(f).toArray());
    }

    private static double min(List<LoadTest.Measured> runs, ToDoubleFunction<LoadTest.Measured> f) {
        return runs.stream().mapToDouble(f).min().orElse(Double.NaN);
    }

    private static double max(List<LoadTest.Measured> runs, ToDoubleFunction<LoadTest.Measured> f) {
        return runs.stream().mapToDouble(f).max().orElse(Double.NaN);
    }
}
