package dev.keyway.providers.aws;

import static dev.keyway.providers.aws.StsStub.action;
import static dev.keyway.providers.aws.StsStub.xml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.keyway.providers.upstream.Upstream;
import dev.keyway.spi.Identity;
import dev.keyway.spi.IssueException;
import dev.keyway.spi.IssuedCredential;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.contract.Nodes;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The aws grant against a WireMock STS speaking STS's documented wire format: what is sent, what comes back, every failure. */
class AwsIssuerStsTest {

    private static final String POLICY = """
            {
              "Version": "2012-10-17",
              "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-artifacts/*"}]
            }""";
    private static final String COMPACT_POLICY =
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::acme-artifacts/*\"}]}";

    private static WireMockServer sts;

    private final Fixtures.SigningBroker broker = new Fixtures.SigningBroker();
    private AwsIssuer issuer;

    @BeforeAll
    static void startSts() {
        sts = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        sts.start();
    }

    @AfterAll
    static void stopSts() {
        sts.stop();
    }

    @BeforeEach
    void fresh() {
        sts.resetAll();
        issuer = Fixtures.issuer(Duration.ofSeconds(5));
    }

    private static String endpoint() {
        return "http://127.0.0.1:" + sts.port();
    }

    /** Every field set: what a careful binding looks like. */
    private static Node.Mapping fullGrant(String mode) {
        return Nodes.map(
                "role-arn", Fixtures.ROLE,
                "mode", mode,
                "region", "eu-west-1",
                "session-name", "gh-{{repository}}-{{run_id}}",
                "session-tags", Nodes.map("repo", "{{repository}}", "env", "{{environment}}"),
                "transitive-tag-keys", List.of("repo"),
                "session-policy", POLICY,
                "source-identity", "{{actor}}",
                "sts-endpoint", endpoint());
    }

    private static Node.Mapping minimalGrant(Object... more) {
        List<Object> entries = new ArrayList<>(List.of("role-arn", Fixtures.ROLE, "sts-endpoint", endpoint()));
        entries.addAll(List.of(more));
        return Nodes.map(entries.toArray());
    }

    private IssuedCredential issue(Node.Mapping grant, Identity caller, Duration ttl) throws IssueException {
        return issuer.issue(Fixtures.request(Fixtures.compileClean(grant), caller, ttl, broker));
    }

    private IssueException refused(Node.Mapping grant, Identity caller) {
        return assertThrows(IssueException.class, () -> issue(grant, caller, Duration.ofMinutes(15)));
    }

    private static void stubWebIdentity(String sessionName, long seconds) {
        sts.stubFor(action("AssumeRoleWithWebIdentity")
                .willReturn(xml(200, StsStub.webIdentityResponse("deploy", sessionName, seconds))));
    }

    private static LoggedRequest onlyRequest() {
        List<LoggedRequest> requests = StsStub.requests(sts);
        assertEquals(1, requests.size(), "exactly one STS call");
        return requests.get(0);
    }

    // --- web identity ------------------------------------------------------------------------------------------

    @Test
    void webIdentitySendsAnUnsignedAssumeRoleWithWebIdentityCarryingABrokerSignedToken() throws Exception {
        stubWebIdentity("gh-acme-api-10283741123", 1800);
        Instant before = Instant.now();
        IssuedCredential credential = issue(fullGrant("web-identity"), Fixtures.caller(), Duration.ofMinutes(30));

        LoggedRequest request = onlyRequest();
        Map<String, String> form = StsStub.form(request);
        assertEquals("AssumeRoleWithWebIdentity", form.get("Action"));
        assertEquals("2011-06-15", form.get("Version"));
        assertEquals(Fixtures.ROLE, form.get("RoleArn"));
        assertEquals("gh-acme-api-10283741123", form.get("RoleSessionName"), "acme/api: '/' sanitized to '-'");
        assertEquals("1800", form.get("DurationSeconds"));
        assertEquals(COMPACT_POLICY, form.get("Policy"), "the session policy, compacted");
        assertFalse(form.containsKey("Tags.member.1.Key"), "web identity tags travel in the token, not as parameters");
        assertFalse(form.containsKey("SourceIdentity"), "web identity source identity travels in the token");
        assertFalse(request.containsHeader("Authorization"), "AssumeRoleWithWebIdentity is not signed");
        assertFalse(request.containsHeader("X-Amz-Security-Token"));

        JWTClaimsSet token = broker.verify(form.get("WebIdentityToken"));
        assertEquals(Fixtures.PUBLIC_URL, token.getIssuer());
        assertEquals(List.of("sts.amazonaws.com"), token.getAudience());
        assertEquals("sts.amazonaws.com", broker.signed.get(0).get("aud"), "one audience, a plain string");
        assertEquals("deploy:repo:acme/api:ref:refs/heads/main", token.getSubject());
        assertEquals(300, (token.getExpirationTime().getTime() - token.getIssueTime().getTime()) / 1000,
                "the web identity token lives five minutes");
        assertTrue(token.getJWTID() != null && !token.getJWTID().isBlank());
        assertEquals(Map.of("principal_tags", Map.of("repo", List.of("acme/api"), "env", List.of("production")),
                        "transitive_tag_keys", List.of("repo")),
                token.getJSONObjectClaim("https://aws.amazon.com/tags"));
        assertEquals("octocat", token.getStringClaim("https://aws.amazon.com/source_identity"));

        assertEquals("aws", credential.type());
        assertEquals("gh-acme-api-10283741123", credential.id(), "audit records the session name");
        assertEquals(List.of("accessKeyId", "secretAccessKey", "sessionToken", "expiration", "assumedRoleArn"),
                List.copyOf(credential.credentials().keySet()));
        assertEquals(StsStub.ACCESS_KEY_ID, credential.credentials().get("accessKeyId"));
        assertEquals(StsStub.SECRET_ACCESS_KEY, credential.credentials().get("secretAccessKey"));
        assertEquals(StsStub.SESSION_TOKEN, credential.credentials().get("sessionToken"));
        assertEquals(StsStub.assumedRoleArn("deploy", "gh-acme-api-10283741123"), credential.credentials().get("assumedRoleArn"));
        long lifetime = credential.expiresAt().getEpochSecond() - before.getEpochSecond();
        assertTrue(lifetime >= 1795 && lifetime <= 1801, "expiresAt is STS's Expiration: " + lifetime);
        String expiration = (String) credential.credentials().get("expiration");
        assertEquals(credential.expiresAt(), OffsetDateTime.parse(expiration).toInstant());
        assertTrue(expiration.endsWith("+00:00"), "RFC 3339 with a numeric offset: " + expiration);
        String shown = credential.toString();
        assertFalse(shown.contains(StsStub.SECRET_ACCESS_KEY) || shown.contains(StsStub.SESSION_TOKEN));
    }

    @Test
    void withoutTagsOrSourceIdentityTheTokenCarriesNeitherClaim() throws Exception {
        stubWebIdentity("deploy-10283741123", 900);
        issue(minimalGrant(), Fixtures.caller(), Duration.ofMinutes(15));
        Map<String, String> form = StsStub.form(onlyRequest());
        JWTClaimsSet token = broker.verify(form.get("WebIdentityToken"));
        assertNull(token.getClaim("https://aws.amazon.com/tags"));
        assertNull(token.getClaim("https://aws.amazon.com/source_identity"));
        assertFalse(form.containsKey("Policy"));
        assertEquals("deploy-10283741123", form.get("RoleSessionName"), "default: <binding>-<run_id>");
    }

    @Test
    void tagsWithoutTransitiveKeysOmitTheTransitiveList() throws Exception {
        stubWebIdentity("deploy-10283741123", 900);
        issue(minimalGrant("session-tags", Nodes.map("repo", "{{repository}}")), Fixtures.caller(), Duration.ofMinutes(15));
        JWTClaimsSet token = broker.verify(StsStub.form(onlyRequest()).get("WebIdentityToken"));
        assertEquals(Map.of("principal_tags", Map.of("repo", List.of("acme/api"))), token.getJSONObjectClaim("https://aws.amazon.com/tags"));
    }

    @Test
    void theDefaultSessionNameFallsBackToTheRequestIdWithoutARunId() throws Exception {
        stubWebIdentity("deploy-req-7f3a", 900);
        IssuedCredential credential = issue(minimalGrant(), Fixtures.caller(Map.of("run_id", "")), Duration.ofMinutes(15));
        assertEquals("deploy-req-7f3a", StsStub.form(onlyRequest()).get("RoleSessionName"));
        assertEquals("deploy-req-7f3a", credential.id());
    }

    @Test
    void aCallerControlledSessionNameIsSanitizedBeforeItIsSent() throws Exception {
        stubWebIdentity("x", 900);
        issue(minimalGrant("session-name", "ci-{{ref}}"), Fixtures.caller(Map.of("ref", "refs/heads/feat/ümlaut #1")),
                Duration.ofMinutes(15));
        assertEquals("ci-refs-heads-feat--mlaut--1", StsStub.form(onlyRequest()).get("RoleSessionName"));
    }

    // --- assume-role -------------------------------------------------------------------------------------------

    @Test
    void assumeRoleIsSignedByTheBrokersOwnIdentityAndCarriesTagsSourceIdentityAndPolicy() throws Exception {
        sts.stubFor(action("AssumeRole").willReturn(xml(200, StsStub.assumeRoleResponse("deploy", "gh-acme-api-10283741123", 3600))));
        IssuedCredential credential = issue(fullGrant("assume-role"), Fixtures.caller(), Duration.ofHours(1));

        LoggedRequest request = onlyRequest();
        Map<String, String> form = StsStub.form(request);
        assertEquals("AssumeRole", form.get("Action"));
        assertEquals(Fixtures.ROLE, form.get("RoleArn"));
        assertEquals("gh-acme-api-10283741123", form.get("RoleSessionName"));
        assertEquals("3600", form.get("DurationSeconds"));
        assertEquals("repo", form.get("Tags.member.1.Key"));
        assertEquals("acme/api", form.get("Tags.member.1.Value"));
        assertEquals("env", form.get("Tags.member.2.Key"));
        assertEquals("production", form.get("Tags.member.2.Value"));
        assertEquals("repo", form.get("TransitiveTagKeys.member.1"));
        assertFalse(form.containsKey("TransitiveTagKeys.member.2"));
        assertEquals("octocat", form.get("SourceIdentity"));
        assertEquals(COMPACT_POLICY, form.get("Policy"));
        assertFalse(form.containsKey("WebIdentityToken"));
        assertEquals(List.of(), broker.signed, "assume-role mints no JWT");
        String authorization = request.getHeader("Authorization");
        assertTrue(Pattern.matches("AWS4-HMAC-SHA256 Credential=" + Fixtures.BROKER_KEY_ID
                + "/\\d{8}/eu-west-1/sts/aws4_request, SignedHeaders=\\S+, Signature=[0-9a-f]{64}", authorization), authorization);
        assertEquals(Fixtures.BROKER_SESSION_TOKEN, request.getHeader("X-Amz-Security-Token"));

        assertEquals(StsStub.ACCESS_KEY_ID, credential.credentials().get("accessKeyId"));
        assertEquals(StsStub.assumedRoleArn("deploy", "gh-acme-api-10283741123"), credential.credentials().get("assumedRoleArn"));
    }

    // --- lifetimes ---------------------------------------------------------------------------------------------

    static Stream<Arguments> durations() {
        return Stream.of(
                Arguments.of("90 seconds is raised to STS's minimum", Duration.ofSeconds(90), 900),
                Arguments.of("5 minutes is raised to STS's minimum", Duration.ofMinutes(5), 900),
                Arguments.of("15 minutes is exactly the minimum", Duration.ofMinutes(15), 900),
                Arguments.of("an hour is an hour", Duration.ofHours(1), 3600),
                Arguments.of("sub-second parts are dropped", Duration.ofMillis(3_600_900), 3600),
                Arguments.of("12 hours is the longest", Duration.ofHours(12), 43200),
                Arguments.of("beyond 12 hours is capped", Duration.ofHours(13), 43200));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("durations")
    void durationSecondsIsTheTtlWithinStsLimits(String sentence, Duration ttl, long seconds) {
        assertEquals(seconds, AwsIssuer.durationSeconds(ttl));
    }

    @Test
    void aShortTtlAsksForFifteenMinutesAndReportsTheRealExpiry() throws Exception {
        stubWebIdentity("deploy-10283741123", 900);
        Instant before = Instant.now();
        IssuedCredential credential = issue(minimalGrant(), Fixtures.caller(), Duration.ofMinutes(5));
        assertEquals("900", StsStub.form(onlyRequest()).get("DurationSeconds"));
        assertTrue(credential.expiresAt().isAfter(before.plusSeconds(890)), "expiresAt is what STS granted, not the ttl");
    }

    // --- refusals ------------------------------------------------------------------------------------------------

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", "trust policy"),
                Arguments.of(400, "InvalidIdentityToken", "No OpenIDConnect provider found in your account for https://keyway.example.com",
                        "IAM OIDC provider for https://keyway.example.com"),
                Arguments.of(403, "IDPRejectedClaim", "Incorrect token audience", "must list sts.amazonaws.com"),
                Arguments.of(400, "ExpiredTokenException", "Token expired: current date/time 1795428901 must be before the expiration date/time 1795428900",
                        "clock"),
                Arguments.of(400, "MalformedPolicyDocument", "Syntax errors in policy.", "session-policy"),
                Arguments.of(400, "PackedPolicyTooLarge", "Serialized token too large for session", "packed size"),
                Arguments.of(403, "RegionDisabledException", "STS is not activated in this region for account:123456789012.",
                        "Activate STS in region eu-west-1"),
                Arguments.of(400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
                        "MaxSessionDuration"));
    }

    @ParameterizedTest(name = "{1} is upstream_denied, not retried, and says which role and what AWS said")
    @MethodSource("refusals")
    void anStsRefusalIsUpstreamDeniedWithTheCloudsOwnCodeAndMessage(int status, String code, String message, String hint) {
        sts.stubFor(action("AssumeRoleWithWebIdentity").willReturn(xml(status, StsStub.error("Sender", code, message))));
        Node.Mapping grant = Nodes.map("role-arn", Fixtures.ROLE, "region", "eu-west-1", "sts-endpoint", endpoint(),
                "session-tags", Nodes.map("repo", "{{repository}}"));
        IssueException e = refused(grant, Fixtures.caller());
        assertEquals("upstream_denied", e.code());
        assertEquals("sts", e.upstream().get("service"));
        assertEquals(code, e.upstream().get("code"));
        assertEquals(message, e.upstream().get("message"));
        assertEquals(Fixtures.ROLE, e.upstream().get("role"));
        assertEquals("AssumeRoleWithWebIdentity", e.upstream().get("action"));
        assertEquals("deploy:repo:acme/api:ref:refs/heads/main", e.upstream().get("sub"), "the subject STS judged");
        assertEquals("sts.amazonaws.com", e.upstream().get("aud"));
        assertEquals("4f9c3f8e-5c1a-4d0e-9a57-0a6b8f1e2d3c", e.upstream().get("requestId"));
        assertTrue(e.getMessage().contains(Fixtures.ROLE) && e.getMessage().contains(code + ": " + message), e.getMessage());
        assertTrue(e.getMessage().contains(hint), e.getMessage());
        assertEquals(1, StsStub.requests(sts).size(), "a refusal is never retried");
        String token = StsStub.form(StsStub.requests(sts).get(0)).get("WebIdentityToken");
        assertFalse(e.getMessage().contains(token) || e.upstream().toString().contains(token), "the token never appears in the failure");
    }

    @Test
    void anAccessDeniedInWebIdentityModeNamesTheTrustPolicyConditionsToCheck() {
        sts.stubFor(action("AssumeRoleWithWebIdentity").willReturn(xml(403,
                StsStub.error("Sender", "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity"))));
        IssueException e = refused(minimalGrant("session-tags", Nodes.map("repo", "{{repository}}"), "source-identity", "{{actor}}"),
                Fixtures.caller());
        assertTrue(e.getMessage().contains("sts:AssumeRoleWithWebIdentity and sts:TagSession and sts:SetSourceIdentity"), e.getMessage());
        assertTrue(e.getMessage().contains("keyway.example.com:aud = sts.amazonaws.com"), e.getMessage());
        assertTrue(e.getMessage().contains("keyway.example.com:sub condition matching 'deploy:repo:acme/api:ref:refs/heads/main'"),
                e.getMessage());
    }

    @Test
    void anAccessDeniedInAssumeRoleModePointsAtTheBrokersOwnPermissions() {
        sts.stubFor(action("AssumeRole").willReturn(xml(403, StsStub.error("Sender", "AccessDenied",
                "User: arn:aws:sts::123456789012:assumed-role/keyway-broker/i-0abc is not authorized to perform: sts:AssumeRole"))));
        IssueException e = refused(minimalGrant("mode", "assume-role"), Fixtures.caller());
        assertEquals("upstream_denied", e.code());
        assertEquals("AssumeRole", e.upstream().get("action"));
        assertFalse(e.upstream().containsKey("sub"), "assume-role sends no token subject");
        assertTrue(e.getMessage().contains("The broker's own identity needs sts:AssumeRole"), e.getMessage());
    }

    @Test
    void refusalsDoNotOpenTheCircuitBreaker() {
        sts.stubFor(action("AssumeRoleWithWebIdentity").willReturn(xml(403, StsStub.error("Sender", "AccessDenied", "no"))));
        for (int i = 0; i < 8; i++) {
            assertEquals("upstream_denied", refused(minimalGrant(), Fixtures.caller()).code());
        }
        assertEquals(8, StsStub.requests(sts).size(), "every call still reached STS");
    }

    // --- throttling, 5xx, timeouts, garbage ---------------------------------------------------------------------

    @Test
    void throttlingIsRetriedAndTheRetrySucceeds() throws Exception {
        sts.stubFor(action("AssumeRoleWithWebIdentity").inScenario("throttle").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(xml(400, StsStub.error("Sender", "Throttling", "Rate exceeded"))).willSetStateTo("throttled once"));
        sts.stubFor(action("AssumeRoleWithWebIdentity").inScenario("throttle").whenScenarioStateIs("throttled once")
                .willReturn(xml(200, StsStub.webIdentityResponse("deploy", "deploy-10283741123", 900))));
        IssuedCredential credential = issue(minimalGrant(), Fixtures.caller(), Duration.ofMinutes(15));
        assertEquals(StsStub.ACCESS_KEY_ID, credential.credentials().get("accessKeyId"));
        List<LoggedRequest> requests = StsStub.requests(sts);
        assertEquals(2, requests.size());
        assertEquals(StsStub.form(requests.get(0)).get("RoleSessionName"), StsStub.form(requests.get(1)).get("RoleSessionName"));
    }

    @Test
    void persistentThrottlingIsUnavailableAfterThreeAttempts() {
        sts.stubFor(action("AssumeRoleWithWebIdentity").willReturn(xml(400, StsStub.error("Sender", "Throttling", "Rate exceeded"))));
        IssueException e = refused(minimalGrant(), Fixtures.caller());
        assertEquals("unavailable", e.code());
        assertEquals("Throttling", e.upstream().get("code"));
        assertEquals(3, StsStub.requests(sts).size());
    }

    @Test
    void a503IsRetriedThenUnavailable() {
        sts.stubFor(action("AssumeRoleWithWebIdentity").willReturn(xml(503, StsStub.error("Receiver", "ServiceUnavailable",
                "Service is unable to handle request."))));
        IssueException e = refused(minimalGrant(), Fixtures.caller());
        assertEquals("unavailable", e.code());
        assertEquals(3, StsStub.requests(sts).size());
    }

    @Test
    void aPersistentInternalFailureIsUpstreamErrorAfterThreeAttempts() {
        sts.stubFor(action("AssumeRoleWithWebIdentity").willReturn(xml(500, StsStub.error("Receiver", "InternalFailure",
                "The request processing has failed because of an unknown error."))));
        IssueException e = refused(minimalGrant(), Fixtures.caller());
        assertEquals("upstream_error", e.code());
        assertEquals("InternalFailure", e.upstream().get("code"));
        assertEquals(3, StsStub.requests(sts).size());
    }

    @Test
    void idpCommunicationErrorIsRetriedAsAwsAdvisesThenUpstreamError() {
        sts.stubFor(action("AssumeRoleWithWebIdentity").willReturn(xml(400, StsStub.error("Sender", "IDPCommunicationError",
                "Couldn't retrieve verification key from your identity provider"))));
        IssueException e = refused(minimalGrant(), Fixtures.caller());
        assertEquals("upstream_error", e.code());
        assertTrue(e.getMessage().contains("https://keyway.example.com/.well-known/jwks.json"), e.getMessage());
        assertEquals(3, StsStub.requests(sts).size());
    }

    @Test
    void aNonXmlGatewayErrorIsUpstreamError() {
        sts.stubFor(action("AssumeRoleWithWebIdentity").willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                .withStatus(502).withHeader("Content-Type", "text/html").withBody("<html><body>Bad Gateway</body></html>")));
        IssueException e = refused(minimalGrant(), Fixtures.caller());
        assertEquals("upstream_error", e.code());
        assertEquals(3, StsStub.requests(sts).size(), "a 5xx is retried");
    }

    @Test
    void aHangingStsFailsWithinTheCallTimeoutAndIsNotRetried() throws Exception {
        issuer = Fixtures.issuer(Duration.ofMillis(500));
        sts.stubFor(action("AssumeRoleWithWebIdentity").willReturn(xml(200, StsStub.webIdentityResponse("deploy", "x", 900))
                .withFixedDelay(4000)));
        IssueException e = refused(minimalGrant(), Fixtures.caller());
        assertEquals("upstream_error", e.code());
        assertTrue(e.getMessage().contains("did not answer AssumeRoleWithWebIdentity for role " + Fixtures.ROLE + " within 0.5s"),
                e.getMessage());
        Thread.sleep(4500); // let the stand-in finish its delayed answer before counting what it received
        assertEquals(1, StsStub.requests(sts).size(), "a timeout is not retried");
    }

    @Test
    void malformedXmlIsUpstreamErrorAndItsContentNeverReachesTheMessage() {
        String truncated = StsStub.webIdentityResponse("deploy", "x", 900);
        truncated = truncated.substring(0, truncated.indexOf("</SecretAccessKey>") + 5);
        sts.stubFor(action("AssumeRoleWithWebIdentity").willReturn(xml(200, truncated)));
        IssueException e = refused(minimalGrant(), Fixtures.caller());
        assertEquals("upstream_error", e.code());
        assertTrue(e.getMessage().contains("not a readable AssumeRoleWithWebIdentityResponse"), e.getMessage());
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t).contains("wJalrXUtnFEMI") || String.valueOf(t).contains(StsStub.SESSION_TOKEN),
                    "no part of the response in " + t.getClass().getSimpleName());
        }
        assertFalse(e.upstream().toString().contains("wJalrXUtnFEMI"));
    }

    @Test
    void aWellFormedAnswerWithoutCredentialsIsUpstreamError() {
        sts.stubFor(action("AssumeRoleWithWebIdentity").willReturn(xml(200, """
                <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <AssumeRoleWithWebIdentityResult>
                    <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/deploy/x</Arn><AssumedRoleId>AROA:x</AssumedRoleId></AssumedRoleUser>
                  </AssumeRoleWithWebIdentityResult>
                  <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>
                </AssumeRoleWithWebIdentityResponse>
                """)));
        IssueException e = refused(minimalGrant(), Fixtures.caller());
        assertEquals("upstream_error", e.code());
        assertTrue(e.getMessage().contains("without complete credentials"), e.getMessage());
    }

    @Test
    void anUnreachableStsIsUpstreamErrorAfterRetries() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        IssueException e = refused(Nodes.map("role-arn", Fixtures.ROLE, "sts-endpoint", "http://127.0.0.1:" + closedPort),
                Fixtures.caller());
        assertEquals("upstream_error", e.code());
        assertTrue(e.getMessage().startsWith("cannot reach AWS STS at http://127.0.0.1:" + closedPort), e.getMessage());
    }

    @Test
    void repeatedFailuresOpenTheBreakerForThatEndpointAndCallsStopReachingIt() {
        sts.stubFor(action("AssumeRoleWithWebIdentity").willReturn(xml(500, StsStub.error("Receiver", "InternalFailure", "boom"))));
        IssueException first = refused(minimalGrant(), Fixtures.caller());
        IssueException second = refused(minimalGrant(), Fixtures.caller());
        assertEquals("upstream_error", first.code());
        int reached = StsStub.requests(sts).size();
        IssueException paused = refused(minimalGrant(), Fixtures.caller());
        assertEquals("unavailable", paused.code(), second.getMessage());
        assertTrue(paused.getMessage().contains("paused"), paused.getMessage());
        assertEquals(reached, StsStub.requests(sts).size(), "an open breaker does not call STS");
    }

    // --- what the caller's token must supply -------------------------------------------------------------------

    static Stream<Arguments> unrenderable() {
        return Stream.of(
                Arguments.of("a session tag whose claim is missing", Nodes.map("repo", "{{repository}}", "env", "{{environment}}"),
                        Map.of("environment", List.of("a", "b")), "session tag 'env'"),
                Arguments.of("a tag value with a character AWS refuses", Nodes.map("ref", "{{ref}}"),
                        Map.of("ref", "refs/heads/feat#1"), "session tag 'ref' ({{ref}}) contains characters AWS does not allow"),
                Arguments.of("a tag value longer than 256 characters", Nodes.map("ref", "{{ref}}"),
                        Map.of("ref", "refs/heads/" + "a".repeat(250)), "session tag 'ref' ({{ref}}) is longer than 256"));
    }

    @ParameterizedTest(name = "{0} is invalid_request and nothing is sent")
    @MethodSource("unrenderable")
    void aTagTheTokenCannotFillRefusesBeforeCallingSts(String sentence, Node.Mapping tags, Map<String, Object> claims, String message) {
        IssueException e = refused(minimalGrant("session-tags", tags), Fixtures.caller(claims));
        assertEquals("invalid_request", e.code());
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertEquals(List.of(), StsStub.requests(sts));
        assertEquals(List.of(), broker.signed);
    }

    @Test
    void aSourceIdentityAwsWouldRefuseIsInvalidRequest() {
        IssueException e = refused(minimalGrant("source-identity", "{{actor}}"), Fixtures.caller(Map.of("actor", "dependabot[bot]")));
        assertEquals("invalid_request", e.code());
        assertTrue(e.getMessage().contains("source-identity ({{actor}}) contains characters outside"), e.getMessage());
        assertEquals(List.of(), StsStub.requests(sts));
    }

    @Test
    void aSessionNameTemplateWithAMissingClaimIsInvalidRequest() {
        IssueException e = refused(minimalGrant("session-name", "ci-{{environment}}"), Fixtures.caller(Map.of("environment", Map.of())));
        assertEquals("invalid_request", e.code());
        assertTrue(e.getMessage().contains("session-name uses template 'ci-{{environment}}'"), e.getMessage());
    }

    @Test
    void webIdentityNeedsTheCallersSub() {
        Map<String, Object> noSub = new java.util.HashMap<>();
        noSub.put("sub", null);
        IssueException e = refused(minimalGrant(), Fixtures.caller(noSub));
        assertEquals("invalid_request", e.code());
        assertTrue(e.getMessage().contains("no sub claim"), e.getMessage());
        assertEquals(List.of(), StsStub.requests(sts));
    }

    // --- clients ------------------------------------------------------------------------------------------------

    @Test
    void oneClientPerModeRegionAndEndpointIsBuiltOnceAndReused() {
        StsClients clients = Fixtures.clients(Duration.ofSeconds(5));
        AwsGrant a = Fixtures.compileClean(minimalGrant("session-name", "a-{{run_id}}"));
        AwsGrant b = Fixtures.compileClean(minimalGrant("session-name", "b-{{run_id}}"));
        AwsGrant otherRegion = Fixtures.compileClean(minimalGrant("region", "eu-west-1"));
        AwsGrant otherMode = Fixtures.compileClean(minimalGrant("mode", "assume-role"));
        assertSame(clients.client(a), clients.client(b), "two bindings on one endpoint share a client");
        assertNotSame(clients.client(a), clients.client(otherRegion));
        assertNotSame(clients.client(a), clients.client(otherMode));
    }

    @Test
    void theBreakerIsPerEndpoint() {
        Upstream upstream = new Upstream("aws", Fixtures.FAST);
        AwsIssuer shared = new AwsIssuer(Fixtures.clients(Duration.ofSeconds(5)), upstream);
        sts.stubFor(action("AssumeRoleWithWebIdentity").willReturn(xml(500, StsStub.error("Receiver", "InternalFailure", "boom"))));
        AwsGrant grant = Fixtures.compileClean(minimalGrant());
        for (int i = 0; i < 2; i++) {
            assertThrows(IssueException.class, () -> shared.issue(Fixtures.request(grant, Fixtures.caller(), Duration.ofMinutes(15), broker)));
        }
        assertEquals("OPEN", upstream.state(endpoint()));
        assertEquals("CLOSED", upstream.state("sts.us-east-1"));
    }
}
