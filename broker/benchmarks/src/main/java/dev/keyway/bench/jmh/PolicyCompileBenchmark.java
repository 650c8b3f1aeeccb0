package dev.keyway.bench.jmh;

import dev.keyway.bench.fixtures.IssuerKey;
import dev.keyway.bench.fixtures.Policies;
import dev.keyway.broker.policy.PolicySet;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a (re)load costs: read + parse + compile + lint of a generated policy, as the server,
 * {@code policy check} and {@code policy test} run it. One compile per measurement (single shot),
 * since a reload happens once, not in a hot loop. Replaces the plain-main PolicyCompileBenchmark
 * that lived in broker's tests.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class PolicyCompileBenchmark {

    @Param({"1000", "100000"})
    public int bindings;

    private Path dir;

    @Setup
    public void setup() {
        dir = Policies.generate(IssuerKey.generate("ES256"), bindings);
    }

    @TearDown
    public void tearDown() {
        Policies.delete(dir);
    }

    @Benchmark
    public PolicySet compile() {
        return Policies.compile(dir.resolve("policy"));
    }
}
