package dev.keyway.broker.issuer;

import static dev.keyway.broker.issuer.VerifierFixtures.BROKER_AUDIENCE;
import static dev.keyway.broker.issuer.VerifierFixtures.TESTDATA;
import static dev.keyway.broker.issuer.VerifierFixtures.issuer;
import static dev.keyway.broker.issuer.VerifierFixtures.list;
import static dev.keyway.broker.issuer.VerifierFixtures.policy;
import static dev.keyway.broker.issuer.VerifierFixtures.refusal;
import static dev.keyway.broker.issuer.VerifierFixtures.verifier;
import static dev.keyway.broker.problem.ErrorCode.TOKEN_AUDIENCE_INVALID;
import static dev.keyway.broker.problem.ErrorCode.TOKEN_EXPIRED;
import static dev.keyway.broker.problem.ErrorCode.TOKEN_MALFORMED;
import static dev.keyway.broker.problem.ErrorCode.TOKEN_SIGNATURE_INVALID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.util.JSONArrayUtils;
import com.nimbusds.jwt.SignedJWT;
import dev.keyway.broker.policy.PolicySet;
import dev.keyway.broker.problem.ErrorCode;
import dev.keyway.broker.problem.KeywayException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tokens the real issuers signed (GitHub, GitLab, Kubernetes), verified with the keys those issuers
 * published, at the instant each token was alive. Display names carry file names, never tokens.
 */
class RealTokensTest {

    private static final Path REAL = TESTDATA.resolve("real-tokens");

    /** What Keyway must do with each manifest entry. A new entry fails the test until it is listed here. */
    private static final Map<String, Expected> EXPECTED = expectations();

    private static Map<String, Expected> expectations() {
        Map<String, Expected> table = new LinkedHashMap<>();
        table.put("github/gha_marchenko1985_demo.jwt",
                accepted("a GitHub Actions ID token verifies with GitHub's published JWKS"));
        table.put("github/gha_n-e_github_playground.jwt",
                accepted("a GitHub Actions ID token from a private repository verifies with GitHub's published JWKS"));
        table.put("github/gha_varunsh-coder_2022_oldkid.jwt",
                accepted("a 2022 GitHub Actions ID token verifies with the JWKS GitHub published in 2022"));
        table.put("github/gha_runtime_token_z4ce.jwt", refused(TOKEN_AUDIENCE_INVALID,
                "a GitHub runner runtime token, signed by the same key, is refused because its aud is not ours"));
        table.put("gitlab/gitlab_com_ci_job_jwt_v1_cgrotz.jwt", refused(TOKEN_AUDIENCE_INVALID,
                "a legacy gitlab.com CI_JOB_JWT has no aud, and a token without aud never passes"));
        table.put("gitlab/gitlab_com_ci_job_jwt_v1_andcope1995_kewiQq.jwt", refused(TOKEN_AUDIENCE_INVALID,
                "a legacy gitlab.com CI_JOB_JWT signed by the 4096-bit key has no aud, and is refused"));
        table.put("gitlab/gitlab_com_oauth_user_id_token_opensearch.jwt",
                accepted("a gitlab.com OIDC ID token verifies with gitlab.com's JWKS when its client id is the audience"));
        table.put("gitlab/gitlab_toliak_selfhosted_ci_job_jwt.jwt", refused(TOKEN_AUDIENCE_INVALID,
                "a self-hosted GitLab CI_JOB_JWT has no aud, and is refused"));
        table.put("kubernetes/vault_k8s_jwtProjectedData.jwt",
                accepted("a minikube projected service-account token verifies with the cluster's key"));
        table.put("kubernetes/vault_k8s_jwtProjectedDataExpired.jwt",
                accepted("a short-lived minikube token verifies at an instant inside its ten-minute life"));
        return Map.copyOf(table);
    }

    @TempDir
    Path dir;

    static Stream<Arguments> manifest() throws Exception {
        return entries().stream().map(e -> Arguments.of(EXPECTED.containsKey(e.token())
                ? EXPECTED.get(e.token()).sentence() : "unlisted manifest entry " + e.token(), e));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifest")
    void eachRealTokenMeetsItsExpectation(String sentence, Entry entry) throws Exception {
        Expected expected = EXPECTED.get(entry.token());
        assertTrue(expected != null, "manifest entry " + entry.token() + " has no expectation in RealTokensTest");
        // The configured audience is the token's own aud when it has one (the issuer was set up for it);
        // otherwise, and for tokens we expect refused, it is the broker's normal audience.
        String audience = expected.code().isEmpty() ? entry.aud().get(0) : BROKER_AUDIENCE;
        PolicySet policy = policy(dir, issuer("real", entry.type(), entry.iss(),
                Map.of("jwks-file", REAL.resolve(entry.jwks()).toString(), "audiences", list(audience))));
        TokenVerifier verifier = verifier(entry.clock(), VerifierFixtures.keys());
        String token = read(entry.token());

        if (expected.code().isPresent()) {
            assertEquals(expected.code().get(), refusal(verifier, token, policy), entry.token());
        } else {
            VerifiedToken verified = verifier.verify(token, policy);
            assertEquals(entry.iss(), verified.claims().get("iss"), entry.token());
            assertEquals(entry.exp(), verified.expiresAt(), entry.token());
            assertEquals(entry.sub(), Optional.ofNullable((String) verified.claims().get("sub")), entry.token());
        }
    }

    @Test
    void everyExpectationNamesAManifestEntry() throws Exception {
        Set<String> inManifest = new TreeSet<>();
        entries().forEach(e -> inManifest.add(e.token()));
        assertEquals(new TreeSet<>(EXPECTED.keySet()), inManifest);
    }

    @Test
    void aGitLabTokenWithoutAudIsRefusedWhateverAudienceIsConfigured() throws Exception {
        Entry entry = entry("gitlab/gitlab_com_ci_job_jwt_v1_cgrotz.jwt");
        // The audiences an operator might try when a token has none: the issuer, the empty string.
        for (String audience : List.of("gitlab.com", "https://gitlab.com", "")) {
            PolicySet policy = policy(dir, issuer("gitlab", "gitlab", entry.iss(),
                    Map.of("jwks-file", REAL.resolve(entry.jwks()).toString(), "audiences", list(audience))));
            assertEquals(TOKEN_AUDIENCE_INVALID,
                    refusal(verifier(entry.clock(), VerifierFixtures.keys()), read(entry.token()), policy),
                    "configured audience '" + audience + "'");
        }
    }

    @Test
    void the2022GitHubTokenIsRefusedByTodaysJwksBecauseItsKidIsUnknown() throws Exception {
        Entry entry = entry("github/gha_varunsh-coder_2022_oldkid.jwt");
        PolicySet policy = policy(dir, issuer("github", "github", entry.iss(), Map.of(
                "jwks-file", REAL.resolve("github/gha_jwks_z4ce_snyk-oidc-exchange.json").toString(),
                "audiences", list(entry.aud().get(0)))));
        assertEquals(TOKEN_SIGNATURE_INVALID, refusal(verifier(entry.clock(), VerifierFixtures.keys()), read(entry.token()), policy));
    }

    @Test
    void theShortLivedKubernetesTokenIsExpiredOneSecondPastExpiryPlusSkew() throws Exception {
        Entry entry = entry("kubernetes/vault_k8s_jwtProjectedDataExpired.jwt");
        PolicySet policy = policy(dir, issuer("minikube", "kubernetes", entry.iss(), Map.of(
                "jwks-file", REAL.resolve(entry.jwks()).toString(), "audiences", list(entry.aud().get(0)))));
        Instant lastAccepted = entry.exp().plus(VerificationLimits.DEFAULT.clockSkew());
        verifier(lastAccepted, VerifierFixtures.keys()).verify(read(entry.token()), policy);
        assertEquals(TOKEN_EXPIRED, refusal(verifier(lastAccepted.plusSeconds(1), VerifierFixtures.keys()),
                read(entry.token()), policy));
        assertEquals(TOKEN_EXPIRED, refusal(verifier(Instant.now(), VerifierFixtures.keys()), read(entry.token()), policy));
    }

    @Test
    void aKubernetesTokenSignedByAnotherKeyHasAnInvalidSignature() throws Exception {
        PolicySet policy = legacyKubernetesPolicy();
        TokenVerifier verifier = verifier(Instant.ofEpochSecond(1_600_000_000L), VerifierFixtures.keys());
        assertEquals(TOKEN_SIGNATURE_INVALID, refusal(verifier, read("kubernetes/vault_k8s_jwtWithBadSigningKey.jwt"), policy));
    }

    @Test
    void legacySecretTokensSignedByTheClusterKeyNeverExpireAndAreRefusedAsMalformed() throws Exception {
        // Control for the wrong-key test: the same key, a token it did sign. Refusal for the missing
        // exp comes after the signature check, so this code proves the signature verified.
        PolicySet policy = legacyKubernetesPolicy();
        TokenVerifier verifier = verifier(Instant.ofEpochSecond(1_600_000_000L), VerifierFixtures.keys());
        for (String file : List.of("kubernetes/vault_k8s_jwtData.jwt", "kubernetes/vault_k8s_jwtBadServiceAccount.jwt")) {
            KeywayException refused = assertThrows(KeywayException.class, () -> verifier.verify(read(file), policy), file);
            assertEquals(TOKEN_MALFORMED, refused.code(), file);
            assertTrue(refused.getMessage().contains("no exp"), file + ": refused for its missing exp, not its signature");
        }
    }

    @Test
    void theEs384KubernetesTokenVerifiesWithItsP384Key() throws Exception {
        String token = read("kubernetes/vault_k8s_jwtECDSASigned.jwt");
        SignedJWT jwt = SignedJWT.parse(token);
        ECKey key = ecPublicKeyFromPem(REAL.resolve("kubernetes/vault_k8s_ecdsa_p384.pub.pem"), jwt.getHeader().getKeyID());
        assertEquals(Curve.P_384, key.getCurve());

        assertTrue(jwt.verify(Algorithms.verifier(JWSAlgorithm.ES384, key).orElseThrow()), "signature layer");
        assertTrue(Algorithms.verifier(JWSAlgorithm.ES256, key).isEmpty(), "a P-384 key never verifies ES256");

        // Through the verifier: the token has no exp, refused after its signature verified.
        Path jwks = dir.resolve("es384.json");
        Files.writeString(jwks, new JWKSet(key).toString());
        PolicySet policy = policy(dir.resolve("policy"), issuer("k8s", "kubernetes", "kubernetes/serviceaccount",
                Map.of("jwks-file", jwks.toString())));
        KeywayException refused = assertThrows(KeywayException.class,
                () -> verifier(Instant.ofEpochSecond(1_600_000_000L), VerifierFixtures.keys()).verify(token, policy));
        assertEquals(TOKEN_MALFORMED, refused.code());
        assertTrue(refused.getMessage().contains("no exp"), "refused for its missing exp, not its signature");

        // And another P-384 key published under the same kid does not verify it.
        var generator = java.security.KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp384r1"));
        ECKey other = new ECKey.Builder(Curve.P_384, (ECPublicKey) generator.generateKeyPair().getPublic())
                .keyID(key.getKeyID()).keyUse(KeyUse.SIGNATURE).build();
        Files.writeString(jwks, new JWKSet(other).toString());
        assertEquals(TOKEN_SIGNATURE_INVALID,
                refusal(verifier(Instant.ofEpochSecond(1_600_000_000L), VerifierFixtures.keys()), token, policy));
    }

    /** The legacy (secret-based) minikube tokens: no kid, signed by the key in testRSACert.pem. */
    private PolicySet legacyKubernetesPolicy() throws Exception {
        JWK key = JWK.parseFromPEMEncodedX509Cert(Files.readString(REAL.resolve("kubernetes/vault_k8s_testRSACert.pem")));
        Path jwks = dir.resolve("legacy.json");
        Files.writeString(jwks, new JWKSet(key.toPublicJWK()).toString());
        return policy(dir.resolve("policy"), issuer("k8s", "kubernetes", "kubernetes/serviceaccount",
                Map.of("jwks-file", jwks.toString())));
    }

    /**
     * A PEM public key as a JWK. Nimbus's {@code JWK.parseFromPEMEncodedObjects} needs BouncyCastle's
     * bcpkix, which the broker does not ship, so the JDK decodes the SPKI. The kid is the one the
     * issuer would publish the key under (the token's).
     */
    private static ECKey ecPublicKeyFromPem(Path pem, String kid) throws Exception {
        String base64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        var publicKey = (ECPublicKey) KeyFactory.getInstance("EC")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
        return new ECKey.Builder(Curve.forECParameterSpec(publicKey.getParams()), publicKey)
                .keyID(kid).keyUse(KeyUse.SIGNATURE).build();
    }

    private static String read(String file) throws Exception {
        return Files.readString(REAL.resolve(file)).strip();
    }

    /** One manifest entry: the token's file, its JWKS file, and what the issuer put in it. */
    record Entry(String token, String jwks, String iss, List<String> aud, Optional<String> sub, Instant exp, Instant clock) {

        String type() {
            return token.substring(0, token.indexOf('/'));
        }

        @Override
        public String toString() {
            return token; // display names show the file, never the token
        }
    }

    private static Entry entry(String token) throws Exception {
        return entries().stream().filter(e -> e.token().equals(token)).findFirst().orElseThrow();
    }

    private static List<Entry> entries() throws Exception {
        List<Entry> entries = new ArrayList<>();
        for (Object item : JSONArrayUtils.parse(Files.readString(REAL.resolve("MANIFEST_tokens.json")))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) item;
            Object aud = m.get("aud");
            List<String> audiences = aud == null ? List.of()
                    : aud instanceof List<?> values ? values.stream().map(String::valueOf).toList() : List.of((String) aud);
            entries.add(new Entry((String) m.get("token"), (String) m.get("jwks"), (String) m.get("iss"), audiences,
                    Optional.ofNullable((String) m.get("sub")),
                    Instant.ofEpochSecond(((Number) m.get("exp")).longValue()),
                    Instant.ofEpochSecond(((Number) m.get("suggested_fixed_clock")).longValue())));
        }
        return entries;
    }

    private record Expected(String sentence, Optional<ErrorCode> code) {
    }

    private static Expected accepted(String sentence) {
        return new Expected(sentence, Optional.empty());
    }

    private static Expected refused(ErrorCode code, String sentence) {
        return new Expected(sentence, Optional.of(code));
    }
}
