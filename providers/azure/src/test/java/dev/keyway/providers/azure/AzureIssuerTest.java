package dev.keyway.providers.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.keyway.spi.Identity;
import dev.keyway.spi.IssueException;
import dev.keyway.spi.IssuedCredential;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The azure grant against a stand-in that speaks Entra ID's token endpoint: what it sends, and every way it can end. */
class AzureIssuerTest {

    private static final String ACCESS_TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tIn0.c2lnbmF0dXJl";
    private static final String SUBJECT = "deploy:" + Grants.CALLER_SUB;

    private EntraStandIn entra;
    private SigningBroker broker;

    @BeforeEach
    void start() {
        entra = new EntraStandIn();
        broker = new SigningBroker();
    }

    @AfterEach
    void stop() {
        entra.close();
    }

    private IssuedCredential issue() throws IssueException {
        return entra.issuer().issue(Grants.request(Grants.grant(), Grants.CALLER, broker));
    }

    private IssueException refused() {
        return assertThrows(IssueException.class, this::issue);
    }

    // --- the request Keyway sends ------------------------------------------------------------------------

    @Test
    void theTokenRequestIsTheClientCredentialsGrantWithAKeywaySignedAssertion() throws Exception {
        entra.stub(EntraStandIn.tokenRequest().willReturn(EntraStandIn.token(ACCESS_TOKEN, 3599)));
        issue();

        List<LoggedRequest> requests = entra.tokenRequests();
        assertEquals(1, requests.size());
        LoggedRequest request = requests.get(0);
        assertEquals("https://login.microsoftonline.com/" + EntraStandIn.TENANT + "/oauth2/v2.0/token",
                request.getHeader("X-Original-Url"), "the real https authority, rerouted only by the test");
        assertTrue(request.getHeader("Content-Type").startsWith("application/x-www-form-urlencoded"));
        Map<String, String> form = EntraStandIn.form(request);
        assertEquals("client_credentials", form.get("grant_type"));
        assertEquals(EntraStandIn.CLIENT, form.get("client_id"));
        assertEquals("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", form.get("client_assertion_type"));
        assertEquals(EntraStandIn.SCOPE, form.get("scope").split(" ")[0], "the configured scope comes first (MSAL adds OIDC scopes)");
        assertFalse(form.containsKey("client_secret"), "there is no secret");

        JWTClaimsSet assertion = broker.verify(form.get("client_assertion"));
        assertEquals(SigningBroker.PUBLIC_URL, assertion.getIssuer());
        assertEquals(List.of("api://AzureADTokenExchange"), assertion.getAudience());
        assertEquals(SUBJECT, assertion.getSubject());
        long lifetime = assertion.getExpirationTime().getTime() / 1000 - assertion.getIssueTime().getTime() / 1000;
        assertEquals(300, lifetime, "the assertion lives five minutes");
        assertEquals(assertion.getIssueTime(), assertion.getNotBeforeTime());
        assertFalse(assertion.getJWTID().isBlank());
        assertEquals(1, broker.signed.size(), "one assertion per exchange");
    }

    @Test
    void theSubjectIsTheBindingAndTheCallersSubjectSplitAtTheFirstColon() throws Exception {
        entra.stub(EntraStandIn.tokenRequest().willReturn(EntraStandIn.token(ACCESS_TOKEN, 3599)));
        entra.issuer().issue(Grants.request("prod-deploy", Grants.grant(), Grants.CALLER, broker));
        String sub = broker.verify(EntraStandIn.form(entra.tokenRequests().get(0)).get("client_assertion")).getSubject();
        assertEquals("prod-deploy", sub.substring(0, sub.indexOf(':')));
        assertEquals(Grants.CALLER_SUB, sub.substring(sub.indexOf(':') + 1));
    }

    @Test
    void everyExchangeSignsAFreshAssertion() throws Exception {
        entra.stub(EntraStandIn.tokenRequest().willReturn(EntraStandIn.token(ACCESS_TOKEN, 3599)));
        AzureIssuer issuer = entra.issuer();
        issuer.issue(Grants.request(Grants.grant(), Grants.CALLER, broker));
        issuer.issue(Grants.request(Grants.grant(), Grants.CALLER, broker));
        List<LoggedRequest> requests = entra.tokenRequests();
        assertEquals(2, requests.size(), "no token is cached across exchanges");
        String first = broker.verify(EntraStandIn.form(requests.get(0)).get("client_assertion")).getJWTID();
        String second = broker.verify(EntraStandIn.form(requests.get(1)).get("client_assertion")).getJWTID();
        assertNotEquals(first, second);
    }

    // --- what comes back -------------------------------------------------------------------------------

    @Test
    void anAllowedExchangeReturnsTheAccessTokenWithItsRealExpiryAndANonSecretId() throws Exception {
        entra.stub(EntraStandIn.tokenRequest().willReturn(EntraStandIn.token(ACCESS_TOKEN, 3599)));
        Instant before = Instant.now();
        IssuedCredential credential = issue();
        Instant after = Instant.now();

        assertEquals("azure", credential.type());
        assertEquals(List.of("accessToken", "tokenType", "tenantId", "clientId"), List.copyOf(credential.credentials().keySet()));
        assertEquals(ACCESS_TOKEN, credential.credentials().get("accessToken"));
        assertEquals("Bearer", credential.credentials().get("tokenType"));
        assertEquals(EntraStandIn.TENANT, credential.credentials().get("tenantId"));
        assertEquals(EntraStandIn.CLIENT, credential.credentials().get("clientId"));
        assertExpiresIn(3599, before, credential, after);

        String correlation = entra.tokenRequests().get(0).getHeader(EntraHttp.CORRELATION_HEADER);
        assertEquals(correlation, credential.id(), "audit records the correlation ID Entra ID logs the sign-in under");
        assertTrue(correlation.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), correlation);
        assertFalse(credential.id().contains(ACCESS_TOKEN) || credential.toString().contains(ACCESS_TOKEN));
    }

    @Test
    void aRequestedTtlDoesNotShortenTheTokenEntraDecides() throws Exception {
        entra.stub(EntraStandIn.tokenRequest().willReturn(EntraStandIn.token(ACCESS_TOKEN, 5400)));
        Instant before = Instant.now();
        IssuedCredential credential = issue(); // asks for 15 minutes
        assertExpiresIn(5400, before, credential, Instant.now());
    }

    /** Entra ID's expires_in counted from the moment of the call, to the second. */
    private static void assertExpiresIn(long seconds, Instant before, IssuedCredential credential, Instant after) {
        Instant earliest = before.plusSeconds(seconds).minusSeconds(1);
        Instant latest = after.plusSeconds(seconds).plusSeconds(1);
        assertTrue(!credential.expiresAt().isBefore(earliest) && !credential.expiresAt().isAfter(latest),
                "expires_in " + seconds + "s from Entra ID, not the requested 15m: " + credential.expiresAt()
                        + " not within " + earliest + ".." + latest);
    }

    // --- clouds and instance discovery --------------------------------------------------------------------

    @Test
    void aSovereignCloudIsAskedAfterInstanceDiscoveryValidatesIt() throws Exception {
        entra.stub(get(urlPathEqualTo("/common/discovery/instance")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"tenant_discovery_endpoint":"https://login.microsoftonline.us/%s/v2.0/.well-known/openid-configuration",
                         "api-version":"1.1","metadata":[{"preferred_network":"login.microsoftonline.us",
                         "preferred_cache":"login.microsoftonline.us","aliases":["login.microsoftonline.us","login.usgovcloudapi.net"]}]}
                        """.formatted(EntraStandIn.TENANT))));
        entra.stub(EntraStandIn.tokenRequest().willReturn(EntraStandIn.token(ACCESS_TOKEN, 3599)));
        AzureGrant usGov = Grants.compile(Grants.fields("authority-host", "https://login.microsoftonline.us"));

        IssuedCredential credential = entra.issuer(true).issue(Grants.request(usGov, Grants.CALLER, broker));

        assertEquals(ACCESS_TOKEN, credential.credentials().get("accessToken"));
        List<LoggedRequest> discovery = entra.server.findAll(getRequestedFor(urlPathEqualTo("/common/discovery/instance")));
        assertEquals(1, discovery.size(), "production validates Microsoft's clouds through instance discovery");
        URI asked = URI.create(discovery.get(0).getHeader("X-Original-Url"));
        assertEquals("https", asked.getScheme());
        assertEquals("login.microsoftonline.us", asked.getHost(), "a sovereign cloud is asked about itself");
        assertTrue(discovery.get(0).queryParameter("authorization_endpoint").firstValue()
                .startsWith("https://login.microsoftonline.us/" + EntraStandIn.TENANT + "/"));
        assertEquals("https://login.microsoftonline.us/" + EntraStandIn.TENANT + "/oauth2/v2.0/token",
                entra.tokenRequests().get(0).getHeader("X-Original-Url"));
        assertEquals(List.of("api://AzureADTokenExchangeUSGov"),
                broker.verify(EntraStandIn.form(entra.tokenRequests().get(0)).get("client_assertion")).getAudience(),
                "Azure Government's federated credentials expect its own audience");
    }

    @Test
    void anAuthorityThatInstanceDiscoveryRejectsIsUpstreamDeniedAndNoAssertionIsSent() {
        entra.stub(get(urlPathEqualTo("/common/discovery/instance")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"invalid_instance\",\"error_description\":\"AADSTS50049: Unknown or invalid instance.\","
                        + "\"error_codes\":[50049]}")));
        AzureGrant china = Grants.compile(Grants.fields("authority-host", "https://login.chinacloudapi.cn"));
        IssueException e = assertThrows(IssueException.class,
                () -> entra.issuer(true).issue(Grants.request(china, Grants.CALLER, broker)));
        assertEquals("upstream_denied", e.code());
        assertEquals("AADSTS50049", e.upstream().get("code"));
        assertEquals("400", e.upstream().get("status"));
        assertEquals(List.of(), entra.tokenRequests(), "the assertion never left");
    }

    @Test
    void aPrivateAuthorityHostIsAskedDirectlyWithoutInstanceDiscovery() throws Exception {
        entra.stub(EntraStandIn.tokenRequest().willReturn(EntraStandIn.token(ACCESS_TOKEN, 3599)));
        AzureGrant stack = Grants.compile(Grants.fields("authority-host", "https://login.azurestack.contoso.example"));
        entra.issuer(true).issue(Grants.request(stack, Grants.CALLER, broker));
        assertEquals(List.of(), entra.server.findAll(getRequestedFor(urlPathEqualTo("/common/discovery/instance"))),
                "login.microsoftonline.com would not know a private cloud");
        assertEquals("https://login.azurestack.contoso.example/" + EntraStandIn.TENANT + "/oauth2/v2.0/token",
                entra.tokenRequests().get(0).getHeader("X-Original-Url"));
    }

    // --- refusals -----------------------------------------------------------------------------------------

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("no federated credential matches", 401, "invalid_client", 70021,
                        "No matching federated identity record found for presented assertion. Assertion Issuer: 'https://keyway.test'. "
                                + "Assertion Subject: '" + SUBJECT + "'. Assertion Audience: 'api://AzureADTokenExchange'.",
                        "needs a federated identity credential with issuer 'https://keyway.test', subject '" + SUBJECT
                                + "' and audience 'api://AzureADTokenExchange'"),
                Arguments.of("the assertion is outside its time range", 401, "invalid_client", 700024,
                        "Client assertion is not within its valid time range. Current time: 2026-11-22T10:00:00Z, "
                                + "assertion valid from 2026-11-22T10:20:00Z, expiry time of assertion 2026-11-22T10:25:00Z.",
                        "check the broker host's clock"),
                Arguments.of("the app is not in the tenant", 400, "unauthorized_client", 700016,
                        "Application with identifier '" + EntraStandIn.CLIENT + "' was not found in the directory 'Contoso'.",
                        "check client-id and tenant-id"),
                Arguments.of("the tenant does not exist", 400, "invalid_request", 90002,
                        "Tenant '" + EntraStandIn.TENANT + "' not found.", "check tenant-id and authority-host"),
                Arguments.of("the scope names no resource", 400, "invalid_scope", 70011,
                        "The provided request must include a 'scope' input parameter. The provided value for the input "
                                + "parameter 'scope' is not valid.", "AADSTS70011"));
    }

    @ParameterizedTest(name = "{0}: upstream_denied with AADSTS{3}, not retried")
    @MethodSource("refusals")
    void entraRefusalsAreUpstreamDeniedWithEntrasOwnCode(String sentence, int status, String error, int code, String description,
                                                        String hint) {
        entra.stub(EntraStandIn.tokenRequest().willReturn(EntraStandIn.aadError(status, error, code, description)));
        IssueException e = refused();

        assertEquals("upstream_denied", e.code());
        Map<String, String> upstream = e.upstream();
        assertEquals("entra", upstream.get("service"));
        assertEquals("AADSTS" + code, upstream.get("code"));
        assertEquals(error, upstream.get("error"));
        assertEquals(Integer.toString(status), upstream.get("status"));
        assertTrue(upstream.get("message").startsWith("AADSTS" + code + ": " + description.substring(0, 20)), upstream.get("message"));
        assertFalse(upstream.get("message").contains("\n") || upstream.get("message").contains("\r"), "one line");
        assertEquals(EntraStandIn.CLIENT, upstream.get("clientId"));
        assertEquals(EntraStandIn.TENANT, upstream.get("tenantId"));
        assertEquals(SUBJECT, upstream.get("subject"));
        assertEquals(SigningBroker.PUBLIC_URL, upstream.get("issuer"));
        assertTrue(e.getMessage().contains("AADSTS" + code) && e.getMessage().contains(hint), e.getMessage());
        assertEquals(1, entra.tokenRequests().size(), "a refusal is never retried");
    }

    @Test
    void refusalsDoNotOpenTheCircuitBreaker() throws Exception {
        entra.stub(EntraStandIn.tokenRequest().inScenario("config fixed").whenScenarioStateIs(STARTED)
                .willReturn(EntraStandIn.aadError(401, "invalid_client", 70021, "No matching federated identity record found.")));
        AzureIssuer issuer = entra.issuer();
        for (int i = 0; i < 10; i++) {
            IssueException e = assertThrows(IssueException.class, () -> issuer.issue(Grants.request(Grants.grant(), Grants.CALLER, broker)));
            assertEquals("upstream_denied", e.code());
        }
        entra.stub(EntraStandIn.tokenRequest().inScenario("config fixed").whenScenarioStateIs("fixed")
                .willReturn(EntraStandIn.token(ACCESS_TOKEN, 3599)));
        entra.server.setScenarioState("config fixed", "fixed");
        assertEquals(ACCESS_TOKEN, issuer.issue(Grants.request(Grants.grant(), Grants.CALLER, broker)).credentials().get("accessToken"),
                "a misconfigured binding must not block the endpoint for everyone");
        assertEquals(11, entra.tokenRequests().size());
    }

    // --- throttling and outages ---------------------------------------------------------------------------

    private void firstThenSuccess(ResponseDefinitionBuilder first) {
        entra.stub(EntraStandIn.tokenRequest().inScenario("recover").whenScenarioStateIs(STARTED)
                .willReturn(first).willSetStateTo("recovered"));
        entra.stub(EntraStandIn.tokenRequest().inScenario("recover").whenScenarioStateIs("recovered")
                .willReturn(EntraStandIn.token(ACCESS_TOKEN, 3599)));
    }

    @Test
    void throttlingIsRetriedAndThenSucceeds() throws Exception {
        firstThenSuccess(EntraStandIn.aadError(429, "temporarily_unavailable", 90055, "TenantThrottlingError - There are too many "
                + "incoming requests.").withHeader("Retry-After", "1"));
        assertEquals(ACCESS_TOKEN, issue().credentials().get("accessToken"));
        assertEquals(2, entra.tokenRequests().size());
    }

    @Test
    void aServerErrorIsRetriedAndThenSucceeds() throws Exception {
        firstThenSuccess(EntraStandIn.aadError(503, "temporarily_unavailable", 50196, "The server is temporarily unavailable."));
        assertEquals(ACCESS_TOKEN, issue().credentials().get("accessToken"));
        assertEquals(2, entra.tokenRequests().size());
    }

    @Test
    void throttlingThatPersistsIsUnavailableAfterThreeAttempts() {
        entra.stub(EntraStandIn.tokenRequest().willReturn(EntraStandIn.aadError(429, "temporarily_unavailable", 90055,
                "TenantThrottlingError - There are too many incoming requests.")));
        IssueException e = refused();
        assertEquals("unavailable", e.code());
        assertEquals("AADSTS90055", e.upstream().get("code"));
        assertEquals("429", e.upstream().get("status"));
        assertEquals(3, entra.tokenRequests().size());
    }

    @Test
    void serverErrorsThatPersistAreAnUpstreamErrorAfterThreeAttempts() {
        entra.stub(EntraStandIn.tokenRequest().willReturn(EntraStandIn.aadError(500, "server_error", 90033,
                "A transient error has occurred. Please try again.")));
        IssueException e = refused();
        assertEquals("upstream_error", e.code());
        assertEquals("AADSTS90033", e.upstream().get("code"));
        assertEquals(3, entra.tokenRequests().size(), "Keyway retries; MSAL's own extra retry never sees the answer");
    }

    @Test
    void aProxysErrorPageIsAnUpstreamErrorThatQuotesNothing() {
        entra.stub(EntraStandIn.tokenRequest().willReturn(aResponse().withStatus(502).withHeader("Content-Type", "text/html")
                .withBody("<html><body>Bad gateway upstream-secret-4711</body></html>")));
        IssueException e = refused();
        assertEquals("upstream_error", e.code());
        assertEquals("http_502", e.upstream().get("code"));
        assertFalse(e.getMessage().contains("upstream-secret-4711") || e.upstream().toString().contains("upstream-secret-4711"));
        assertEquals(3, entra.tokenRequests().size());
    }

    @Test
    void aNotFoundPageFromAWrongAuthorityHostIsNotRetried() {
        entra.stub(EntraStandIn.tokenRequest().willReturn(aResponse().withStatus(404).withBody("Not Found")));
        IssueException e = refused();
        assertEquals("upstream_error", e.code());
        assertTrue(e.getMessage().contains("check authority-host"), e.getMessage());
        assertEquals(1, entra.tokenRequests().size());
    }

    @Test
    void aHangingEndpointFailsWithinTheTimeoutAndIsNotRetried() {
        entra.stub(EntraStandIn.tokenRequest().willReturn(EntraStandIn.token(ACCESS_TOKEN, 3599).withFixedDelay(10_000)));
        IssueException e = refused();
        assertEquals("upstream_error", e.code());
        assertEquals("timeout", e.upstream().get("code"), "the client timed out: the stand-in's 10s answer never arrived");
        assertTrue(e.getMessage().contains("did not answer"), e.getMessage());
        assertEquals(1, entra.tokenRequests().size(), "a timeout is not retried");
    }

    @Test
    void anUnreachableEndpointIsRetriedThenAnUpstreamError() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        IssueException e = assertThrows(IssueException.class,
                () -> entra.issuer(false, closedPort).issue(Grants.request(Grants.grant(), Grants.CALLER, broker)));
        assertEquals("upstream_error", e.code());
        assertEquals("unreachable", e.upstream().get("code"));
        assertTrue(e.getMessage().startsWith("cannot reach Entra ID at https://login.microsoftonline.com"), e.getMessage());
        assertEquals(3, entra.attempts.get(), "connection failures are safe to retry");
    }

    @Test
    void anOutageOpensTheBreakerAndLaterCallsFailFastAsUnavailable() {
        entra.stub(EntraStandIn.tokenRequest().willReturn(EntraStandIn.aadError(503, "temporarily_unavailable", 50196, "Unavailable.")));
        AzureIssuer issuer = entra.issuer();
        assertEquals("upstream_error", assertThrows(IssueException.class,
                () -> issuer.issue(Grants.request(Grants.grant(), Grants.CALLER, broker))).code());
        assertEquals(3, entra.tokenRequests().size());
        // Four failed calls reach the breaker's minimum: the next exchange's first failure opens it.
        assertEquals("unavailable", assertThrows(IssueException.class,
                () -> issuer.issue(Grants.request(Grants.grant(), Grants.CALLER, broker))).code());
        int sent = entra.tokenRequests().size();
        assertEquals(4, sent);
        IssueException open = assertThrows(IssueException.class, () -> issuer.issue(Grants.request(Grants.grant(), Grants.CALLER, broker)));
        assertEquals("unavailable", open.code());
        assertTrue(open.getMessage().contains("/" + EntraStandIn.TENANT + "/oauth2/v2.0/token"), "names the endpoint: " + open.getMessage());
        assertEquals(sent, entra.tokenRequests().size(), "an open breaker does not call Entra ID");
    }

    // --- answers Keyway cannot use ------------------------------------------------------------------------

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("truncated JSON", "{\"token_type\":\"Bearer\",\"access_token\":\"eyJ0eXAi.leaked-secret-part"),
                Arguments.of("not JSON at all", "leaked-secret-part"),
                Arguments.of("JSON without access_token", "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"x\":\"leaked-secret-part\"}"),
                Arguments.of("an access_token that is not a string", "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":{\"v\":\"leaked-secret-part\"}}"),
                Arguments.of("no expires_in", "{\"token_type\":\"Bearer\",\"access_token\":\"leaked-secret-part\"}"),
                Arguments.of("a token with spaces", "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"leaked secret-part\"}"),
                Arguments.of("an already expired token", "{\"token_type\":\"Bearer\",\"expires_in\":0,\"access_token\":\"leaked-secret-part\"}"));
    }

    @ParameterizedTest(name = "{0} is an upstream_error that quotes nothing")
    @MethodSource("malformed")
    void aMalformedAnswerIsAnUpstreamErrorThatNeverQuotesTheBody(String sentence, String body) {
        entra.stub(EntraStandIn.tokenRequest().willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody(body)));
        IssueException e = refused();
        assertEquals("upstream_error", e.code());
        assertEquals("malformed_response", e.upstream().get("code"));
        assertFalse(e.getMessage().contains("secret-part"), "the message never quotes the answer");
        assertFalse(e.upstream().toString().contains("secret-part"));
        assertEquals(null, e.getCause(), "no SDK exception (whose text may quote the answer) travels along");
        assertEquals(1, entra.tokenRequests().size(), "a malformed answer is not retried");
    }

    // --- before anything is sent --------------------------------------------------------------------------

    @Test
    void aCallerWithoutSubIsInvalidRequestAndNothingIsSent() {
        Identity anonymous = new Identity("github", Map.of("repository", "acme/api"), Map.of());
        IssueException e = assertThrows(IssueException.class,
                () -> entra.issuer().issue(Grants.request(Grants.grant(), anonymous, broker)));
        assertEquals("invalid_request", e.code());
        assertTrue(e.getMessage().contains("no sub claim"));
        assertEquals(0, entra.attempts.get());
        assertEquals(List.of(), broker.signed);
    }

    @Test
    void aSubjectLongerThanEntraStoresIsInvalidRequest() {
        Identity verbose = new Identity("oidc", Map.of("sub", "x".repeat(AzureIssuer.MAX_SUBJECT)), Map.of());
        IssueException e = assertThrows(IssueException.class,
                () -> entra.issuer().issue(Grants.request(Grants.grant(), verbose, broker)));
        assertEquals("invalid_request", e.code());
        assertTrue(e.getMessage().contains("at most 600"), e.getMessage());
        assertFalse(e.getMessage().contains("x".repeat(50)), "the caller's value is not echoed");
        assertEquals(0, entra.attempts.get());
    }

    @Test
    void aSigningFailureKeepsItsCodeAndNothingIsSent() {
        SigningBroker failing = new SigningBroker() {
            @Override
            public String signJwt(Map<String, Object> claims) throws IssueException {
                throw new IssueException("unavailable", "no current signing key");
            }
        };
        IssueException e = assertThrows(IssueException.class,
                () -> entra.issuer().issue(Grants.request(Grants.grant(), Grants.CALLER, failing)));
        assertEquals("unavailable", e.code());
        assertEquals(0, entra.attempts.get());
    }

    @Test
    void theAssertionOutlivesTheRetriesButNotMuchMore() {
        assertEquals(Duration.ofMinutes(5), AzureIssuer.ASSERTION_LIFETIME);
        assertTrue(EntraHttp.Timeouts.DEFAULT.response().multipliedBy(3).compareTo(AzureIssuer.ASSERTION_LIFETIME) < 0);
    }
}
