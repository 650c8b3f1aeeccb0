package dev.keyway.bench.jmh;

import dev.keyway.bench.fixtures.Tokens;
import dev.keyway.broker.profile.Profile;
import dev.keyway.spi.Identity;
import dev.keyway.spi.config.Location;
import dev.keyway.spi.config.Problems;
import dev.keyway.spi.template.Template;
import java.time.Instant;
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
import org.openjdk.jmh.annotations.Warmup;

/** Rendering one grant template (parsed once at policy load) for a verified identity. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TemplateBenchmark {

    @Param({"deployers", "{{repository}}@{{ref}}", "{{/run_id}}",
            "repo:{{repository}}:env:{{environment}}:run:{{run_id}}/{{run_attempt}}:by:{{actor}}"})
    public String template;

    private Template parsed;
    private Identity identity;

    @Setup
    public void setup() {
        Problems problems = new Problems();
        parsed = Template.parse(template, Location.unknown("bench"), Profile.GITHUB, problems)
                .orElseThrow(() -> new IllegalStateException(problems.all().toString()));
        Instant now = Instant.now();
        identity = Profile.GITHUB.identify("ci", Tokens.claims(3, "j", now, now.plusSeconds(600)));
    }

    @Benchmark
    public Optional<String> render() {
        return parsed.render(identity);
    }
}
