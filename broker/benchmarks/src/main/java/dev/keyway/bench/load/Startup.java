package dev.keyway.bench.load;

import dev.keyway.bench.fixtures.PolicyGenerator;
import dev.keyway.broker.keys.SigningKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Time from launching the broker's JVM to its first 200 on /health/readiness, several times over,
 * with the JVM's defaults and with an application class-data-sharing archive (AppCDS, created by
 * one training start with -XX:ArchiveClassesAtExit). Prints the median of each.
 *
 * <pre>java -cp broker/benchmarks/target/benchmarks.jar dev.keyway.bench.load.Startup [--jar J] [--runs 5] [--bindings 10]</pre>
 */
public final class Startup {

    private Startup() {
    }

    public static void main(String[] args) throws Exception {
        HarnessOptions options = HarnessOptions.parse(args, 10);
        Path jar = options.jar();
        int runs = options.runs();
        Path dir = Files.createTempDirectory("keyway-startup");
        PolicyGenerator.writeWithNewKey(dir, options.bindings());
        SigningKeys.init(dir.resolve("keys"));
        Path archive = dir.resolve("keyway.jsa");
        System.out.printf(Locale.ROOT, "| JVM options | ready from JVM launch, median of %d (min – max) | Micronaut's own startup, median | CPU s used by then, median | load avg |%n"
                + "| --- | ---: | ---: | ---: | --- |%n", runs);
        report("defaults", start(jar, dir, List.of(), runs), Machine.loadAverages());
        start(jar, dir, List.of("-XX:ArchiveClassesAtExit=" + archive), 1); // training run: writes the archive at exit
        report("AppCDS (`-XX:SharedArchiveFile`)", start(jar, dir, List.of("-XX:SharedArchiveFile=" + archive), runs), Machine.loadAverages());
        report("AppCDS + `-XX:TieredStopAtLevel=1` (C1 only)", start(jar, dir,
                List.of("-XX:SharedArchiveFile=" + archive, "-XX:TieredStopAtLevel=1"), runs), Machine.loadAverages());
        dev.keyway.bench.fixtures.Policies.delete(dir);
    }

    private record Run(double ready, Optional<Integer> micronautMillis, double cpuSeconds) {
    }

    private static List<Run> start(Path jar, Path dir, List<String> jvmArgs, int runs) throws Exception {
        List<Run> out = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            try (BrokerProcess broker = BrokerProcess.start(jar, dir, dir.resolve("policy"), dir.resolve("keys"), Optional.empty(), jvmArgs)) {
                double cpu = ProcessStats.cpuSeconds(broker.handle());
                Thread.sleep(200); // let the startup log line land
                out.add(new Run(broker.readySeconds, broker.micronautStartupMillis(), cpu));
            }
        }
        return out;
    }

    private static void report(String label, List<Run> runs, String load) {
        double[] ready = runs.stream().mapToDouble(Run::ready).toArray();
        double[] micronaut = runs.stream().filter(r -> r.micronautMillis().isPresent()).mapToDouble(r -> r.micronautMillis().get()).toArray();
        System.out.printf(Locale.ROOT, "| %s | %.2f s (%.2f – %.2f) | %.0f ms | %.2f | %s |%n", label, LoadTest.median(ready),
                java.util.Arrays.stream(ready).min().orElse(0), java.util.Arrays.stream(ready).max().orElse(0),
                LoadTest.median(micronaut), LoadTest.median(runs.stream().mapToDouble(Run::cpuSeconds).toArray()), load.split(" ")[0]);
    }
}
