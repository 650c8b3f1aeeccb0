package dev.keyway.providers.aws;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keyway.providers.upstream.Upstream;
import dev.keyway.spi.BrokerContext;
import dev.keyway.spi.ClaimCatalog;
import dev.keyway.spi.GrantDefinition;
import dev.keyway.spi.Identity;
import dev.keyway.spi.IssueException;
import dev.keyway.spi.IssueRequest;
import dev.keyway.spi.config.Fields;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.config.Problems;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Shared pieces of the aws grant's tests: a signing broker, a caller, compile helpers. */
final class Fixtures {

    static final String PUBLIC_URL = "https://keyway.example.com";
    static final String ROLE = "arn:aws:iam::123456789012:role/ci/deploy";
    /** The broker's own identity in assume-role tests: what WireMock must see in the SigV4 header. */
    static final String BROKER_KEY_ID = "AKIABROKERAMBIENT001";
    static final String BROKER_SESSION_TOKEN = "broker-ambient-session-token";

    /** Fast backoff so retry tests take milliseconds; a breaker that needs 4 calls to judge. */
    static final Upstream.Settings FAST = new Upstream.Settings(3, Duration.ofMillis(5), 50f, 4, Duration.ofMinutes(1));

    static final ClaimCatalog GITHUB = new ClaimCatalog() {
        private final Set<String> names = Set.of("sub", "repository", "repository_id", "ref", "run_id", "environment",
                "actor", "workflow");

        @Override
        public boolean knows(String claimName) {
            return names.contains(claimName);
        }

        @Override
        public String describe() {
            return "a github issuer";
        }
    };

    private Fixtures() {
    }

    static StsClients clients(Duration timeout) {
        return new StsClients(timeout, () -> StaticCredentialsProvider.create(
                AwsSessionCredentials.create(BROKER_KEY_ID, "broker-ambient-secret", BROKER_SESSION_TOKEN)));
    }

    static AwsIssuer issuer(Duration timeout) {
        return new AwsIssuer(clients(timeout), new Upstream("aws", FAST));
    }

    static Optional<AwsGrant> compile(Node.Mapping grant, Duration maxTtl, Problems problems) {
        return AwsGrantCompiler.compile(new GrantDefinition("deploy", new Fields(grant, "Binding 'deploy': grant", problems),
                GITHUB, maxTtl), problems);
    }

    static AwsGrant compileClean(Node.Mapping grant) {
        Problems problems = new Problems();
        Optional<AwsGrant> config = compile(grant, Duration.ofHours(1), problems);
        if (!problems.all().isEmpty()) {
            throw new AssertionError("expected a clean compile: " + problems.all());
        }
        return config.orElseThrow();
    }

    static Identity caller() {
        return caller(Map.of());
    }

    /** A GitHub caller from acme/api main; {@code overrides} replace claims (a null value removes one). */
    static Identity caller(Map<String, Object> overrides) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", "repo:acme/api:ref:refs/heads/main");
        claims.put("repository", "acme/api");
        claims.put("repository_id", "598421370");
        claims.put("ref", "refs/heads/main");
        claims.put("run_id", "10283741123");
        claims.put("environment", "production");
        claims.put("actor", "octocat");
        overrides.forEach((k, v) -> {
            if (v == null) {
                claims.remove(k);
            } else {
                claims.put(k, v);
            }
        });
        return new Identity("github", claims, claims);
    }

    static IssueRequest request(AwsGrant grant, Identity identity, Duration ttl, BrokerContext broker) {
        return new IssueRequest("deploy", grant, identity, ttl, Instant.now(), "req-7f3a", Optional.empty(), Optional.empty(),
                "json", broker);
    }

    /** A broker that signs for real (ES256) and remembers what it signed. */
    static final class SigningBroker implements BrokerContext {
        final List<Map<String, Object>> signed = new ArrayList<>();
        final ECKey key;

        SigningBroker() {
            try {
                key = new ECKeyGenerator(Curve.P_256).keyID("broker-1").generate();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String publicUrl() {
            return PUBLIC_URL;
        }

        @Override
        public String signJwt(Map<String, Object> claims) throws IssueException {
            signed.add(new LinkedHashMap<>(claims));
            JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
            claims.forEach(builder::claim);
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
                    .type(JOSEObjectType.JWT).build(), builder.build());
            try {
                jwt.sign(new ECDSASigner(key));
            } catch (JOSEException e) {
                throw new IssueException("unavailable", "test signer failed", e);
            }
            return jwt.serialize();
        }

        /** Parses a token this broker signed and checks its signature. */
        JWTClaimsSet verify(String token) throws Exception {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!jwt.verify(new ECDSAVerifier(key.toPublicJWK()))) {
                throw new AssertionError("the web identity token is not signed by the broker key");
            }
            return jwt.getJWTClaimsSet();
        }
    }
}
