package dev.keyway.broker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyway.broker.issuer.IssuerProbe;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One issuer down, one binding flooded: the rest of the broker keeps working and readiness says what is wrong. */
class DegradedIssuersTest {

    @TempDir
    Path dir;

    @Test
    void anUnreachableIssuerIsReportedAndOnlyItsCallersAreRefused() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        TestIssuer ci = new TestIssuer("https://ci.test", "https://keyway.test");
        TestIssuer down = new TestIssuer("https://down.test", "https://keyway.test");
        try (TestBroker broker = TestBroker.trusting(dir, ci, "", """
                apiVersion: keyway.dev/v1
                kind: Issuer
                metadata: {name: down}
                spec: {type: oidc, issuer: "https://down.test", jwks-uri: "http://127.0.0.1:%d/jwks.json"}
                ---
                """.formatted(closedPort) + TestBroker.DEPLOY_BINDING + """
                ---
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: from-down}
                spec:
                  issuer: down
                  match: {sub: someone}
                  grant: {type: jwt, audience: vault}
                """, Map.of())) {
            broker.server.getApplicationContext().getBean(IssuerProbe.class).probe();
            HttpResponse<String> readiness = broker.get("/health/readiness");
            assertEquals(200, readiness.statusCode(), "other issuers work, so the broker stays ready");
            assertTrue(readiness.body().contains("\"ci\":\"ok\""), readiness.body());
            assertTrue(readiness.body().contains("\"down\":\"unavailable:"), readiness.body());

            assertEquals(200, broker.post("/v1/exchange", TestBroker.body("deploy", ci.token())).statusCode());
            HttpResponse<String> refused = broker.post("/v1/exchange", TestBroker.body("from-down", down.token(Map.of("sub", "someone"))));
            ExchangeApiTest.assertProblem(refused, 503, "unavailable");
            assertTrue(refused.headers().firstValue("Retry-After").isPresent());
        }
    }

    @Test
    void aFloodedBindingIsLimitedWhileAnotherStaysHealthy() throws Exception {
        TestIssuer ci = new TestIssuer("https://ci.test", "https://keyway.test");
        try (TestBroker broker = TestBroker.trusting(dir, ci, "", """
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: flooded}
                spec:
                  issuer: ci
                  match: {repository_id: "42"}
                  grant: {type: jwt, audience: vault}
                ---
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: calm}
                spec:
                  issuer: ci
                  match: {repository_id: "43"}
                  grant: {type: jwt, audience: vault}
                """, Map.of("keyway.limits.rate.per-binding", "10/m"))) {
            int limited = 0;
            for (int i = 0; i < 30; i++) {
                limited += broker.post("/v1/exchange", TestBroker.body("flooded", ci.token())).statusCode() == 429 ? 1 : 0;
            }
            assertEquals(20, limited, "ten pass, the rest wait");
            assertEquals(200, broker.post("/v1/exchange", TestBroker.body("calm", ci.token(Map.of("repository_id", "43")))).statusCode());
        }
    }
}
