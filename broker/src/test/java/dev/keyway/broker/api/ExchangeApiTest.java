package dev.keyway.broker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keyway.broker.store.MemoryReplayStore;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code /v1/exchange} and {@code /v1/explain} over HTTP against a started broker: every rule, every code. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExchangeApiTest {

    @TempDir
    static Path dir;

    private TestIssuer ci;
    private TestIssuer stranger;
    private TestBroker broker;

    @BeforeAll
    void start() throws Exception {
        ci = new TestIssuer("https://ci.test", "https://keyway.test");
        stranger = new TestIssuer("https://ci.test", "https://keyway.test"); // same iss, a key the broker never saw
        TestIssuer other = new TestIssuer("https://other.test", "https://keyway.test");
        Files.writeString(dir.resolve("ci.jwks.json"), ci.jwks());
        Files.writeString(dir.resolve("other.jwks.json"), other.jwks());
        broker = new TestBroker(dir, """
                apiVersion: keyway.dev/v1
                kind: Issuer
                metadata: {name: ci}
                spec: {type: github, issuer: "https://ci.test", jwks-file: "%s", max-token-age: 10m}
                ---
                apiVersion: keyway.dev/v1
                kind: Issuer
                metadata: {name: other}
                spec: {type: oidc, issuer: "https://other.test", jwks-file: "%s"}
                ---
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: deploy}
                spec:
                  issuer: ci
                  match: {repository_id: "42", ref: refs/heads/main}
                  grant:
                    type: jwt
                    max-ttl: 10m
                    audience: vault
                    subject: "{{repository}}@{{ref}}"
                    claims: {groups: [deployers]}
                ---
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: staging}
                spec:
                  issuer: ci
                  match: {repository_id: "42"}
                  grant: {type: jwt, audience: staging-cluster}
                ---
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: elsewhere}
                spec:
                  issuer: other
                  match: {sub: someone}
                  grant: {type: jwt, audience: x}
                """.formatted(dir.resolve("ci.jwks.json"), dir.resolve("other.jwks.json")), Map.of());
    }

    @AfterAll
    void stop() {
        broker.close();
    }

    @Test
    void anAllowedExchangeReturnsAJwtSignedByTheBrokerKeyAndPublishedInItsJwks() throws Exception {
        HttpResponse<String> response = broker.post("/v1/exchange", TestBroker.body("deploy", ci.token(), "ttl", "5m"));
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("X-Request-Id").isPresent());
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElseThrow());
        JsonNode body = TestBroker.json(response);
        assertEquals("deploy", body.get("binding").asText());
        assertEquals("jwt", body.get("type").asText());
        assertEquals(response.headers().firstValue("X-Request-Id").get(), body.get("requestId").asText());

        SignedJWT minted = SignedJWT.parse(body.get("credentials").get("token").asText());
        JWKSet jwks = JWKSet.parse(broker.get("/.well-known/jwks.json").body());
        assertTrue(minted.verify(new ECDSAVerifier(jwks.getKeyByKeyId(minted.getHeader().getKeyID()).toECKey())));
        var claims = minted.getJWTClaimsSet();
        assertEquals("https://keyway.test", claims.getIssuer());
        assertEquals("vault", claims.getAudience().get(0));
        assertEquals("acme/api@refs/heads/main", claims.getSubject());
        assertEquals(java.util.List.of("deployers"), claims.getStringListClaim("groups"));
        long lifetime = claims.getExpirationTime().toInstant().getEpochSecond() - claims.getIssueTime().toInstant().getEpochSecond();
        assertEquals(300, lifetime, "the requested ttl");
        assertEquals(Instant.ofEpochSecond(claims.getExpirationTime().toInstant().getEpochSecond()).toString(),
                body.get("expiresAt").asText());
    }

    @Test
    void withoutASubjectTemplateTheSubjectIsTheBindingAndTheCallersSubjectAndTheIdentityTravelsAlong() throws Exception {
        JsonNode body = TestBroker.json(broker.post("/v1/exchange", TestBroker.body("staging", ci.token())));
        var claims = SignedJWT.parse(body.get("credentials").get("token").asText()).getJWTClaimsSet();
        assertEquals("staging:repo:acme/api:ref:refs/heads/main", claims.getSubject());
        Map<String, Object> identity = claims.getJSONObjectClaim("keyway");
        assertEquals("staging", identity.get("binding"));
        assertEquals("ci", identity.get("issuer"));
        @SuppressWarnings("unchecked")
        Map<String, Object> callerClaims = (Map<String, Object>) identity.get("claims");
        assertEquals("acme/api", callerClaims.get("repository"));
        assertEquals("1001", callerClaims.get("run_id"));
        assertFalse(callerClaims.containsKey("exp"), "claims about the incoming token itself stay out");
    }

    @Test
    void theDiscoveryDocumentNamesThePublicUrlAndItsJwks() throws Exception {
        JsonNode discovery = TestBroker.json(broker.get("/.well-known/openid-configuration"));
        assertEquals("https://keyway.test", discovery.get("issuer").asText());
        assertEquals("https://keyway.test/.well-known/jwks.json", discovery.get("jwks_uri").asText());
        JWKSet jwks = JWKSet.parse(broker.get("/.well-known/jwks.json").body());
        assertFalse(jwks.getKeys().isEmpty());
        assertTrue(jwks.getKeys().stream().noneMatch(k -> k.isPrivate()), "only public keys are published");
    }

    @Test
    void ttlIsCappedByMaxTtl() throws Exception {
        JsonNode body = TestBroker.json(broker.post("/v1/exchange", TestBroker.body("deploy", ci.token(), "ttl", "3h")));
        var claims = SignedJWT.parse(body.get("credentials").get("token").asText()).getJWTClaimsSet();
        assertEquals(600, claims.getExpirationTime().getTime() / 1000 - claims.getIssueTime().getTime() / 1000);
    }

    @Test
    void theTokenMayComeAsABearerHeader() throws Exception {
        HttpResponse<String> response = broker.post("/v1/exchange", "{\"binding\":\"deploy\"}",
                Map.of("Authorization", "Bearer " + ci.token()));
        assertEquals(200, response.statusCode(), response.body());
    }

    @Test
    void aDenialNamesTheFailedClaimsWithTheCallersValuesButNotTheExpectedOnes() throws Exception {
        HttpResponse<String> response = broker.post("/v1/exchange",
                TestBroker.body("deploy", ci.token(Map.of("ref", "refs/heads/evil", "repository_id", "666"))));
        assertProblem(response, 403, "binding_denied");
        JsonNode mismatches = TestBroker.json(response).get("mismatches");
        assertEquals(2, mismatches.size());
        assertEquals("repository_id", mismatches.get(0).get("claim").asText());
        assertEquals("666", mismatches.get(0).get("actual").asText());
        assertEquals("refs/heads/evil", mismatches.get(1).get("actual").asText());
        assertFalse(response.body().contains("refs/heads/main"), "the expected value must not leak");
        assertFalse(response.body().contains("\"42\""), "the expected value must not leak");
    }

    @Test
    void aBindingForAnotherIssuerDeniesWithTheIssuerAsTheMismatch() throws Exception {
        HttpResponse<String> response = broker.post("/v1/exchange", TestBroker.body("elsewhere", ci.token()));
        assertProblem(response, 403, "binding_denied");
        assertEquals("iss", TestBroker.json(response).get("mismatches").get(0).get("claim").asText());
    }

    @Test
    void aTokenIsSingleUsePerBindingByDefault() throws Exception {
        String token = ci.token();
        assertEquals(200, broker.post("/v1/exchange", TestBroker.body("deploy", token)).statusCode());
        assertProblem(broker.post("/v1/exchange", TestBroker.body("deploy", token)), 401, "token_replayed");
        assertEquals(200, broker.post("/v1/exchange", TestBroker.body("staging", token)).statusCode(),
                "per-binding replay lets one job token reach two different bindings");
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("an unsigned garbage string", "token_malformed", 401, Map.of("garbage", true)),
                Arguments.of("a token signed by a key the issuer never published", "token_signature_invalid", 401, Map.of("stranger", true)),
                Arguments.of("an expired token", "token_expired", 401, Map.of("exp", Instant.now().minusSeconds(3600).getEpochSecond())),
                Arguments.of("a token valid only in an hour", "token_not_yet_valid", 401, Map.of("nbf", Instant.now().plusSeconds(3600).getEpochSecond())),
                Arguments.of("a token issued before max-token-age", "token_too_old", 401, Map.of("iat", Instant.now().minusSeconds(3600).getEpochSecond())),
                Arguments.of("a token for another audience", "token_audience_invalid", 401, Map.of("aud", "https://elsewhere.test")),
                Arguments.of("a token from an unconfigured issuer", "issuer_unknown", 401, Map.of("iss", "https://evil.test")),
                Arguments.of("a token without exp", "token_malformed", 401, mapWithNull("exp")));
    }

    @ParameterizedTest(name = "{0} is refused with {1}")
    @MethodSource("refusals")
    void everyTokenRuleRefusesWithItsCode(String description, String code, int status, Map<String, Object> tweak) throws Exception {
        String token;
        if (tweak.containsKey("garbage")) {
            token = "not.a.token";
        } else if (tweak.containsKey("stranger")) {
            token = stranger.token();
        } else {
            token = ci.token(tweak);
        }
        int before = broker.auditEvents().size();
        HttpResponse<String> response = broker.post("/v1/exchange", TestBroker.body("deploy", token));
        assertProblem(response, status, code);
        JsonNode event = last(broker);
        assertEquals(before + 1, broker.auditEvents().size(), "exactly one audit event per decision");
        assertEquals("deny", event.get("decision").asText());
        assertEquals(code, event.get("code").asText());
    }

    @Test
    void anUnknownBindingIsNotFoundOnlyAfterTheTokenVerifies() throws Exception {
        assertProblem(broker.post("/v1/exchange", TestBroker.body("nope", ci.token())), 404, "binding_not_found");
        assertProblem(broker.post("/v1/exchange", TestBroker.body("nope", "x.y.z")), 401, "token_malformed");
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of("not JSON", "{binding", "invalid_request"),
                Arguments.of("a JSON array", "[]", "invalid_request"),
                Arguments.of("no binding", "{\"token\":\"a.b.c\"}", "invalid_request"),
                Arguments.of("no token", "{\"binding\":\"deploy\"}", "invalid_request"),
                Arguments.of("an unknown field", "{\"binding\":\"deploy\",\"token\":\"a.b.c\",\"role\":\"admin\"}", "invalid_request"),
                Arguments.of("a number for binding", "{\"binding\":7,\"token\":\"a.b.c\"}", "invalid_request"),
                Arguments.of("an unknown format", "{\"binding\":\"deploy\",\"token\":\"a.b.c\",\"format\":\"xml\"}", "invalid_request"),
                Arguments.of("duplicate keys", "{\"binding\":\"deploy\",\"binding\":\"staging\",\"token\":\"a.b.c\"}", "invalid_request"));
    }

    @ParameterizedTest(name = "a body with {0} is invalid_request")
    @MethodSource("badRequests")
    void badBodiesAreInvalidRequests(String description, String body, String code) throws Exception {
        assertProblem(broker.post("/v1/exchange", body), 400, code);
    }

    @Test
    void aTtlThatIsNotADurationIsInvalid() throws Exception {
        assertProblem(broker.post("/v1/exchange", TestBroker.body("deploy", ci.token(), "ttl", "forever")), 400, "invalid_request");
    }

    @Test
    void aRequestRefusedForItsTtlOrFormatKeepsItsTokenUnspent() throws Exception {
        String token = ci.token();
        assertProblem(broker.post("/v1/exchange", TestBroker.body("deploy", token, "ttl", "forever")), 400, "invalid_request");
        assertProblem(broker.post("/v1/exchange", TestBroker.body("deploy", token, "format", "aws-credential-process")), 400, "invalid_request");
        assertEquals(200, broker.post("/v1/exchange", TestBroker.body("deploy", token)).statusCode());
        assertProblem(broker.post("/v1/exchange", TestBroker.body("deploy", token)), 401, "token_replayed");
    }

    @Test
    void twoDifferentTokensAreInvalid() throws Exception {
        assertProblem(broker.post("/v1/exchange", TestBroker.body("deploy", ci.token()), Map.of("Authorization", "Bearer " + ci.token())),
                400, "invalid_request");
    }

    @Test
    void anOversizedBodyIsPayloadTooLarge() throws Exception {
        String huge = "{\"binding\":\"deploy\",\"token\":\"" + "a".repeat(70_000) + "\"}";
        assertProblem(broker.post("/v1/exchange", huge), 413, "payload_too_large");
    }

    @Test
    void envAndExecCredentialFormats() throws Exception {
        HttpResponse<String> env = broker.post("/v1/exchange", TestBroker.body("deploy", ci.token(), "format", "env"));
        assertEquals(200, env.statusCode(), env.body());
        assertTrue(env.body().startsWith("KEYWAY_TOKEN=ey"), "dotenv line");
        assertTrue(env.body().contains("\nKEYWAY_EXPIRES_AT="));

        HttpResponse<String> exec = broker.post("/v1/exchange", TestBroker.body("deploy", ci.token(), "format", "exec-credential"));
        JsonNode credential = TestBroker.json(exec);
        assertEquals("client.authentication.k8s.io/v1", credential.get("apiVersion").asText());
        assertEquals("ExecCredential", credential.get("kind").asText());
        assertTrue(credential.get("status").get("token").asText().startsWith("ey"));
        assertNotNull(credential.get("status").get("expirationTimestamp"));

        assertProblem(broker.post("/v1/exchange", TestBroker.body("deploy", ci.token(), "format", "aws-credential-process")),
                400, "invalid_request");
    }

    @Test
    void explainMintsNothingAndShowsOnlyTheCallersValues() throws Exception {
        String token = ci.token(Map.of("ref", "refs/heads/dev", "sub", "repo:acme/api:ref:refs/heads/dev"));
        HttpResponse<String> response = broker.post("/v1/explain", TestBroker.body("deploy", token));
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = TestBroker.json(response);
        assertEquals("deny", body.get("decision").asText());
        assertEquals("acme/api", body.get("identity").get("repository").asText());
        assertEquals("ref", body.get("conditions").get(1).get("claim").asText());
        assertEquals("refs/heads/dev", body.get("conditions").get(1).get("actual").asText());
        assertEquals("fail", body.get("conditions").get(1).get("result").asText());
        assertFalse(body.get("conditions").get(1).has("expected"), "expected values only with keyway.explain: full");
        assertFalse(response.body().contains("refs/heads/main"));
        // explain consumed nothing: the same token still exchanges once it matches
        assertEquals("allow", TestBroker.json(broker.post("/v1/explain", TestBroker.body("deploy", ci.token()))).get("decision").asText());
    }

    @Test
    void aSaneCallerRequestIdIsEchoedAndAnInsaneOneReplaced() throws Exception {
        HttpResponse<String> sane = broker.post("/v1/exchange", "{}", Map.of("X-Request-Id", "ci-run-42.step-3"));
        assertEquals("ci-run-42.step-3", sane.headers().firstValue("X-Request-Id").orElseThrow());
        HttpResponse<String> insane = broker.post("/v1/exchange", "{}", Map.of("X-Request-Id", "a b\"c<script>"));
        assertFalse(insane.headers().firstValue("X-Request-Id").orElseThrow().contains("script"));
        assertTrue(broker.get("/health/liveness").headers().firstValue("X-Request-Id").isPresent(), "on every response");
    }

    @Test
    void noTokenEverReachesTheAuditTrail() throws Exception {
        String token = ci.token();
        broker.post("/v1/exchange", TestBroker.body("deploy", token));
        broker.post("/v1/exchange", TestBroker.body("deploy", token));
        String audit = Files.readString(broker.auditFile);
        String signature = token.substring(token.lastIndexOf('.') + 1);
        assertFalse(audit.contains(signature), "no incoming token in audit");
        assertFalse(audit.contains("eyJ"), "no JWT of any kind in audit");
    }

    @Test
    void metricsCountDecisions() throws Exception {
        broker.post("/v1/exchange", TestBroker.body("deploy", ci.token()));
        String metrics = broker.get("/prometheus").body();
        assertTrue(metrics.contains("keyway_decisions_total{binding=\"deploy\",code=\"ok\",decision=\"allow\",event=\"exchange\"}"),
                metrics.lines().filter(l -> l.startsWith("keyway")).toList().toString());
        assertTrue(metrics.contains("keyway_exchange_latency_seconds_bucket"));
        assertTrue(metrics.contains("keyway_exchange_shed_total{reason=\"full\"} 0.0"), "the exchange queue is wired and shed nothing");
        assertTrue(metrics.contains("keyway_exchange_shed_total{reason=\"waited\"} 0.0"));
        assertTrue(metrics.contains("keyway_exchange_in_flight 0.0"), "every slot was given back");
        assertTrue(metrics.contains("keyway_exchange_running{lane=\"local\"} 0.0"));
        assertTrue(gauge(metrics, "keyway_replay_records") >= 1, "the allowed exchange left a live replay record");
        assertEquals(MemoryReplayStore.defaultCapacity(), gauge(metrics, "keyway_replay_capacity"), "how full the memory store may get");
    }

    private static double gauge(String prometheus, String name) {
        return prometheus.lines().filter(line -> line.startsWith(name + " ")).mapToDouble(line -> Double.parseDouble(line.substring(name.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(name + " is not exported"));
    }

    private static JsonNode last(TestBroker broker) throws Exception {
        var events = broker.auditEvents();
        return events.get(events.size() - 1);
    }

    private static Map<String, Object> mapWithNull(String key) {
        Map<String, Object> map = new HashMap<>();
        map.put(key, null);
        return map;
    }

    static void assertProblem(HttpResponse<String> response, int status, String code) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""));
        JsonNode body = TestBroker.json(response);
        assertEquals(code, body.get("code").asText(), response.body());
        assertEquals(status, body.get("status").asInt());
        assertTrue(body.get("detail").asText().length() > 0);
        assertEquals(response.headers().firstValue("X-Request-Id").orElseThrow(), body.get("requestId").asText());
    }
}
