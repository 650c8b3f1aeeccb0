package dev.keyway.bench.jmh;

import dev.keyway.bench.fixtures.IssuerKey;
import dev.keyway.bench.fixtures.MintRequests;
import dev.keyway.bench.fixtures.Policies;
import dev.keyway.bench.fixtures.Tokens;
import dev.keyway.broker.keys.CertificateAuthorities;
import dev.keyway.broker.policy.Binding;
import dev.keyway.spi.BrokerContext;
import dev.keyway.spi.CertificateAuthority;
import dev.keyway.spi.IssueException;
import dev.keyway.spi.IssueRequest;
import dev.keyway.spi.IssuedCredential;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
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
 * Step 5 of an exchange for the certificate grants, with the CAs {@code keys init} creates (X.509:
 * P-256; SSH: Ed25519), loaded as the broker loads them:
 * <ul>
 *   <li>{@code x509}: a SPIFFE client certificate for the caller's P-256 public key (SPKI PEM), with
 *       the identity extensions;</li>
 *   <li>{@code ssh}: an OpenSSH user certificate for the caller's Ed25519 key, with a templated key ID.</li>
 * </ul>
 * Parsing and checking the caller's key is part of each mint, as it is in an exchange.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CertificateMintBenchmark {

    @Param({"x509", "ssh"})
    public String grant;

    private Path dir;
    private Binding binding;
    private IssueRequest request;

    @Setup
    public void setup() throws Exception {
        dir = Files.createTempDirectory("keyway-bench-certs");
        Path jwks = dir.resolve("issuer.jwks.json");
        Files.writeString(jwks, IssuerKey.generate("ES256").publicJwks());
        Path policy = Files.createDirectories(dir.resolve("policy"));
        Files.writeString(policy.resolve("policy.yaml"), """
                apiVersion: keyway.dev/v1
                kind: Issuer
                metadata: {name: ci}
                spec: {type: github, issuer: "%s", jwks-file: "%s", audiences: ["%s"]}
                ---
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: x509}
                spec:
                  issuer: ci
                  match: {repository_id: "100002", ref: refs/heads/main}
                  grant:
                    type: x509
                    max-ttl: 1h
                    spiffe-id: "spiffe://ci.acme.example/github/{{repository_id}}/{{ref}}"
                ---
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: ssh}
                spec:
                  issuer: ci
                  match: {repository_id: "100002", ref: refs/heads/main}
                  grant:
                    type: ssh
                    max-ttl: 15m
                    principals: [deploy]
                    key-id: "github:{{repository}}:run={{run_id}}"
                """.formatted(Tokens.ISSUER, jwks, Tokens.AUDIENCE));
        binding = Policies.compile(policy).binding(grant).orElseThrow();
        CertificateAuthorities authorities = CertificateAuthorities.loadOrInit(dir.resolve("keys"), Instant.now());
        request = MintRequests.of(binding, Optional.of(callerKey(grant)), context(authorities));
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

    /** The public key a job sends: a PEM SubjectPublicKeyInfo for X.509, an OpenSSH line for SSH. */
    private static String callerKey(String grant) throws Exception {
        if (grant.equals("x509")) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair job = generator.generateKeyPair();
            return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(job.getPublic().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n";
        }
        return PublicKeyEntry.toString(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256).getPublic());
    }

    private static BrokerContext context(CertificateAuthorities authorities) {
        return new BrokerContext() {
            @Override
            public String publicUrl() {
                return "https://keyway.bench";
            }

            @Override
            public String signJwt(Map<String, Object> claims) throws IssueException {
                throw new IssueException("unavailable", "certificate grants sign no JWT");
            }

            @Override
            public Optional<CertificateAuthority> x509Authority() {
                return authorities.x509Authority();
            }

            @Override
            public Optional<KeyPair> sshAuthority() {
                return authorities.sshAuthority();
            }
        };
    }
}
