package dev.keyway.providers.gcp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import dev.keyway.providers.upstream.Upstream;
import dev.keyway.spi.ClaimCatalog;
import dev.keyway.spi.GrantDefinition;
import dev.keyway.spi.Identity;
import dev.keyway.spi.IssueException;
import dev.keyway.spi.IssueRequest;
import dev.keyway.spi.IssuedCredential;
import dev.keyway.spi.config.Fields;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.config.Problems;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Minting against stand-in Google STS and IAM Credentials: what is sent, what comes back, every failure. */
class GcpIssuerTest {

    private static final String PROVIDER = GcpGrantCompileTest.PROVIDER;
    private static final String SERVICE_ACCOUNT = "deployer@acme-prod.iam.gserviceaccount.com";
    private static final Upstream.Settings FAST = new Upstream.Settings(3, Duration.ofMillis(1), 50f, 4, Duration.ofMinutes(1));
    /** Generous enough for a cold stand-in on a busy 2-core machine; the timeout test uses its own. */
    private static final GoogleApis.Timeouts TIMEOUTS = new GoogleApis.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
    private static final Duration TTL = Duration.ofMinutes(15);
    private static final Gson GSON = new Gson();

    private final StandInGoogle google = new StandInGoogle();
    private final GcpIssuer issuer = new GcpIssuer(google.transport(), FAST, TIMEOUTS);
    private final FakeBroker broker = new FakeBroker();

    @AfterEach
    void stop() {
        google.close();
    }

    private static GcpGrant grant(Object... extra) {
        List<Object> fields = new ArrayList<>(List.of("workload-identity-provider", PROVIDER));
        fields.addAll(List.of(extra));
        Node.Mapping mapping = dev.keyway.spi.contract.Nodes.map(fields.toArray());
        Problems problems = new Problems();
        Optional<GcpGrant> grant = GcpGrants.compile(new GrantDefinition("api-deploy", new Fields(mapping, "grant", problems),
                ClaimCatalog.ANY, Duration.ofHours(1)), problems);
        assertEquals(List.of(), problems.errors());
        return grant.orElseThrow();
    }

    private static final GcpGrant FEDERATED = grant("scopes", List.of("devstorage.read_only"));
    private static final GcpGrant IMPERSONATING = grant("service-account", SERVICE_ACCOUNT,
            "scopes", List.of("cloud-platform", "https://www.googleapis.com/auth/sqlservice.admin"));

    private static final Identity CALLER = new Identity("github", Map.of(
            "sub", "repo:acme/api:environment:production",
            "repository", "acme/api",
            "repository_id", "598421370",
            "ref", "refs/heads/main",
            "run_id", "42",
            "exp", 1795428900L), Map.of());

    private IssueRequest request(GcpGrant grant, Identity identity, String format) {
        return new IssueRequest("api-deploy", grant, identity, TTL, Instant.now(), "req-1", Optional.empty(), Optional.empty(),
                format, broker);
    }

    private IssuedCredential issue(GcpGrant grant) throws IssueException {
        return issuer.issue(request(grant, CALLER, "json"));
    }

    // --- allow ------------------------------------------------------------------------------------------------

    @Test
    void withoutAServiceAccountTheFederatedTokenIsTheCredential() throws Exception {
        google.stsIssues(3599);
        Instant before = Instant.now();
        IssuedCredential credential = issue(FEDERATED);

        assertEquals("gcp", credential.type());
        assertEquals(Map.of("accessToken", StandInGoogle.FEDERATED_TOKEN, "tokenType", "Bearer"), credential.credentials());
        long lifetime = credential.expiresAt().getEpochSecond() - before.getEpochSecond();
        assertTrue(lifetime >= 3597 && lifetime <= 3600, "expiresAt comes from STS's expires_in: " + lifetime);
        assertTrue(credential.id().startsWith("federated:projects/123456789012/locations/global/workloadIdentityPools/keyway-ci/providers/keyway:"),
                credential.id());
        assertEquals(List.of("https://sts.googleapis.com/v1/token"), google.requestedUrls, "Google's own URL, nothing else");
        assertEquals(List.of(), google.iamRequests());
    }

    @Test
    void theExchangeIsAnRfc8693RequestForTheProviderWithAKeywayJwt() throws Exception {
        google.stsIssues(3599);
        issue(FEDERATED);

        LoggedRequest sent = google.stsRequests().get(0);
        assertTrue(sent.getHeader("Content-Type").startsWith("application/x-www-form-urlencoded"));
        assertFalse(sent.containsHeader("Authorization"), "STS must not get an Authorization header");
        Map<String, String> form = StandInGoogle.form(sent.getBodyAsString());
        assertEquals("urn:ietf:params:oauth:grant-type:token-exchange", form.get("grant_type"));
        assertEquals("urn:ietf:params:oauth:token-type:jwt", form.get("subject_token_type"));
        assertEquals("urn:ietf:params:oauth:token-type:access_token", form.get("requested_token_type"));
        assertEquals(PROVIDER, form.get("audience"));
        assertEquals("https://www.googleapis.com/auth/devstorage.read_only", form.get("scope"));

        Map<String, Object> jwt = FakeBroker.payload(form.get("subject_token"));
        assertEquals("https://keyway.test", jwt.get("iss"));
        assertEquals(PROVIDER, jwt.get("aud"), "the default audience a workload identity pool provider accepts");
        assertEquals("api-deploy:repo:acme/api:environment:production", jwt.get("sub"));
        long iat = ((Number) jwt.get("iat")).longValue();
        long exp = ((Number) jwt.get("exp")).longValue();
        assertEquals(TTL.toSeconds(), exp - iat, "the requested ttl, at most an hour");
        assertTrue(Math.abs(iat - Instant.now().getEpochSecond()) < 5);
        assertTrue(jwt.get("jti") instanceof String);
        @SuppressWarnings("unchecked")
        Map<String, Object> keyway = (Map<String, Object>) jwt.get("keyway");
        assertEquals("api-deploy", keyway.get("binding"));
        assertEquals("github", keyway.get("issuer"));
        @SuppressWarnings("unchecked")
        Map<String, Object> claims = (Map<String, Object>) keyway.get("claims");
        assertEquals("acme/api", claims.get("repository"), "attribute mappings read assertion.keyway.claims.*");
        assertEquals("598421370", claims.get("repository_id"));
        assertFalse(claims.containsKey("exp"), "claims about the incoming token stay out");
        assertEquals(jwt.keySet(), broker.signed.get(0).keySet(), "the broker signed exactly what was sent");
    }

    @Test
    void withAServiceAccountTheFederatedTokenBuysItsAccessToken() throws Exception {
        google.stsIssues(3599);
        Instant expireTime = Instant.now().plus(TTL).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        google.iamIssues(expireTime);
        IssuedCredential credential = issue(IMPERSONATING);

        assertEquals(Map.of("accessToken", StandInGoogle.IMPERSONATED_TOKEN, "tokenType", "Bearer"), credential.credentials());
        assertEquals(expireTime, credential.expiresAt(), "expiresAt is IAM's expireTime");
        assertTrue(credential.id().startsWith("impersonated:" + SERVICE_ACCOUNT + ":"), credential.id());
        assertEquals(List.of("https://sts.googleapis.com/v1/token",
                "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/" + SERVICE_ACCOUNT + ":generateAccessToken"),
                google.requestedUrls);

        Map<String, String> form = StandInGoogle.form(google.stsRequests().get(0).getBodyAsString());
        assertEquals("https://www.googleapis.com/auth/cloud-platform", form.get("scope"),
                "the federated token needs cloud-platform to call IAM Credentials");
        LoggedRequest iam = google.iamRequests().get(0);
        assertEquals("Bearer " + StandInGoogle.FEDERATED_TOKEN, iam.getHeader("Authorization"));
        assertTrue(iam.getHeader("Content-Type").startsWith("application/json"));
        Map<String, Object> body = GSON.fromJson(iam.getBodyAsString(), new TypeToken<Map<String, Object>>() { }.getType());
        assertEquals(List.of("https://www.googleapis.com/auth/cloud-platform", "https://www.googleapis.com/auth/sqlservice.admin"),
                body.get("scope"), "the binding's scopes go on the service account's token");
        assertEquals("900s", body.get("lifetime"), "the requested ttl");
    }

    @Test
    void privateEndpointsAreCalledInsteadOfThePublicOnes() throws Exception {
        google.stsIssues(3599);
        google.iamIssues(Instant.now().plus(TTL));
        issuer.issue(request(grant("service-account", SERVICE_ACCOUNT, "sts-endpoint", "https://sts-keyway.p.googleapis.com",
                "iam-endpoint", "https://iamcredentials-keyway.p.googleapis.com"), CALLER, "json"));
        assertEquals(List.of("https://sts-keyway.p.googleapis.com/v1/token",
                "https://iamcredentials-keyway.p.googleapis.com/v1/projects/-/serviceAccounts/" + SERVICE_ACCOUNT + ":generateAccessToken"),
                google.requestedUrls);
    }

    @Test
    void formatGcpExecutableReturnsTheSubjectTokenAndCallsNoGoogleApi() throws Exception {
        Instant now = Instant.now();
        IssuedCredential credential = issuer.issue(new IssueRequest("api-deploy", IMPERSONATING, CALLER, TTL, now, "req-1",
                Optional.empty(), Optional.empty(), "gcp-executable", broker));

        assertEquals(List.of(), google.requestedUrls, "the client library exchanges the token itself");
        assertEquals("gcp", credential.type());
        assertEquals(List.of("subjectToken", "subjectTokenType"), List.copyOf(new java.util.TreeSet<>(credential.credentials().keySet())));
        assertEquals("urn:ietf:params:oauth:token-type:jwt", credential.credentials().get("subjectTokenType"));
        String token = (String) credential.credentials().get("subjectToken");
        Map<String, Object> jwt = FakeBroker.payload(token);
        assertEquals(PROVIDER, jwt.get("aud"));
        assertEquals("https://keyway.test", jwt.get("iss"));
        assertEquals("api-deploy:repo:acme/api:environment:production", jwt.get("sub"));
        assertEquals(now.getEpochSecond() + TTL.toSeconds(), ((Number) jwt.get("exp")).longValue());
        assertEquals(Instant.ofEpochSecond(now.getEpochSecond() + TTL.toSeconds()), credential.expiresAt(),
                "the executable response's expiration_time is the subject token's exp");
        assertTrue(credential.id().startsWith("subject-token:projects/123456789012/"), credential.id());
        assertFalse(credential.id().contains(token) || credential.toString().contains(token));
    }

    @Test
    void aSubjectLongerThanGoogleAllowsIsHashedStablyWithinTheLimit() throws Exception {
        google.stsIssues(3599);
        String longSub = "repo:acme/" + "a".repeat(100) + ":environment:production";
        Identity caller = new Identity("github", Map.of("sub", longSub), Map.of());
        issuer.issue(request(FEDERATED, caller, "json"));
        issuer.issue(request(FEDERATED, caller, "json"));
        String first = (String) FakeBroker.payload(StandInGoogle.form(google.stsRequests().get(0).getBodyAsString()).get("subject_token")).get("sub");
        String second = (String) broker.signed.get(1).get("sub");
        assertTrue(first.matches("sha256:[0-9a-f]{64}"), first);
        assertTrue(first.getBytes(StandardCharsets.UTF_8).length <= 127, "google.subject holds at most 127 bytes");
        assertEquals(first, second, "the same caller always gets the same subject");
    }

    @Test
    void aCallerWithoutSubIsInvalidRequestAndNothingIsSentToGoogle() {
        IssueException e = assertThrows(IssueException.class,
                () -> issuer.issue(request(FEDERATED, new Identity("ci", Map.of("repository", "acme/api"), Map.of()), "json")));
        assertEquals("invalid_request", e.code());
        assertEquals(List.of(), google.requestedUrls);
        assertEquals(List.of(), broker.signed);
    }

    // --- deny ------------------------------------------------------------------------------------------------

    @Test
    void anStsRefusalIsUpstreamDeniedWithGooglesWordsAndWhatKeywaySent() {
        google.stsRefuses("invalid_grant", "The given credential is rejected by the attribute condition.");
        IssueException e = assertThrows(IssueException.class, () -> issue(IMPERSONATING));

        assertEquals("upstream_denied", e.code());
        assertEquals("sts", e.upstream().get("service"));
        assertEquals("invalid_grant", e.upstream().get("code"));
        assertEquals("400", e.upstream().get("status"));
        assertEquals("The given credential is rejected by the attribute condition.", e.upstream().get("message"));
        assertEquals(PROVIDER, e.upstream().get("workloadIdentityProvider"));
        assertEquals("api-deploy:repo:acme/api:environment:production", e.upstream().get("subject"));
        assertEquals(SERVICE_ACCOUNT, e.upstream().get("serviceAccount"));
        assertTrue(e.getMessage().contains("rejected by the attribute condition"), e.getMessage());
        assertTrue(e.getMessage().contains("keyway.public-url"), "says what to check: " + e.getMessage());
        assertEquals(1, google.stsRequests().size(), "refusals are never retried");
        assertEquals(List.of(), google.iamRequests());
        assertNoSecrets(e);
    }

    @Test
    void anIamPermissionDeniedIsUpstreamDeniedNamingTheRoleToGrant() {
        google.stsIssues(3599);
        google.iamDenies();
        IssueException e = assertThrows(IssueException.class, () -> issue(IMPERSONATING));

        assertEquals("upstream_denied", e.code());
        assertEquals(Map.of("service", "iamcredentials", "status", "403", "code", "PERMISSION_DENIED",
                "message", "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).",
                "workloadIdentityProvider", PROVIDER, "subject", "api-deploy:repo:acme/api:environment:production",
                "serviceAccount", SERVICE_ACCOUNT), e.upstream());
        assertTrue(e.getMessage().contains("roles/iam.workloadIdentityUser on it to principal://iam.googleapis.com/projects/"
                + "123456789012/locations/global/workloadIdentityPools/keyway-ci/subject/api-deploy:repo:acme/api:environment:production"),
                e.getMessage());
        assertEquals(1, google.iamRequests().size());
        assertNoSecrets(e);
    }

    @Test
    void aTokenEchoedInGooglesErrorNeverReachesTheCaller() {
        google.stsRefuses("invalid_grant", "bad token eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl and ya29.a0AfH6SMBx");
        IssueException e = assertThrows(IssueException.class, () -> issue(FEDERATED));
        assertEquals("bad token [redacted] and [redacted]", e.upstream().get("message"));
        assertFalse(e.getMessage().contains("eyJ") || e.getMessage().contains("ya29"), e.getMessage());
    }

    @Test
    void refusalsDoNotPauseTheEndpoint() throws Exception {
        google.stsRefuses("invalid_grant", "The audience in ID Token [x] does not match the expected audience.");
        for (int i = 0; i < 8; i++) {
            assertEquals("upstream_denied", assertThrows(IssueException.class, () -> issue(FEDERATED)).code());
        }
        assertEquals(8, google.stsRequests().size(), "every exchange still reaches Google");
    }

    // --- throttling, outages, timeouts, malformed answers ----------------------------------------------------

    private void stsInSequence(ResponseDefinitionBuilder... answers) {
        String state = Scenario.STARTED;
        for (int i = 0; i < answers.length; i++) {
            String next = i + 1 < answers.length ? "answer-" + (i + 1) : "done";
            google.server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(StandInGoogle.STS_PATH)
                    .inScenario("sts").whenScenarioStateIs(state).willSetStateTo(next).willReturn(answers[i]));
            state = next;
        }
    }

    private static ResponseDefinitionBuilder stsStatus(int status, String error) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"error\": \"" + error + "\", \"error_description\": \"try again later\"}");
    }

    private static ResponseDefinitionBuilder stsToken() {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("""
                {"access_token": "%s", "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
                 "token_type": "Bearer", "expires_in": 3599}""".formatted(StandInGoogle.FEDERATED_TOKEN));
    }

    @Test
    void throttlingAndA503AreRetriedUntilTheExchangeSucceeds() throws Exception {
        stsInSequence(stsStatus(429, "rate_limit_exceeded"), stsStatus(503, "temporarily_unavailable"), stsToken());
        IssuedCredential credential = issue(FEDERATED);
        assertEquals(StandInGoogle.FEDERATED_TOKEN, credential.credentials().get("accessToken"));
        assertEquals(3, google.stsRequests().size());
    }

    @Test
    void iamThrottlingIsRetriedWithoutRepeatingTheExchange() throws Exception {
        google.stsIssues(3599);
        google.server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching(StandInGoogle.IAM_PATH))
                .inScenario("iam").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("ok")
                .willReturn(StandInGoogle.iamError(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Generate access token requests'")));
        google.server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching(StandInGoogle.IAM_PATH))
                .inScenario("iam").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"accessToken\": \"" + StandInGoogle.IMPERSONATED_TOKEN + "\", \"expireTime\": \""
                                + Instant.now().plus(TTL) + "\"}")));
        IssuedCredential credential = issue(IMPERSONATING);
        assertEquals(StandInGoogle.IMPERSONATED_TOKEN, credential.credentials().get("accessToken"));
        assertEquals(1, google.stsRequests().size());
        assertEquals(2, google.iamRequests().size());
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("throttling that never stops is unavailable after three tries",
                        (Consumer<StandInGoogle>) g -> g.sts(stsStatus(429, "rate_limit_exceeded")), "unavailable", 3, "rate_limit_exceeded"),
                Arguments.of("a 503 that never stops is unavailable after three tries",
                        (Consumer<StandInGoogle>) g -> g.sts(stsStatus(503, "temporarily_unavailable")), "unavailable", 3, "temporarily_unavailable"),
                Arguments.of("a 500 that never stops is upstream_error after three tries",
                        (Consumer<StandInGoogle>) g -> g.sts(stsStatus(500, "server_error")), "upstream_error", 3, "server_error"),
                Arguments.of("a proxy's HTML error page keeps only its status",
                        (Consumer<StandInGoogle>) g -> g.sts(aResponse().withStatus(502).withHeader("Content-Type", "text/html")
                                .withBody("<html>Bad Gateway</html>")), "upstream_error", 3, "HTTP 502"),
                Arguments.of("a connection reset is retried, then upstream_error",
                        (Consumer<StandInGoogle>) g -> g.sts(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)), "upstream_error", 3, null),
                Arguments.of("a 200 that is not JSON is upstream_error, not retried",
                        (Consumer<StandInGoogle>) g -> g.sts(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                                .withBody("{\"access_token\": \"ya29.x\", ")), "upstream_error", 1, null),
                Arguments.of("a 200 without access_token is upstream_error",
                        (Consumer<StandInGoogle>) g -> g.sts(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                                .withBody("{\"token_type\": \"Bearer\", \"expires_in\": 3599}")), "upstream_error", 1, null),
                Arguments.of("a 200 without expires_in is upstream_error",
                        (Consumer<StandInGoogle>) g -> g.sts(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                                .withBody("{\"access_token\": \"ya29.x\", \"issued_token_type\": \"urn:ietf:params:oauth:token-type:access_token\", \"token_type\": \"Bearer\"}")),
                        "upstream_error", 1, null),
                Arguments.of("a redirect is not followed",
                        (Consumer<StandInGoogle>) g -> g.sts(aResponse().withStatus(302).withHeader("Location", "https://evil.example/v1/token")),
                        "upstream_error", 1, "HTTP 302"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void stsFailures(String sentence, Consumer<StandInGoogle> stub, String code, int attempts, String upstreamCode) {
        stub.accept(google);
        IssueException e = assertThrows(IssueException.class, () -> issue(FEDERATED));
        assertEquals(code, e.code(), e.getMessage());
        assertEquals(attempts, google.stsRequests().size(), "attempts");
        if (upstreamCode != null) {
            assertEquals(upstreamCode, e.upstream().get("code"));
            assertEquals("sts", e.upstream().get("service"));
        }
        assertTrue(e.getMessage().startsWith("gcp grant: "), e.getMessage());
        assertNoSecrets(e);
    }

    static Stream<Arguments> iamMalformed() {
        return Stream.of(
                Arguments.of("no accessToken", "{\"expireTime\": \"2026-11-22T10:15:00Z\"}"),
                Arguments.of("no expireTime", "{\"accessToken\": \"ya29.c.x\"}"),
                Arguments.of("an expireTime that is not a timestamp", "{\"accessToken\": \"ya29.c.x\", \"expireTime\": \"tomorrow\"}"),
                Arguments.of("not JSON at all", "accessToken=ya29.c.x"));
    }

    @ParameterizedTest(name = "an IAM answer with {0} is upstream_error")
    @MethodSource("iamMalformed")
    void malformedIamAnswers(String sentence, String body) {
        google.stsIssues(3599);
        google.iam(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body));
        IssueException e = assertThrows(IssueException.class, () -> issue(IMPERSONATING));
        assertEquals("upstream_error", e.code());
        assertTrue(e.getMessage().contains("IAM Credentials") && e.getMessage().contains("malformed"), e.getMessage());
        assertEquals(1, google.iamRequests().size());
        assertNoSecrets(e);
    }

    @Test
    void aHangingStsIsUpstreamErrorAfterOneTimeoutNotRetried() {
        google.sts(stsToken().withFixedDelay(10_000));
        GcpIssuer impatient = new GcpIssuer(google.transport(), FAST, new GoogleApis.Timeouts(Duration.ofSeconds(5), Duration.ofMillis(500)));
        IssueException e = assertThrows(IssueException.class, () -> impatient.issue(request(FEDERATED, CALLER, "json")));
        assertEquals("upstream_error", e.code());
        assertEquals("gcp grant: Google STS at https://sts.googleapis.com did not answer in time", e.getMessage(),
                "the read timeout fired: the stand-in's answer takes 10s");
        assertEquals(1, google.stsRequests().size(), "a timeout is not repeated");
    }

    @Test
    void anUnreachableStsIsUpstreamErrorAfterRetries() throws Exception {
        List<String> urls = Collections.synchronizedList(new ArrayList<>());
        GcpIssuer offline = new GcpIssuer(StandInGoogle.unreachable(urls), FAST, TIMEOUTS);
        IssueException e = assertThrows(IssueException.class, () -> offline.issue(request(FEDERATED, CALLER, "json")));
        assertEquals("upstream_error", e.code());
        assertTrue(e.getMessage().contains("could not reach Google STS at https://sts.googleapis.com"), e.getMessage());
        assertEquals(3, urls.size());
    }

    @Test
    void anEndpointThatKeepsFailingIsPausedAndFailsFastAsUnavailable() throws Exception {
        google.sts(stsStatus(500, "server_error"));
        assertEquals("upstream_error", assertThrows(IssueException.class, () -> issue(FEDERATED)).code());
        IssueException paused = null;
        for (int i = 0; i < 5 && paused == null; i++) {
            IssueException e = assertThrows(IssueException.class, () -> issue(FEDERATED));
            paused = e.code().equals("unavailable") ? e : null;
        }
        assertTrue(paused != null, "the breaker opens after repeated 500s");
        assertTrue(paused.getMessage().contains("https://sts.googleapis.com"), paused.getMessage());
        int calls = google.stsRequests().size();
        assertEquals("unavailable", assertThrows(IssueException.class, () -> issue(FEDERATED)).code());
        assertEquals(calls, google.stsRequests().size(), "a paused endpoint is not called");
    }

    /** No token Google issued, nor the one Keyway minted, in any message or upstream value. */
    private void assertNoSecrets(IssueException e) {
        List<String> texts = new ArrayList<>(e.upstream().values());
        texts.add(e.getMessage());
        for (String text : texts) {
            assertFalse(text.contains(StandInGoogle.FEDERATED_TOKEN) || text.contains(StandInGoogle.IMPERSONATED_TOKEN), text);
            assertFalse(text.contains("eyJ"), "no JWT: " + text);
        }
        Map<String, String> copy = new LinkedHashMap<>(e.upstream());
        assertFalse(copy.containsKey("subjectToken"));
    }
}
