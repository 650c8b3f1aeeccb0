package dev.keyway.broker.api;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * An azure binding in a running broker: found by the policy compiler, matched, and taken all the
 * way to an HTTPS call on Entra ID's token endpoint.
 *
 * <p>What this cannot show is a minted token: the provider rejects http authority hosts (Azure
 * Identity refuses them) and the broker's JVM trusts no test certificate, so no stand-in here can
 * answer as Entra ID. That path, with the documented wire format, is covered by providers/azure's
 * tests, which reroute the provider's pipeline. Here the "Entra ID" is an HTTPS stand-in with a
 * self-signed certificate, which shows the other half: the broker refuses to hand a client assertion
 * to a server it cannot trust, and the caller gets a 502 naming the app, tenant and subject.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AzureExchangeTest {

    private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private static final String OTHER_TENANT = "6d3c1a2b-8e4f-4a5b-9c6d-7e8f9a0b1c2d";
    private static final String CLIENT = "0b5f4a2c-7d4e-4f3a-9c1b-6a8d2e3f4b5c";

    @TempDir
    static Path dir;

    private TestIssuer ci;
    private TestBroker broker;
    /** An HTTPS server whose self-signed certificate the broker does not trust. */
    private WireMockServer untrusted;

    @BeforeAll
    void start() throws Exception {
        untrusted = new WireMockServer(options().httpDisabled(true).dynamicHttpsPort().bindAddress("127.0.0.1"));
        untrusted.start();
        ci = new TestIssuer("https://ci.test", "https://keyway.test");
        Files.writeString(dir.resolve("ci.jwks.json"), ci.jwks());
        String authority = "https://127.0.0.1:" + untrusted.httpsPort();
        broker = new TestBroker(dir, """
                apiVersion: keyway.dev/v1
                kind: Issuer
                metadata: {name: ci}
                spec: {type: github, issuer: "https://ci.test", jwks-file: "%s"}
                ---
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: azure-deploy}
                spec:
                  issuer: ci
                  match: {repository_id: "42", ref: refs/heads/main}
                  grant:
                    type: azure
                    tenant-id: %s
                    client-id: %s
                    scope: https://management.azure.com/.default
                    authority-host: %s
                ---
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: azure-outage}
                spec:
                  issuer: ci
                  match: {repository_id: "42"}
                  grant:
                    type: azure
                    tenant-id: %s
                    client-id: %s
                    scope: https://vault.azure.net/.default
                    authority-host: %s
                """.formatted(dir.resolve("ci.jwks.json"), TENANT, CLIENT, authority, OTHER_TENANT, CLIENT, authority), Map.of());
    }

    @AfterAll
    void stop() {
        broker.close();
        untrusted.stop();
    }

    @Test
    void anUntrustedEntraEndpointIsA502ThatNamesTheAppAndTheSubjectAndGetsNoAssertion() throws Exception {
        HttpResponse<String> response = broker.post("/v1/exchange", TestBroker.body("azure-deploy", ci.token()));

        ExchangeApiTest.assertProblem(response, 502, "upstream_error");
        JsonNode upstream = TestBroker.json(response).get("upstream");
        assertEquals("entra", upstream.get("service").asText());
        assertEquals("unreachable", upstream.get("code").asText());
        assertTrue(upstream.get("message").asText().startsWith("SSLHandshakeException"), upstream.toString());
        assertEquals(CLIENT, upstream.get("clientId").asText());
        assertEquals(TENANT, upstream.get("tenantId").asText());
        assertEquals("https://keyway.test", upstream.get("issuer").asText());
        assertEquals("azure-deploy:repo:acme/api:ref:refs/heads/main", upstream.get("subject").asText(),
                "the subject the federated identity credential must hold");
        assertEquals(List.of(), untrusted.getAllServeEvents(), "no request, so no client assertion, reached the untrusted server");

        JsonNode event = last();
        assertEquals("exchange", event.get("event").asText());
        assertEquals("azure", event.get("grant").asText());
        assertEquals("upstream_error", event.get("code").asText());
        assertFalse(response.body().contains("eyJ"), "no JWT in the answer");
        assertFalse(Files.readString(broker.auditFile).contains("eyJ"), "no JWT in the audit trail");
    }

    @Test
    void aMismatchIsRefusedBeforeEntraIdIsAsked() throws Exception {
        HttpResponse<String> response = broker.post("/v1/exchange",
                TestBroker.body("azure-deploy", ci.token(Map.of("ref", "refs/heads/feature"))));
        ExchangeApiTest.assertProblem(response, 403, "binding_denied");
        assertEquals("ref", TestBroker.json(response).get("mismatches").get(0).get("claim").asText());
        assertEquals("azure", last().get("grant").asText());
    }

    @Test
    void aFormatThatCannotCarryAnAzureTokenIsInvalidRequest() throws Exception {
        ExchangeApiTest.assertProblem(broker.post("/v1/exchange",
                TestBroker.body("azure-deploy", ci.token(), "format", "aws-credential-process")), 400, "invalid_request");
    }

    @Test
    void explainShowsTheDecisionForAnAzureBindingAndCallsNothing() throws Exception {
        int before = untrusted.getAllServeEvents().size();
        JsonNode body = TestBroker.json(broker.post("/v1/explain", TestBroker.body("azure-deploy", ci.token())));
        assertEquals("allow", body.get("decision").asText());
        assertEquals("azure-deploy", body.get("binding").asText());
        assertEquals(before, untrusted.getAllServeEvents().size());
    }

    @Test
    void repeatedOutagesOpenTheBreakerAnd503sCarryRetryAfter() throws Exception {
        HttpResponse<String> response = null;
        int exchanges = 0;
        // Each failed exchange is three attempts; the breaker judges after ten calls.
        while (exchanges < 6) {
            exchanges++;
            response = broker.post("/v1/exchange", TestBroker.body("azure-outage", ci.token()));
            if (response.statusCode() != 502) {
                break;
            }
            assertEquals("upstream_error", TestBroker.json(response).get("code").asText());
        }
        ExchangeApiTest.assertProblem(response, 503, "unavailable");
        assertTrue(exchanges >= 4 && exchanges <= 5, "opened after " + exchanges + " exchanges");
        assertTrue(response.headers().firstValue("Retry-After").isPresent());
        assertTrue(TestBroker.json(response).get("detail").asText().contains("/" + OTHER_TENANT + "/oauth2/v2.0/token"));
        assertEquals(502, broker.post("/v1/exchange", TestBroker.body("azure-deploy", ci.token())).statusCode(),
                "one breaker per endpoint: the other tenant's is still closed");
    }

    private JsonNode last() throws Exception {
        List<JsonNode> events = broker.auditEvents();
        return events.get(events.size() - 1);
    }
}
