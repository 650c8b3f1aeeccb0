package dev.keyway.bench.jmh;

import dev.keyway.bench.fixtures.IssuerKey;
import dev.keyway.bench.fixtures.Policies;
import dev.keyway.bench.fixtures.Tokens;
import dev.keyway.broker.issuer.IssuerKeys;
import dev.keyway.broker.issuer.TokenVerifier;
import dev.keyway.broker.issuer.VerificationLimits;
import dev.keyway.broker.issuer.VerifiedToken;
import dev.keyway.broker.policy.PolicySet;
import dev.keyway.broker.problem.KeywayException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
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
 * Step 1 of an exchange, per issuer algorithm: {@link TokenVerifier#verify} of a GitHub-sized token
 * against an issuer whose keys come from a jwks-file (parse, header rules, key lookup, cached
 * verifier, signature, time and audience checks). No replay: the verifier does not consume tokens.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class VerifyBenchmark {

    @Param({"RS256", "PS256", "ES256", "ES384", "EdDSA"})
    public String alg;

    private Path dir;
    private PolicySet policy;
    private TokenVerifier verifier;
    private String token;

    @Setup
    public void setup() throws KeywayException {
        IssuerKey key = IssuerKey.generate(alg);
        dir = Policies.generate(key, 10);
        policy = Policies.compile(dir.resolve("policy"));
        IssuerKeys keys = new IssuerKeys(IssuerKeys.Settings.DEFAULT);
        verifier = new TokenVerifier(VerificationLimits.DEFAULT, Clock.systemUTC(), keys::source, issuer -> List.of(Tokens.AUDIENCE));
        Instant now = Instant.now();
        token = key.sign(Tokens.claims(0, "jti-verify", now, now.plusSeconds(3600)));
        verifier.verify(token, policy); // fails setup loudly if the fixture is wrong
    }

    @TearDown
    public void tearDown() {
        Policies.delete(dir);
    }

    @Benchmark
    public VerifiedToken verify() throws KeywayException {
        return verifier.verify(token, policy);
    }
}
