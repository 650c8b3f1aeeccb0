package dev.keyway.bench.jmh;

import dev.keyway.bench.fixtures.Policies;
import dev.keyway.bench.fixtures.PolicyGenerator;
import dev.keyway.bench.fixtures.TokenPool;
import dev.keyway.broker.exchange.ExchangeRequest;
import dev.keyway.broker.exchange.ExchangeService;
import dev.keyway.broker.exchange.Exchanged;
import dev.keyway.broker.exchange.Format;
import dev.keyway.broker.keys.SigningKeys;
import dev.keyway.broker.problem.KeywayException;
import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * The whole in-process pipeline, {@link ExchangeService#exchange}: verify (RS256, GitHub-sized) →
 * identify → lookup + match → replay check (memory store) → mint a jwt (ES256, Bouncy Castle) →
 * audit (file sink) and metrics. The service is the broker's own bean from a started Micronaut
 * context, wired by ExchangeFactory exactly as in production; only HTTP is missing. Every call
 * spends a distinct pre-minted token, so every replay check is a first use. A fixed 3 GiB heap, so
 * the 100,000-binding policy (~0.5 GiB retained) and the token pool do not push the collector into
 * concurrent cycles that the 10-binding run never sees.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class PipelineBenchmark {

    /** Enough for ~6,500 exchanges/s through warm-up and measurement (18 s); KEYWAY_BENCH_TOKENS overrides. */
    static final int DEFAULT_TOKENS = 120_000;

    @Param({"10", "100000"})
    public int bindings;

    private Path dir;
    private ApplicationContext context;
    private ExchangeService service;
    private TokenPool pool;
    private int next;

    @Setup
    public void setup() throws IOException, KeywayException {
        pool = TokenPool.atLeast(Integer.parseInt(System.getenv().getOrDefault("KEYWAY_BENCH_TOKENS", String.valueOf(DEFAULT_TOKENS))));
        dir = Policies.generate(pool.key(), bindings);
        Path keys = dir.resolve("keys");
        SigningKeys.init(keys);
        context = ApplicationContext.run(Map.of(
                "keyway.public-url", "https://keyway.bench",
                "keyway.policy.paths", List.of(dir.resolve("policy").toString()),
                "keyway.keys.dir", keys.toString(),
                "keyway.audit.sinks", List.of("file:" + dir.resolve("audit.jsonl")),
                "keyway.store.type", "memory"));
        service = context.getBean(ExchangeService.class);
        exchange();
    }

    @TearDown
    public void tearDown() throws IOException {
        context.close();
        System.out.println("audit lines: " + Files.lines(dir.resolve("audit.jsonl")).count() + ", tokens used: " + next);
        Policies.delete(dir);
    }

    @Benchmark
    public Exchanged exchange() throws KeywayException {
        int t = next++;
        if (t >= pool.size()) {
            throw new IllegalStateException("token pool exhausted after " + t + " exchanges; raise KEYWAY_BENCH_TOKENS");
        }
        return service.exchange(new ExchangeRequest(PolicyGenerator.bindingFor(t, bindings), pool.token(t), Optional.empty(),
                Optional.empty(), Optional.empty(), Format.JSON, "bench-" + t, "127.0.0.1"));
    }
}
