package dev.keyway.bench.jmh;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import dev.keyway.bench.fixtures.IssuerKey;
import dev.keyway.bench.fixtures.Tokens;
import dev.keyway.broker.keys.BouncyCastle;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Nimbus parse + signature check of a GitHub-sized token, outside Keyway: what a verifier choice
 * costs. {@code ES256-BC} is what Algorithms.verifier builds for EC issuers (Bouncy Castle over a
 * key converted once, {@link BouncyCastle}); {@code ES256-JDK} is the JDK's ECDSA it replaced.
 * RS256 for scale.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JoseVerifyBenchmark {

    @Param({"RS256", "ES256-JDK", "ES256-BC"})
    public String verifier;

    private String token;
    private JWSVerifier jws;

    @Setup
    public void setup() throws Exception {
        IssuerKey key = IssuerKey.generate(verifier.startsWith("ES256") ? "ES256" : "RS256");
        Instant now = Instant.now();
        token = key.sign(Tokens.claims(1, "jti-jose", now, now.plusSeconds(3600)));
        JWK publicKey = JWKSet.parse(key.publicJwks()).getKeys().get(0);
        if (verifier.equals("RS256")) {
            jws = new RSASSAVerifier((RSAKey) publicKey);
        } else if (verifier.equals("ES256-JDK")) {
            jws = new ECDSAVerifier((ECKey) publicKey);
        } else {
            ECDSAVerifier bcVerifier = new ECDSAVerifier((ECPublicKey) BouncyCastle.publicKey(((ECKey) publicKey).toECPublicKey()));
            bcVerifier.getJCAContext().setProvider(BouncyCastle.PROVIDER);
            jws = bcVerifier;
        }
        if (!verify()) {
            throw new IllegalStateException("fixture token does not verify");
        }
    }

    @Benchmark
    public boolean verify() throws ParseException, JOSEException {
        return SignedJWT.parse(token).verify(jws);
    }
}
