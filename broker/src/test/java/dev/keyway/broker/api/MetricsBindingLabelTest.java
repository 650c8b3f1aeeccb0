package dev.keyway.broker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keyway.metrics.binding-label-limit}: bindings past it are counted under one shared label, on the real endpoint. */
class MetricsBindingLabelTest {

    @TempDir
    Path dir;

    @Test
    void theConfiguredLimitIsAppliedToTheDecisionCounters() throws Exception {
        TestIssuer ci = new TestIssuer("https://ci.test", "https://keyway.test");
        try (TestBroker broker = TestBroker.trusting(dir, ci, "", """
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: first}
                spec: {issuer: ci, match: {repository_id: "42"}, grant: {type: jwt, audience: a}}
                ---
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: second}
                spec: {issuer: ci, match: {repository_id: "42"}, grant: {type: jwt, audience: b}}
                """, Map.of("keyway.metrics.binding-label-limit", 1))) {
            assertEquals(200, broker.post("/v1/exchange", TestBroker.body("first", ci.token())).statusCode());
            assertEquals(200, broker.post("/v1/exchange", TestBroker.body("second", ci.token())).statusCode());
            String metrics = broker.get("/prometheus").body();
            assertTrue(metrics.contains("keyway_decisions_total{binding=\"first\",code=\"ok\",decision=\"allow\",event=\"exchange\"} 1.0"), metrics);
            assertTrue(metrics.contains("keyway_decisions_total{binding=\"_other\",code=\"ok\",decision=\"allow\",event=\"exchange\"} 1.0"), metrics);
            assertTrue(metrics.lines().noneMatch(line -> line.contains("binding=\"second\"")), "past the limit a binding has no series of its own");
        }
    }
}
