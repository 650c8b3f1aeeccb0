package dev.keyway.broker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** A broker whose keys.dir holds only JWT signing keys (jwt-only users): it starts; certificate grants are 503 until keys exist. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NoCaApiTest {

    @TempDir
    static Path dir;

    private TestIssuer ci;
    private TestBroker broker;

    @BeforeAll
    void start() throws Exception {
        ci = new TestIssuer("https://ci.test", "https://keyway.test");
        broker = TestBroker.trusting(dir, ci, "", """
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: svid}
                spec:
                  issuer: ci
                  match: {repository_id: "42"}
                  grant: {type: x509, spiffe-id: "spiffe://acme.test/ci"}
                ---
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: login}
                spec:
                  issuer: ci
                  match: {repository_id: "42"}
                  grant: {type: ssh, principals: [deploy]}
                ---
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: token}
                spec:
                  issuer: ci
                  match: {repository_id: "42"}
                  grant: {type: jwt, audience: vault}
                """, Map.of());
    }

    @AfterAll
    void stop() {
        broker.close();
    }

    @Test
    void theTrustAnchorsAreUnavailableAndSayHowToCreateThem() throws Exception {
        for (String path : new String[] {"/v1/ca/x509", "/v1/ca/ssh"}) {
            HttpResponse<String> response = broker.get(path);
            assertEquals(503, response.statusCode(), path);
            assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(response.headers().firstValue("Retry-After").isPresent());
            JsonNode problem = TestBroker.json(response);
            assertEquals("unavailable", problem.get("code").asText());
            assertTrue(problem.get("detail").asText().contains("in keys.dir; run keys init/rotate"), problem.toString());
        }
    }

    @Test
    void certificateGrantsAreUnavailableWhileJwtGrantsWork() throws Exception {
        Map<String, String> inputs = Map.of("svid", "csr", "login", "publicKey");
        for (Map.Entry<String, String> binding : inputs.entrySet()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("binding", binding.getKey());
            body.put("token", ci.token());
            body.put(binding.getValue(), "unused: the CA is checked first");
            HttpResponse<String> response = broker.post("/v1/exchange", TestBroker.JSON.writeValueAsString(body));
            assertEquals(503, response.statusCode(), response.body());
            assertEquals("unavailable", TestBroker.json(response).get("code").asText());
        }
        assertEquals(200, broker.post("/v1/exchange", TestBroker.body("token", ci.token())).statusCode());
        assertTrue(Files.exists(dir.resolve("keys/signing-keys.jwks.json")));
    }
}
