package dev.keyway.bench.jmh;

import dev.keyway.bench.fixtures.IssuerKey;
import dev.keyway.bench.fixtures.Policies;
import dev.keyway.bench.fixtures.PolicyGenerator;
import dev.keyway.bench.fixtures.Tokens;
import dev.keyway.broker.policy.Decision;
import dev.keyway.broker.policy.PolicySet;
import dev.keyway.broker.profile.Profile;
import dev.keyway.spi.Identity;
import java.nio.file.Path;
import java.time.Instant;
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
 * Step 3 of an exchange: find the binding by name, evaluate every condition and the github guard.
 * Requests are spread over the whole policy in a fixed pseudo-random order, so a large policy is
 * measured with its cache misses, not on one hot binding. The binding name is a fresh String per
 * request (its hash not cached), as it is when it comes out of a request body.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class PolicyMatchBenchmark {

    private static final int REQUESTS = 1 << 16;

    @Param({"10", "1000", "100000"})
    public int bindings;

    private PolicySet policy;
    private char[][] names;
    private Identity[] allowed;
    private Identity[] denied;
    private int next;

    @Setup
    public void setup() {
        Path dir = Policies.generate(IssuerKey.generate("ES256"), bindings);
        try {
            policy = Policies.compile(dir.resolve("policy"));
        } finally {
            Policies.delete(dir);
        }
        Instant now = Instant.now();
        names = new char[REQUESTS][];
        allowed = new Identity[REQUESTS];
        denied = new Identity[REQUESTS];
        Identity[] allowedByGroup = new Identity[Tokens.GROUPS];
        Identity[] deniedByGroup = new Identity[Tokens.GROUPS];
        for (int g = 0; g < Tokens.GROUPS; g++) {
            allowedByGroup[g] = Profile.GITHUB.identify("ci", Tokens.claims(g, "j", now, now.plusSeconds(600)));
            deniedByGroup[g] = Profile.GITHUB.identify("ci", Tokens.deniedClaims(g, "j", now, now.plusSeconds(600)));
        }
        for (int r = 0; r < REQUESTS; r++) {
            names[r] = PolicyGenerator.bindingFor(r, bindings).toCharArray();
            allowed[r] = allowedByGroup[r % Tokens.GROUPS];
            denied[r] = deniedByGroup[r % Tokens.GROUPS];
        }
        for (int r = 0; r < REQUESTS; r++) {
            if (!allow().allowed() || deny().allowed()) {
                throw new IllegalStateException("generated identities do not match their bindings as intended");
            }
        }
    }

    @TearDown
    public void tearDown() {
        policy = null;
    }

    @Benchmark
    public Decision allow() {
        int r = next++ & (REQUESTS - 1);
        return policy.binding(new String(names[r])).orElseThrow().evaluate(allowed[r]);
    }

    @Benchmark
    public Decision deny() {
        int r = next++ & (REQUESTS - 1);
        return policy.binding(new String(names[r])).orElseThrow().evaluate(denied[r]);
    }
}
