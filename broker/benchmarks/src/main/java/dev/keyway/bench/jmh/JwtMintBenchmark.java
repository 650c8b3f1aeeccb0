package dev.keyway.bench.jmh;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keyway.bench.fixtures.IssuerKey;
import dev.keyway.bench.fixtures.MintRequests;
import dev.keyway.bench.fixtures.Policies;
import dev.keyway.bench.fixtures.PolicyGenerator;
import dev.keyway.broker.keys.SigningKeys;
import dev.keyway.broker.policy.Binding;
import dev.keyway.spi.BrokerContext;
import dev.keyway.spi.IssueException;
import dev.keyway.spi.IssueRequest;
import dev.keyway.spi.IssuedCredential;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Step 5 of an exchange for the jwt grant: the provider renders the binding's templates and the
 * broker signs through {@link SigningKeys}, as ExchangeFactory wires it.
 * <ul>
 *   <li>{@code ES256}: what ships (Bouncy Castle, the key converted to a BC key once);</li>
 *   <li>{@code ES256-JDK}: the same key through the JDK's own ECDSA, the choice SigningKeys avoids;</li>
 *   <li>{@code RS256}: the broker's RSA key (JDK).</li>
 * </ul>
 * X.509 and SSH minting: {@link CertificateMintBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JwtMintBenchmark {

    @Param({"ES256", "ES256-JDK", "RS256"})
    public String signer;

    private Path dir;
    private IssueRequest request;
    private Binding binding;

    @Setup
    public void setup() throws Exception {
        dir = Policies.generate(IssuerKey.generate("ES256"), 10);
        binding = Policies.compile(dir.resolve("policy")).binding(PolicyGenerator.name(2)).orElseThrow();
        Path keysDir = dir.resolve("keys");
        SigningKeys keys = SigningKeys.init(keysDir);
        BrokerContext broker = switch (signer) {
            case "ES256" -> context(claims -> keys.sign(claims, Optional.empty()));
            case "RS256" -> context(claims -> keys.sign(claims, Optional.of(JWSAlgorithm.RS256)));
            case "ES256-JDK" -> jdkSigner(keysDir);
            default -> throw new IllegalArgumentException(signer);
        };
        request = MintRequests.of(binding, Optional.empty(), broker);
        mint();
    }

    @TearDown
    public void tearDown() {
        Policies.delete(dir);
    }

    @Benchmark
    public IssuedCredential mint() throws IssueException {
        return binding.grant().provider().issue(request);
    }

    @FunctionalInterface
    private interface Sign {
        String sign(Map<String, Object> claims) throws JOSEException;
    }

    private static BrokerContext context(Sign sign) {
        return new BrokerContext() {
            @Override
            public String publicUrl() {
                return "https://keyway.bench";
            }

            @Override
            public String signJwt(Map<String, Object> claims) throws IssueException {
                try {
                    return sign.sign(claims);
                } catch (JOSEException e) {
                    throw new IssueException("unavailable", e.getMessage(), e);
                }
            }
        };
    }

    /** SigningKeys.sign, header and all, with the JDK's ECDSA. */
    private static BrokerContext jdkSigner(Path keysDir) throws Exception {
        ECKey key = (ECKey) JWKSet.parse(Files.readString(keysDir.resolve(SigningKeys.FILE))).getKeys().stream()
                .filter(k -> k instanceof ECKey).findFirst().orElseThrow();
        ECDSASigner signer = new ECDSASigner(key);
        return context(claims -> {
            JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
            claims.forEach(builder::claim);
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
                    .type(JOSEObjectType.JWT).build(), builder.build());
            jwt.sign(signer);
            return jwt.serialize();
        });
    }
}
