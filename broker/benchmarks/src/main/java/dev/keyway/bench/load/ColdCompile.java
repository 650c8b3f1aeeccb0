package dev.keyway.bench.load;

import dev.keyway.bench.fixtures.Policies;
import dev.keyway.bench.fixtures.PolicyGenerator;
import dev.keyway.broker.policy.Compilation;
import dev.keyway.broker.policy.GrantTypes;
import dev.keyway.broker.policy.PolicyCompiler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The first policy compile in a fresh JVM, which is what a broker's start and a CI job's
 * {@code policy check} pay (JMH's PolicyCompileBenchmark measures a warm one). Each run starts new
 * JVMs: one that times {@link PolicyCompiler#compile} alone, then {@code policy check} through the
 * broker jar, with a bounded heap and with the JVM's default one. Prints the median of each.
 *
 * <pre>java -cp broker/benchmarks/target/benchmarks.jar dev.keyway.bench.load.ColdCompile [--jar J] [--runs 5] [--bindings 100000]</pre>
 */
public final class ColdCompile {

    private static final String HEAP = "-Xmx768m";

    private ColdCompile() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--compile-once")) {
            compileOnce(Path.of(args[1]));
            return;
        }
        HarnessOptions options = HarnessOptions.parse(args, 100_000);
        Path jar = options.jar();
        int runs = options.runs();
        int bindings = options.bindings();
        Path dir = Files.createTempDirectory("keyway-compile");
        PolicyGenerator.Generated generated = PolicyGenerator.writeWithNewKey(dir, bindings);
        Path policy = generated.policy();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String self = Path.of(ColdCompile.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        double[] compile = new double[runs];
        double[] check = new double[runs];
        double[] checkDefaultHeap = new double[runs];
        for (int r = 0; r < runs; r++) {
            System.err.printf(Locale.ROOT, "cold compile: run %d of %d%n", r + 1, runs);
            compile[r] = Double.parseDouble(run(List.of(java, HEAP, "-cp", self, ColdCompile.class.getName(),
                    "--compile-once", policy.toString())).trim());
            check[r] = timed(List.of(java, HEAP, "-jar", jar.toString(), "policy", "check", policy.toString()));
            checkDefaultHeap[r] = timed(List.of(java, "-jar", jar.toString(), "policy", "check", policy.toString()));
        }
        System.out.printf(Locale.ROOT, "%,d bindings, %.0f MB of YAML; median of %d fresh JVMs (min – max), load avg %s%n%n"
                + "| what | seconds |%n| --- | ---: |%n", bindings, generated.bytes() / 1e6, runs, Machine.loadAverages().split(" ")[0]);
        row("first `PolicyCompiler.compile` in the JVM, `" + HEAP + "`", compile);
        row("`policy check`, JVM launch to exit, `" + HEAP + "`", check);
        row("`policy check`, JVM launch to exit, the JVM's default heap", checkDefaultHeap);
        Policies.delete(dir);
    }

    /** In the child JVM: compiles once and prints the seconds it took. */
    private static void compileOnce(Path policy) {
        PolicyCompiler compiler = new PolicyCompiler(GrantTypes.discover()); // provider discovery is not the compile
        long start = System.nanoTime();
        Compilation compilation = compiler.compile(List.of(policy));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (compilation.policy().isEmpty()) {
            throw new IllegalStateException("the generated policy did not compile: " + compilation.errors());
        }
        System.out.printf(Locale.ROOT, "%.3f%n", seconds);
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue());
        }
        return out;
    }

    private static double timed(List<String> command) throws IOException, InterruptedException {
        long start = System.nanoTime();
        run(command);
        return (System.nanoTime() - start) / 1e9;
    }

    private static void row(String label, double[] seconds) {
        System.out.printf(Locale.ROOT, "| %s | %.2f (%.2f – %.2f) |%n", label, LoadTest.median(seconds),
                Arrays.stream(seconds).min().orElse(0), Arrays.stream(seconds).max().orElse(0));
    }
}
