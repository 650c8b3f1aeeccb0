package dev.keyway.broker.issuer;

import static dev.keyway.broker.issuer.VerifierFixtures.TESTDATA;
import static dev.keyway.broker.issuer.VerifierFixtures.issuer;
import static dev.keyway.broker.issuer.VerifierFixtures.list;
import static dev.keyway.broker.issuer.VerifierFixtures.policy;
import static dev.keyway.broker.issuer.VerifierFixtures.refusal;
import static dev.keyway.broker.problem.ErrorCode.ISSUER_UNKNOWN;
import static dev.keyway.broker.problem.ErrorCode.TOKEN_AUDIENCE_INVALID;
import static dev.keyway.broker.problem.ErrorCode.TOKEN_EXPIRED;
import static dev.keyway.broker.problem.ErrorCode.TOKEN_MALFORMED;
import static dev.keyway.broker.problem.ErrorCode.TOKEN_NOT_YET_VALID;
import static dev.keyway.broker.problem.ErrorCode.TOKEN_SIGNATURE_INVALID;
import static dev.keyway.broker.problem.ErrorCode.TOKEN_TOO_OLD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.X509CertUtils;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.keyway.broker.policy.PolicySet;
import dev.keyway.broker.problem.ErrorCode;
import dev.keyway.broker.problem.KeywayException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CONTRACT §4: each rule a token can break, with the exact code it is refused with, on tokens
 * minted here with real keys. Rows that must pass sit in their own table, as the control.
 */
class TokenRulesTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final String CI = "https://ci.example.com";
    /** An issuer configured with max-token-age: 10m. */
    private static final String AGED = "https://aged.example.com";
    private static final String AUD = "expected-aud";
    private static final TestIssuer KEYS = TestIssuer.generate();

    @TempDir
    Path dir;
    private PolicySet policy;
    private TokenVerifier verifier;

    @BeforeEach
    void issuers() throws Exception {
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, KEYS.publicJwks().toString());
        policy = policy(dir.resolve("policy"),
                issuer("ci", "oidc", CI, Map.of("jwks-file", jwks.toString(), "audiences", list(AUD))),
                issuer("aged", "oidc", AGED, Map.of("jwks-file", jwks.toString(), "audiences", list(AUD),
                        "max-token-age", "10m")));
        verifier = VerifierFixtures.verifier(NOW, VerifierFixtures.keys());
    }

    static Stream<Arguments> refusedTokens() {
        return Stream.of(
                refused("alg none is refused", TOKEN_SIGNATURE_INVALID,
                        () -> new PlainJWT(claims(c -> c)).serialize()),
                refused("alg none carrying a real signature is refused", TOKEN_SIGNATURE_INVALID,
                        () -> withHeader("{\"alg\":\"none\",\"kid\":\"rsa\"}", rs256(c -> c))),
                refused("alg NONE in capitals is refused", TOKEN_SIGNATURE_INVALID,
                        () -> withHeader("{\"alg\":\"NONE\",\"kid\":\"rsa\"}", rs256(c -> c))),
                refused("HS256 keyed with the issuer's RSA public key PEM is refused (key confusion)", TOKEN_SIGNATURE_INVALID,
                        () -> hs256(pem(KEYS.rsa))),
                refused("HS256 keyed with the issuer's RSA public key DER is refused (key confusion)", TOKEN_SIGNATURE_INVALID,
                        () -> hs256(der(KEYS.rsa))),
                refused("HS256 keyed with the issuer's published JWK JSON is refused (key confusion)", TOKEN_SIGNATURE_INVALID,
                        () -> hs256(KEYS.rsa.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8))),
                refused("a jku header is refused even when the signature is valid", TOKEN_MALFORMED,
                        () -> rs256(TestIssuer.header(JWSAlgorithm.RS256, KEYS.rsa)
                                .jwkURL(URI.create("https://attacker.example/jwks.json")).build())),
                refused("an x5u header is refused even when the signature is valid", TOKEN_MALFORMED,
                        () -> rs256(TestIssuer.header(JWSAlgorithm.RS256, KEYS.rsa)
                                .x509CertURL(URI.create("https://attacker.example/cert.pem")).build())),
                refused("an embedded jwk header is refused even when it is the issuer's own key", TOKEN_MALFORMED,
                        () -> rs256(TestIssuer.header(JWSAlgorithm.RS256, KEYS.rsa).jwk(KEYS.rsa.toPublicJWK()).build())),
                refused("an x5c header is refused even when the signature is valid", TOKEN_MALFORMED,
                        () -> rs256(TestIssuer.header(JWSAlgorithm.RS256, KEYS.rsa).x509CertChain(List.of(certificate())).build())),
                refused("a crit parameter Keyway does not know is refused even when the signature is valid", TOKEN_MALFORMED,
                        () -> rs256(TestIssuer.header(JWSAlgorithm.RS256, KEYS.rsa)
                                .criticalParams(Set.of("https://ci.example.com/must-understand"))
                                .customParam("https://ci.example.com/must-understand", true).build())),
                refused("a token without iss is malformed", TOKEN_MALFORMED,
                        () -> rs256(c -> c.issuer(null))),
                refused("a token larger than max-token-bytes is refused", TOKEN_MALFORMED,
                        () -> "A".repeat(VerificationLimits.DEFAULT.maxTokenBytes() + 1)),
                refused("a token without exp is malformed", TOKEN_MALFORMED,
                        () -> rs256(c -> c.expirationTime(null))),
                refused("a token that expired more than the clock skew ago is expired", TOKEN_EXPIRED,
                        () -> rs256(c -> c.issueTime(at(-600)).notBeforeTime(at(-600)).expirationTime(at(-61)))),
                refused("a token whose nbf is beyond the clock skew is not yet valid", TOKEN_NOT_YET_VALID,
                        () -> rs256(c -> c.notBeforeTime(at(61)))),
                refused("a token issued beyond the clock skew in the future is not yet valid", TOKEN_NOT_YET_VALID,
                        () -> rs256(c -> c.issueTime(at(61)).notBeforeTime(null))),
                refused("a token older than max-token-age plus skew is too old", TOKEN_TOO_OLD,
                        () -> rs256(c -> c.issuer(AGED).issueTime(at(-661)).notBeforeTime(null))),
                refused("a token without iat is malformed when the issuer sets max-token-age", TOKEN_MALFORMED,
                        () -> rs256(c -> c.issuer(AGED).issueTime(null))),
                refused("a token without aud is refused", TOKEN_AUDIENCE_INVALID,
                        () -> rs256(c -> c.audience((String) null))),
                refused("a token with an empty aud list is refused", TOKEN_AUDIENCE_INVALID,
                        () -> rs256(c -> c.audience(List.of()))),
                refused("a token for another audience is refused", TOKEN_AUDIENCE_INVALID,
                        () -> rs256(c -> c.audience("https://other.example.com"))),
                refused("a token whose aud list does not hold ours is refused", TOKEN_AUDIENCE_INVALID,
                        () -> rs256(c -> c.audience(List.of("a", "b", "expected-aud-2")))),
                refused("an audience differing only in case is refused", TOKEN_AUDIENCE_INVALID,
                        () -> rs256(c -> c.audience("Expected-Aud"))),
                refused("a token signed by a 1024-bit RSA key the issuer publishes is refused", TOKEN_SIGNATURE_INVALID,
                        () -> TestIssuer.sign(JWSAlgorithm.RS256, claims(c -> c), KEYS.rsa1024)),
                refused("an ES256 signature made with a P-384 key is refused", TOKEN_SIGNATURE_INVALID,
                        () -> ecdsaWithWrongCurve(JWSAlgorithm.ES256, "SHA256withECDSA", KEYS.p384, 96)),
                refused("an ES384 signature made with a P-256 key is refused", TOKEN_SIGNATURE_INVALID,
                        () -> ecdsaWithWrongCurve(JWSAlgorithm.ES384, "SHA384withECDSA", KEYS.ec, 64)),
                refused("an RS256 token naming an EC key is refused", TOKEN_SIGNATURE_INVALID,
                        () -> TestIssuer.sign(TestIssuer.header(JWSAlgorithm.RS256, KEYS.ec).build(), claims(c -> c), KEYS.rsa)),
                refused("a token naming a kid the issuer never published is refused", TOKEN_SIGNATURE_INVALID,
                        () -> TestIssuer.sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rotated-out").build(),
                                claims(c -> c), KEYS.rsa)),
                refused("a token signed by another key under a published kid is refused", TOKEN_SIGNATURE_INVALID,
                        () -> TestIssuer.sign(JWSAlgorithm.RS256, claims(c -> c), TestIssuer.generate().rsa)),
                refused("a token whose payload was changed after signing is refused", TOKEN_SIGNATURE_INVALID,
                        () -> withPayload(claims(c -> c.subject("repo:acme/prod:ref:refs/heads/main")), rs256(c -> c))),
                refused("an encrypted token (JWE, five parts) is refused", TOKEN_MALFORMED, TokenRulesTest::jwe),
                refused("a token that is not base64url is refused", TOKEN_MALFORMED, () -> "%%%.***.!!!"),
                refused("a token whose header is not JSON is refused", TOKEN_MALFORMED,
                        () -> withHeader("not json", rs256(c -> c))),
                refused("a token whose payload is not a JSON object is refused", TOKEN_MALFORMED,
                        () -> withPayloadText("[\"not\",\"a\",\"claims set\"]", rs256(c -> c))),
                refused("a token whose payload names a claim twice is refused", TOKEN_MALFORMED,
                        () -> withPayloadText(payloadWith(",\"sub\":\"repo:acme/prod:ref:refs/heads/main\""), rs256(c -> c))),
                refused("a token whose payload has bytes after its JSON object is refused", TOKEN_MALFORMED,
                        () -> withPayloadText(payloadWith("") + "{}", rs256(c -> c))),
                refused("a token whose payload is JSON null is refused", TOKEN_MALFORMED,
                        () -> withPayloadText("null", rs256(c -> c))),
                refused("a token whose exp is a string is refused", TOKEN_MALFORMED,
                        () -> withPayloadText(payloadWith(c -> c.expirationTime(null), ",\"exp\":\"" + at(600).getTime() / 1000 + "\""), rs256(c -> c))),
                refused("a token whose exp is past the year 9999 is refused", TOKEN_MALFORMED,
                        () -> withPayloadText(payloadWith(c -> c.expirationTime(null), ",\"exp\":1e17"), rs256(c -> c))),
                refused("a token whose iat is before 1970 is refused", TOKEN_MALFORMED,
                        () -> withPayloadText(payloadWith(c -> c.issueTime(null), ",\"iat\":-1"), rs256(c -> c))),
                refused("a token whose iss is not a string is refused", TOKEN_MALFORMED,
                        () -> withPayloadText(payloadWith(c -> c.issuer(null), ",\"iss\":[\"" + CI + "\"]"), rs256(c -> c))),
                refused("a token whose aud holds a number is refused", TOKEN_MALFORMED,
                        () -> withPayloadText(payloadWith(c -> c.audience((String) null), ",\"aud\":[\"" + AUD + "\",7]"), rs256(c -> c))),
                refused("a token in JWS JSON serialization is refused", TOKEN_MALFORMED,
                        () -> "{\"payload\":\"e30\",\"signatures\":[]}"),
                refused("an empty token is refused", TOKEN_MALFORMED, () -> ""),
                refused("a token with an empty signature is malformed", TOKEN_MALFORMED,
                        () -> rs256(c -> c).replaceAll("[^.]*$", "")),
                refused("a b64:false header is refused even when the signature covers the token as sent", TOKEN_MALFORMED,
                        () -> signedWithHeader("{\"alg\":\"RS256\",\"kid\":\"rsa\",\"b64\":false}")));
    }

    @Test
    void aHeaderAcceptedOnceStillLetsNoOtherPartOfATokenThrough() throws Exception {
        String valid = rs256(c -> c);
        verifier.verify(valid, policy); // its header is now known to this verifier
        String[] parts = valid.split("\\.", -1);
        assertEquals(TOKEN_SIGNATURE_INVALID, refusal(verifier, withPayload(claims(c -> c.subject("repo:acme/prod:ref:refs/heads/main")), valid),
                policy), "same header, payload changed after signing");
        assertEquals(TOKEN_SIGNATURE_INVALID, refusal(verifier, parts[0] + "." + parts[1] + "." + rs256(c -> c).split("\\.")[2] + "A",
                policy), "same header, another signature");
        assertEquals(TOKEN_MALFORMED, refusal(verifier, parts[0] + "." + parts[1] + ".", policy), "same header, no signature");
        assertEquals(TOKEN_MALFORMED, refusal(verifier, rs256(TestIssuer.header(JWSAlgorithm.RS256, KEYS.rsa)
                .jwkURL(URI.create("https://attacker.example/jwks.json")).build()), policy), "a header differing from the known one is checked");
        assertEquals(TOKEN_SIGNATURE_INVALID, refusal(verifier, withHeader("{\"alg\":\"none\",\"kid\":\"rsa\"}", valid), policy));
        assertEquals("repo:acme/api:ref:refs/heads/main", verifier.verify(rs256(c -> c), policy).claims().get("sub"),
                "another token with the known header still verifies");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedTokens")
    void refusesWithTheRulesCode(String sentence, ErrorCode code, Supplier<String> token) {
        assertEquals(code, refusal(verifier, token.get(), policy), sentence);
    }

    static Stream<Arguments> acceptedTokens() {
        return Stream.of(
                accepted("an RS256 token verifies", () -> rs256(c -> c)),
                accepted("an RS384 token verifies", () -> TestIssuer.sign(JWSAlgorithm.RS384, claims(c -> c), KEYS.rsa)),
                accepted("an RS512 token verifies", () -> TestIssuer.sign(JWSAlgorithm.RS512, claims(c -> c), KEYS.rsa)),
                accepted("a PS256 token verifies", () -> TestIssuer.sign(JWSAlgorithm.PS256, claims(c -> c), KEYS.rsa)),
                accepted("a PS384 token verifies", () -> TestIssuer.sign(JWSAlgorithm.PS384, claims(c -> c), KEYS.rsa)),
                accepted("a PS512 token verifies", () -> TestIssuer.sign(JWSAlgorithm.PS512, claims(c -> c), KEYS.rsa)),
                accepted("an ES256 token verifies", () -> TestIssuer.sign(JWSAlgorithm.ES256, claims(c -> c), KEYS.ec)),
                accepted("an ES384 token verifies", () -> TestIssuer.sign(JWSAlgorithm.ES384, claims(c -> c), KEYS.p384)),
                accepted("an EdDSA (Ed25519) token verifies", () -> TestIssuer.sign(JWSAlgorithm.EdDSA, claims(c -> c), KEYS.ed)),
                accepted("a token without kid verifies with the issuer's only matching key",
                        () -> TestIssuer.sign(new JWSHeader.Builder(JWSAlgorithm.EdDSA).build(), claims(c -> c), KEYS.ed)),
                accepted("a token that expired within the clock skew still verifies",
                        () -> rs256(c -> c.issueTime(at(-600)).notBeforeTime(at(-600)).expirationTime(at(-59)))),
                accepted("a token whose nbf is within the clock skew verifies", () -> rs256(c -> c.notBeforeTime(at(59)))),
                accepted("a token issued within the clock skew in the future verifies",
                        () -> rs256(c -> c.issueTime(at(59)).notBeforeTime(null))),
                accepted("a token without nbf or iat verifies when no max-token-age is set",
                        () -> rs256(c -> c.issueTime(null).notBeforeTime(null))),
                accepted("a token just inside max-token-age plus skew verifies",
                        () -> rs256(c -> c.issuer(AGED).issueTime(at(-659)).notBeforeTime(null))),
                accepted("a token whose aud list holds ours among others verifies",
                        () -> rs256(c -> c.audience(List.of("https://other.example.com", AUD)))),
                accepted("a token with an unrelated typ verifies (typ is not a rule)",
                        () -> rs256(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa")
                                .type(new com.nimbusds.jose.JOSEObjectType("at+jwt")).build())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedTokens")
    void acceptsTokensThatBreakNoRule(String sentence, Supplier<String> token) throws KeywayException {
        VerifiedToken verified = verifier.verify(token.get(), policy);
        assertTrue(Set.of(CI, AGED).contains(verified.issuer().issuer()), sentence);
        assertEquals("repo:acme/api:ref:refs/heads/main", verified.claims().get("sub"), sentence);
    }

    @Test
    void verifiedClaimsKeepTheShapeTheyHadWhenNimbusParsedThem() throws Exception {
        long now = NOW.getEpochSecond();
        String payload = "{\"iss\":\"" + CI + "\",\"sub\":\"repo:acme/api:ref:refs/heads/main\",\"aud\":[\"" + AUD + "\"],"
                + "\"exp\":" + (now + 600) + ".9,\"iat\":" + (now - 10) + ",\"run_id\":42,\"ratio\":0.5,\"nothing\":null,"
                + "\"nested\":{\"n\":1,\"x\":null},\"list\":[1,\"a\"]}";
        Map<String, Object> claims = verifier.verify(signedPayload(payload), policy).claims();

        assertEquals(AUD, claims.get("aud"), "a one-element audience reads as a string");
        assertEquals(now + 600, claims.get("exp"), "times are whole seconds, as Long");
        assertEquals(now - 10, claims.get("iat"));
        assertEquals(42L, claims.get("run_id"), "integers are Long");
        assertEquals(0.5, claims.get("ratio"));
        assertTrue(!claims.containsKey("nothing"), "a null-valued claim is left out");
        java.util.HashMap<String, Object> nested = new java.util.HashMap<>();
        nested.put("n", 1L);
        nested.put("x", null);
        assertEquals(nested, claims.get("nested"), "nested objects are kept as they are");
        assertEquals(List.of(1L, "a"), claims.get("list"));
        assertEquals(List.of("iss", "sub", "aud", "exp", "iat", "run_id", "ratio", "nested", "list"),
                List.copyOf(claims.keySet()), "the token's order");
    }

    /** An RS256 token over exactly {@code payload}: for JSON no claims-set builder would write. */
    private static String signedPayload(String payload) throws Exception {
        String signingInput = TestIssuer.header(JWSAlgorithm.RS256, KEYS.rsa).build().toBase64URL() + "." + Base64URL.encode(payload);
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(KEYS.rsa.toRSAPrivateKey());
        rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + Base64URL.encode(rsa.sign());
    }

    @Test
    void aTokenIsAcceptableUntilItsExpOrSoonerItsMaxTokenAge() throws KeywayException {
        // The replay store forgets a token once it is no longer acceptable: an hour-long GitLab token under
        // max-token-age 10m needs a record for 10 minutes, not an hour.
        VerifiedToken hourLong = verifier.verify(rs256(c -> c.issuer(AGED).issueTime(at(-60)).expirationTime(at(3540))), policy);
        assertEquals(at(540).toInstant(), hourLong.acceptableUntil());
        assertEquals(at(3540).toInstant(), hourLong.expiresAt());
        VerifiedToken shortLived = verifier.verify(rs256(c -> c.issuer(AGED).issueTime(at(-60)).expirationTime(at(240))), policy);
        assertEquals(at(240).toInstant(), shortLived.acceptableUntil());
        VerifiedToken noAgeLimit = verifier.verify(rs256(c -> c.issueTime(at(-60)).expirationTime(at(3540))), policy);
        assertEquals(at(3540).toInstant(), noAgeLimit.acceptableUntil());
    }

    @Test
    void anUnconfiguredIssuerIsRefusedWithoutAnyRequestToAnyIssuer() {
        try (StandIn configured = StandIn.start(); StandIn attacker = StandIn.start()) {
            configured.json("/jwks.json", KEYS.publicJwks().toString());
            PolicySet onlyConfigured = policy(dir.resolve("remote"), issuer("remote", "oidc", configured.origin(),
                    Map.of("jwks-uri", configured.url("/jwks.json"), "audiences", list(AUD))));
            TokenVerifier fresh = VerifierFixtures.verifier(NOW, VerifierFixtures.keys());

            // An iss nobody configured, and one that points at a server the token's author controls.
            for (String iss : List.of("https://unconfigured.example.com", attacker.origin(), configured.origin() + "/")) {
                assertEquals(ISSUER_UNKNOWN, refusal(fresh, rs256(c -> c.issuer(iss)), onlyConfigured), iss);
            }
            assertEquals(0, configured.requests(), "no request reached the configured issuer's server");
            assertEquals(0, attacker.requests(), "no request reached the server the unconfigured iss names");
        }
    }

    @Test
    void theSizeCapIsCheckedBeforeAnythingElse() {
        int limit = VerificationLimits.DEFAULT.maxTokenBytes();
        // Tokens that would otherwise fail other rules: refused as too large, which is checked first.
        for (Supplier<String> otherwiseRefused : List.<Supplier<String>>of(
                () -> hs256(pem(KEYS.rsa)), () -> rs256(c -> c.issuer("https://unconfigured.example.com")))) {
            String big = otherwiseRefused.get();
            String padded = withPayload(claims(c -> c.claim("padding", "x".repeat(limit))), big);
            KeywayException refused = assertThrows(KeywayException.class, () -> verifier.verify(padded, policy));
            assertEquals(TOKEN_MALFORMED, refused.code());
            assertTrue(refused.getMessage().contains("max-token-bytes"), "refused for its size");
        }
    }

    @Test
    void aSignedTokenAtTheSizeCapVerifiesAndOneByteMoreIsRefused() throws Exception {
        int limit = VerificationLimits.DEFAULT.maxTokenBytes();
        String atLimit = null;
        String overLimit = null;
        for (int pad = 0; overLimit == null; pad++) {
            int padding = pad;
            String token = rs256(c -> c.claim("padding", "x".repeat(Math.max(0, limit * 3 / 4 - 700 + padding))));
            if (token.length() <= limit) {
                atLimit = token;
            } else {
                overLimit = token;
            }
        }
        assertTrue(atLimit != null && limit - atLimit.length() < 4, "the largest token found is within 3 bytes of the cap");
        verifier.verify(atLimit, policy);
        assertEquals(TOKEN_MALFORMED, refusal(verifier, overLimit, policy));
    }

    // --- minting -------------------------------------------------------------------------------

    private static Arguments refused(String sentence, ErrorCode code, Supplier<String> token) {
        return Arguments.of(sentence, code, token);
    }

    private static Arguments accepted(String sentence, Supplier<String> token) {
        return Arguments.of(sentence, token);
    }

    private static Date at(long secondsFromNow) {
        return Date.from(NOW.plusSeconds(secondsFromNow));
    }

    private static JWTClaimsSet claims(UnaryOperator<JWTClaimsSet.Builder> edit) {
        return edit.apply(TestIssuer.claims(CI, AUD, NOW)).build();
    }

    private static String rs256(UnaryOperator<JWTClaimsSet.Builder> edit) {
        return TestIssuer.sign(JWSAlgorithm.RS256, claims(edit), KEYS.rsa);
    }

    private static String rs256(JWSHeader header) {
        return TestIssuer.sign(header, claims(c -> c), KEYS.rsa);
    }

    private static String hs256(byte[] secret) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.HS256).keyID("rsa").build(),
                    claims(c -> c));
            jwt.sign(new MACSigner(secret));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] der(JWK rsa) {
        try {
            return rsa.toRSAKey().toPublicKey().getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] pem(JWK rsa) {
        String body = java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der(rsa));
        return ("-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static Base64 certificate() {
        try {
            var cert = X509CertUtils.parse(Files.readString(TESTDATA.resolve("real-tokens/kubernetes/vault_k8s_testRSACert.pem")));
            return Base64.encode(cert.getEncoded());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An ECDSA signature by {@code key} labelled with an algorithm for another curve; Nimbus will not make one. */
    private static String ecdsaWithWrongCurve(JWSAlgorithm alg, String jcaAlg, com.nimbusds.jose.jwk.ECKey key, int concatLength) {
        try {
            JWSHeader header = TestIssuer.header(alg, key).build();
            JWTClaimsSet claims = claims(c -> c);
            String signingInput = header.toBase64URL() + "." + Base64URL.encode(claims.toString());
            Signature signature = Signature.getInstance(jcaAlg);
            signature.initSign(key.toECPrivateKey());
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return TestIssuer.compact(header, claims, ECDSA.transcodeSignatureToConcat(signature.sign(), concatLength));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String jwe() {
        try {
            EncryptedJWT jwt = new EncryptedJWT(new JWEHeader(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A128GCM), claims(c -> c));
            jwt.encrypt(new RSAEncrypter(KEYS.rsa.toRSAPublicKey()));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token under exactly the header {@code json}, signed with the issuer's RSA key over its first two parts as sent. */
    private static String signedWithHeader(String json) {
        try {
            String signingInput = Base64URL.encode(json) + "." + Base64URL.encode(claims(c -> c).toString());
            java.security.Signature rsa = java.security.Signature.getInstance("SHA256withRSA");
            rsa.initSign(KEYS.rsa.toRSAPrivateKey());
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64URL.encode(rsa.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code token} with its header replaced by {@code json}; payload and signature kept. */
    private static String withHeader(String json, String token) {
        return Base64URL.encode(json) + token.substring(token.indexOf('.'));
    }

    private static String withPayload(JWTClaimsSet claims, String token) {
        return withPayloadText(claims.toString(), token);
    }

    /** The default claims' JSON with {@code extra} members appended inside the object. */
    private static String payloadWith(String extra) {
        return payloadWith(c -> c, extra);
    }

    private static String payloadWith(UnaryOperator<JWTClaimsSet.Builder> edit, String extra) {
        String json = claims(edit).toString();
        return json.substring(0, json.length() - 1) + extra + "}";
    }

    private static String withPayloadText(String payload, String token) {
        String[] parts = token.split("\\.", -1);
        return parts[0] + "." + Base64URL.encode(payload) + "." + parts[2];
    }
}
