package dev.keyway.broker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through the real HTTP stack: a broker whose {@code max-queue-wait} is zero refuses every
 * exchange as past saturation. The refusal is a problem+json 503 with Retry-After, no token was
 * looked at (no audit event, the token still works elsewhere), and bad requests are still 400:
 * they are parsed before admission.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SheddingApiTest {

    @TempDir
    static Path dir;

    private TestIssuer ci;
    private TestBroker broker;

    @BeforeAll
    void start() throws Exception {
        ci = new TestIssuer("https://ci.test", "https://keyway.test");
        broker = TestBroker.trusting(dir, ci, "", TestBroker.DEPLOY_BINDING, Map.of("keyway.limits.max-queue-wait", "0s"));
    }

    @AfterAll
    void stop() {
        broker.close();
    }

    @Test
    void pastSaturationExchangesAndExplanationsGet503WithRetryAfterAndNothingElseHappens() throws Exception {
        int eventsBefore = broker.auditEvents().size();
        for (String path : new String[] {"/v1/exchange", "/v1/explain"}) {
            HttpResponse<String> refused = broker.post(path, TestBroker.body("deploy", ci.token()));
            ExchangeApiTest.assertProblem(refused, 503, "unavailable");
            assertEquals("1", refused.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(TestBroker.json(refused).get("detail").asText().contains("past saturation"), refused.body());
        }
        assertEquals(eventsBefore, broker.auditEvents().size(), "shed before any token was looked at");
        String metrics = broker.get("/prometheus").body();
        assertTrue(metrics.contains("keyway_exchange_shed_total{reason=\"waited\"} 2.0"),
                metrics.lines().filter(l -> l.startsWith("keyway_exchange")).toList().toString());
        assertTrue(metrics.contains("keyway_exchange_in_flight 0.0"));
    }

    @Test
    void badRequestsAreStillRefusedForWhatTheyAre() throws Exception {
        ExchangeApiTest.assertProblem(broker.post("/v1/exchange", "{\"binding\":\"deploy\"}"), 400, "invalid_request");
    }
}
