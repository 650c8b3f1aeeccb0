package dev.keyway.bench.load;

import dev.keyway.bench.fixtures.PolicyGenerator;
import dev.keyway.broker.keys.KeySet;
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
 * one training start with -XX:ArchiveClassesAtExit) and, on Java 25 or newer, with an ahead-of-time
 * cache (one training start with -XX:AOTCacheOutput: what the image runs). The brokers run on the
 * JVM that runs this harness. Prints the median of each, for a key directory with signing keys only
 * and for one as {@code keys init} writes it (with both CAs).
 *
 * <pre>java -cp broker/benchmarks/target/benchmarks.jar dev.keyway.bench.load.Startup [--jar J] [--runs 5] [--bindings 10]</pre>
 */
public final class Startup {

    private Startup() {
    }

    public static void main(String[] args) throws Exception {
        HarnessOptions options = HarnessOptions.parse(args, 10);
        Path dir = Files.createTempDirectory("keyway-startup");
        PolicyGenerator.writeWithNewKey(dir, options.bindings());
        Path signingOnly = dir.resolve("keys");
        SigningKeys.init(signingOnly);
        // What keys init writes and a deployment runs with: the CAs cost start-up time of their own (Bouncy Castle, MINA SSHD).
        Path allKeys = dir.resolve("keys-all");
        KeySet.init(allKeys);
        System.out.printf(Locale.ROOT, "| keys | JVM options | ready from JVM launch, median of %d (min – max) | Micronaut's own startup, median | CPU s used by then, median | load avg |%n"
                + "| --- | --- | ---: | ---: | ---: | --- |%n", options.runs());
        measure("signing keys only", options, dir, signingOnly);
        measure("`keys init` (+ X.509 and SSH CAs)", options, dir, allKeys);
        dev.keyway.bench.fixtures.Policies.delete(dir);
    }

    private static void measure(String keys, HarnessOptions options, Path dir, Path keysDir) throws Exception {
        Path jar = options.jar();
        int runs = options.runs();
        Path archive = dir.resolve(keysDir.getFileName() + ".jsa");
        report(keys, "defaults", start(jar, dir, keysDir, List.of(), runs), Machine.loadAverages());
        start(jar, dir, keysDir, List.of("-XX:ArchiveClassesAtExit=" + archive), 1); // training run: writes the archive at exit
        report(keys, "AppCDS (`-XX:SharedArchiveFile`)", start(jar, dir, keysDir, List.of("-XX:SharedArchiveFile=" + archive), runs),
                Machine.loadAverages());
        report(keys, "AppCDS + `-XX:TieredStopAtLevel=1` (C1 only)", start(jar, dir, keysDir,
                List.of("-XX:SharedArchiveFile=" + archive, "-XX:TieredStopAtLevel=1"), runs), Machine.loadAverages());
        if (Runtime.version().feature() >= 25) {
            // JEP 483/514: classes loaded and linked in advance, recorded by one training start. AOTMode=on: a cache
            // that cannot map stops the start, so this row never measures a start without it.
            Path cache = dir.resolve(keysDir.getFileName() + ".aot");
            start(jar, dir, keysDir, List.of("-XX:AOTCacheOutput=" + cache), 1);
            report(keys, "AOT cache (`-XX:AOTCache`, what the image does)", start(jar, dir, keysDir, List.of("-XX:AOTCache=" + cache, "-XX:AOTMode=on"), runs),
                    Machine.loadAverages());
        }
    }

    private record Run(double ready, Optional<Integer> micronautMillis, double cpuSeconds) {
    }

    private static List<Run> start(Path jar, Path dir, Path keysDir, List<String> jvmArgs, int runs) throws Exception {
        List<Run> out = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            try (BrokerProcess broker = BrokerProcess.start(jar, dir, dir.resolve("policy"), keysDir, Optional.empty(), jvmArgs)) {
                double cpu = ProcessStats.cpuSeconds(broker.handle());
                Thread.sleep(200); // let the startup log line land
                out.add(new Run(broker.readySeconds, broker.micronautStartupMillis(), cpu));
            }
        }
        return out;
    }

    private static void report(String keys, String label, List<Run> runs, String load) {
        double[] ready = runs.stream().mapToDouble(Run::ready).toArray();
        double[] micronaut = runs.stream().filter(r -> r.micronautMillis().isPresent()).mapToDouble(r -> r.micronautMillis().get()).toArray();
        System.out.printf(Locale.ROOT, "| %s | %s | %.2f s (%.2f – %.2f) | %.0f ms | %.2f | %s |%n", keys, label, LoadTest.median(ready),
                java.util.Arrays.stream(ready).min().orElse(0), java.util.Arrays.stream(ready).max().orElse(0),
                LoadTest.median(micronaut), LoadTest.median(runs.stream().mapToDouble(Run::cpuSeconds).toArray()), load.split(" ")[0]);
    }
}
