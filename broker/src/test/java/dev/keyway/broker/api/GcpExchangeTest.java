package dev.keyway.broker.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gcp grant inside a running broker, over HTTP: the provider the broker found by its type name
 * calls Google's own https URLs, which the JVM's proxy settings lead to stand-in STS and IAM
 * Credentials ({@link GoogleStandIn}). Nothing in the broker or the provider is swapped for a test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GcpExchangeTest {

    private static final String PROVIDER =
            "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/keyway/providers/keyway";
    private static final String STRICT_PROVIDER =
            "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/keyway/providers/strict";
    private static final String SERVICE_ACCOUNT = "deployer@acme-prod.iam.gserviceaccount.com";
    private static final String FEDERATED = "ya29.d.broker-test-federated-token";
    private static final String IMPERSONATED = "ya29.c.broker-test-impersonated-token";

    @TempDir
    static Path dir;

    private TestIssuer ci;
    private GoogleStandIn google;
    private TestBroker broker;

    @BeforeAll
    void start() throws Exception {
        ci = new TestIssuer("https://ci.test", "https://keyway.test");
        Files.writeString(dir.resolve("ci.jwks.json"), ci.jwks());
        google = new GoogleStandIn(dir);
        broker = new TestBroker(dir, """
                apiVersion: keyway.dev/v1
                kind: Issuer
                metadata: {name: ci}
                spec: {type: github, issuer: "https://ci.test", jwks-file: "%s", replay: "off"}
                ---
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: gcp-deploy}
                spec:
                  issuer: ci
                  match: {repository_id: "42", ref: refs/heads/main}
                  grant:
                    type: gcp
                    max-ttl: 30m
                    workload-identity-provider: "%s"
                    service-account: %s
                    scopes: [cloud-platform]
                ---
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: gcp-federated}
                spec:
                  issuer: ci
                  match: {repository_id: "42"}
                  grant: {type: gcp, workload-identity-provider: "%s", scopes: [devstorage.read_only]}
                ---
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: gcp-strict}
                spec:
                  issuer: ci
                  match: {repository_id: "42"}
                  grant: {type: gcp, workload-identity-provider: "%s"}
                ---
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: gcp-other-account}
                spec:
                  issuer: ci
                  match: {repository_id: "42"}
                  grant: {type: gcp, workload-identity-provider: "%s", service-account: admin@acme-prod.iam.gserviceaccount.com}
                """.formatted(dir.resolve("ci.jwks.json"), PROVIDER, SERVICE_ACCOUNT, PROVIDER, STRICT_PROVIDER, PROVIDER), Map.of());
    }

    @BeforeEach
    void stubs() {
        google.server.resetAll();
        google.server.stubFor(post(urlEqualTo("/v1/token")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"access_token": "%s", "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
                         "token_type": "Bearer", "expires_in": 3599}""".formatted(FEDERATED))));
        google.server.stubFor(post(urlEqualTo("/v1/token")).withRequestBody(containing("providers%2Fstrict"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json").withBody("""
                        {"error": "invalid_grant", "error_description": "The given credential is rejected by the attribute condition."}""")));
        google.server.stubFor(post(urlPathEqualTo("/v1/projects/-/serviceAccounts/" + SERVICE_ACCOUNT + ":generateAccessToken"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("""
                        {"accessToken": "%s", "expireTime": "%s"}""".formatted(IMPERSONATED,
                        Instant.now().plus(20, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS)))));
        google.server.stubFor(post(urlPathEqualTo("/v1/projects/-/serviceAccounts/admin@acme-prod.iam.gserviceaccount.com:generateAccessToken"))
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/json").withBody("""
                        {"error": {"code": 403, "status": "PERMISSION_DENIED",
                         "message": "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist)."}}""")));
    }

    @AfterAll
    void stop() throws Exception {
        broker.close();
        google.close();
    }

    @Test
    void anImpersonatingBindingReturnsTheServiceAccountsTokenInTheJsonShape() throws Exception {
        HttpResponse<String> response = broker.post("/v1/exchange", TestBroker.body("gcp-deploy", ci.token(), "ttl", "20m"));
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = TestBroker.json(response);
        assertEquals("gcp-deploy", body.get("binding").asText());
        assertEquals("gcp", body.get("type").asText());
        assertEquals(response.headers().firstValue("X-Request-Id").orElseThrow(), body.get("requestId").asText());
        assertEquals(Map.of("accessToken", IMPERSONATED, "tokenType", "Bearer"),
                TestBroker.JSON.convertValue(body.get("credentials"), Map.class));
        Instant expiresAt = Instant.parse(body.get("expiresAt").asText());
        long minutes = Instant.now().until(expiresAt, ChronoUnit.MINUTES);
        assertTrue(minutes >= 18 && minutes <= 20, "IAM's expireTime: " + expiresAt);
        assertEquals(List.of("https://sts.googleapis.com/v1/token",
                "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/" + SERVICE_ACCOUNT + ":generateAccessToken"),
                google.requestedUrls(), "Google's own URLs, over TLS");
        assertFalse(google.tunnelled.isEmpty(), "through the JVM's proxy");

        LoggedRequest iam = google.server.findAll(postRequestedFor(urlPathEqualTo(
                "/v1/projects/-/serviceAccounts/" + SERVICE_ACCOUNT + ":generateAccessToken"))).get(0);
        assertEquals("Bearer " + FEDERATED, iam.getHeader("Authorization"));
        assertTrue(iam.getBodyAsString().contains("\"lifetime\":\"1200s\""), iam.getBodyAsString());
    }

    @Test
    void theSubjectTokenIsSignedByTheBrokerKeyForTheWorkloadIdentityProvider() throws Exception {
        assertEquals(200, broker.post("/v1/exchange", TestBroker.body("gcp-deploy", ci.token())).statusCode());
        Map<String, String> form = form(google.server.findAll(postRequestedFor(urlEqualTo("/v1/token"))).get(0).getBodyAsString());
        assertEquals("urn:ietf:params:oauth:grant-type:token-exchange", form.get("grant_type"));
        assertEquals(PROVIDER, form.get("audience"));
        assertEquals("urn:ietf:params:oauth:token-type:jwt", form.get("subject_token_type"));
        SignedJWT subjectToken = SignedJWT.parse(form.get("subject_token"));
        assertTrue(verifiedByBrokerKeys(subjectToken), "Google verifies it with Keyway's published JWKS");
        JWTClaimsSet claims = subjectToken.getJWTClaimsSet();
        assertEquals("https://keyway.test", claims.getIssuer(), "the provider's issuer-uri");
        assertEquals(List.of(PROVIDER), claims.getAudience());
        assertEquals("gcp-deploy:repo:acme/api:ref:refs/heads/main", claims.getSubject());
        assertEquals("acme/api", ((Map<?, ?>) claims.getJSONObjectClaim("keyway").get("claims")).get("repository"));
    }

    @Test
    void aFederatedBindingReturnsTheStsTokenAndTheEnvFormatNamesItForGcloud() throws Exception {
        HttpResponse<String> response = broker.post("/v1/exchange", TestBroker.body("gcp-federated", ci.token(), "format", "env"));
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("CLOUDSDK_AUTH_ACCESS_TOKEN=" + FEDERATED + "\n"), "gcloud reads it from there");
        assertEquals(List.of("https://sts.googleapis.com/v1/token"), google.requestedUrls(), "no impersonation without service-account");
        Map<String, String> form = form(google.server.findAll(postRequestedFor(urlEqualTo("/v1/token"))).get(0).getBodyAsString());
        assertEquals("https://www.googleapis.com/auth/devstorage.read_only", form.get("scope"));
    }

    @Test
    void anStsRefusalIs502UpstreamDeniedWithGooglesErrorInTheUpstreamMember() throws Exception {
        HttpResponse<String> response = broker.post("/v1/exchange", TestBroker.body("gcp-strict", ci.token()));
        ExchangeApiTest.assertProblem(response, 502, "upstream_denied");
        JsonNode upstream = TestBroker.json(response).get("upstream");
        assertEquals("sts", upstream.get("service").asText());
        assertEquals("invalid_grant", upstream.get("code").asText());
        assertEquals("The given credential is rejected by the attribute condition.", upstream.get("message").asText());
        assertEquals(STRICT_PROVIDER, upstream.get("workloadIdentityProvider").asText());
        assertEquals("gcp-strict:repo:acme/api:ref:refs/heads/main", upstream.get("subject").asText());
        assertFalse(response.body().contains("eyJ"), "the subject token never comes back");
    }

    @Test
    void anIamRefusalIs502UpstreamDeniedNamingTheServiceAccount() throws Exception {
        HttpResponse<String> response = broker.post("/v1/exchange", TestBroker.body("gcp-other-account", ci.token()));
        ExchangeApiTest.assertProblem(response, 502, "upstream_denied");
        JsonNode upstream = TestBroker.json(response).get("upstream");
        assertEquals("iamcredentials", upstream.get("service").asText());
        assertEquals("PERMISSION_DENIED", upstream.get("code").asText());
        assertEquals("admin@acme-prod.iam.gserviceaccount.com", upstream.get("serviceAccount").asText());
        assertTrue(TestBroker.json(response).get("detail").asText().contains("roles/iam.workloadIdentityUser"), response.body());
        assertFalse(response.body().contains(FEDERATED), "the federated token never comes back");
    }

    @Test
    void formatGcpExecutableHandsBackTheSubjectTokenForGooglesClientLibrariesWithoutCallingGoogle() throws Exception {
        HttpResponse<String> response = broker.post("/v1/exchange",
                TestBroker.body("gcp-deploy", ci.token(), "format", "gcp-executable", "ttl", "10m"));
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = TestBroker.json(response);
        assertEquals(1, body.get("version").asInt());
        assertTrue(body.get("success").asBoolean());
        assertEquals("urn:ietf:params:oauth:token-type:jwt", body.get("token_type").asText());
        SignedJWT token = SignedJWT.parse(body.get("id_token").asText());
        assertTrue(verifiedByBrokerKeys(token));
        assertEquals(List.of(PROVIDER), token.getJWTClaimsSet().getAudience());
        assertEquals(token.getJWTClaimsSet().getExpirationTime().toInstant().getEpochSecond(), body.get("expiration_time").asLong());
        long lifetime = body.get("expiration_time").asLong() - token.getJWTClaimsSet().getIssueTime().toInstant().getEpochSecond();
        assertEquals(600, lifetime, "the requested ttl");
        assertEquals(List.of(), google.requestedUrls(), "the client library exchanges it at Google itself");
    }

    @Test
    void theAuditEventRecordsTheServiceAccountAndNoToken() throws Exception {
        assertEquals(200, broker.post("/v1/exchange", TestBroker.body("gcp-deploy", ci.token())).statusCode());
        JsonNode event = broker.auditEvents().stream().filter(e -> "gcp-deploy".equals(e.path("binding").asText()))
                .reduce((first, second) -> second).orElseThrow();
        assertEquals("gcp", event.get("grant").asText());
        assertTrue(event.get("credential").get("id").asText().startsWith("impersonated:" + SERVICE_ACCOUNT + ":"), event.toString());
        String audit = Files.readString(broker.auditFile);
        assertFalse(audit.contains(IMPERSONATED) || audit.contains(FEDERATED) || audit.contains("eyJ"), "no token in the audit log");
    }

    private boolean verifiedByBrokerKeys(SignedJWT jwt) throws Exception {
        JWKSet jwks = JWKSet.parse(broker.get("/.well-known/jwks.json").body());
        return jwt.verify(new ECDSAVerifier(jwks.getKeyByKeyId(jwt.getHeader().getKeyID()).toECKey()));
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return out;
    }
}
