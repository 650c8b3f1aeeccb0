package dev.keyway.broker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyway.broker.store.RealRedis;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two brokers sharing one real Redis: replay and rate limits hold across replicas, and outages are explicit. */
class SharedStoreTest {

    private static final String BINDINGS = TestBroker.DEPLOY_BINDING + """
            ---
            apiVersion: keyway.dev/v1
            kind: Binding
            metadata: {name: other}
            spec:
              issuer: ci
              match: {repository_id: "43"}
              grant: {type: jwt, audience: vault}
            """;

    @TempDir
    Path dir;

    private RealRedis redis;
    private TestIssuer ci;

    @BeforeEach
    void start() throws Exception {
        redis = new RealRedis();
        ci = new TestIssuer("https://ci.test", "https://keyway.test");
    }

    @AfterEach
    void stop() throws Exception {
        redis.close();
    }

    private TestBroker broker(String name, Map<String, Object> extra) throws Exception {
        Path home = Files.createDirectories(dir.resolve(name));
        Map<String, Object> properties = new java.util.HashMap<>(Map.of(
                "keyway.store.type", "redis", "keyway.store.redis-uri", redis.uri()));
        properties.putAll(extra);
        return TestBroker.trusting(home, ci, "", BINDINGS, properties);
    }

    @Test
    void aTokenExchangedOnOneReplicaIsAReplayOnTheOther() throws Exception {
        try (TestBroker a = broker("a", Map.of()); TestBroker b = broker("b", Map.of())) {
            String token = ci.token();
            assertEquals(200, a.post("/v1/exchange", TestBroker.body("deploy", token)).statusCode());
            ExchangeApiTest.assertProblem(b.post("/v1/exchange", TestBroker.body("deploy", token)), 401, "token_replayed");
        }
    }

    @Test
    void aRequestRefusedForItsTtlOrFormatKeepsItsTokenUnspent() throws Exception {
        Map<String, Object> limits = Map.of("keyway.limits.rate.per-identity", "100/h", "keyway.limits.rate.per-binding", "100/h");
        try (TestBroker a = broker("a", limits)) {
            String token = ci.token();
            ExchangeApiTest.assertProblem(a.post("/v1/exchange", TestBroker.body("deploy", token, "ttl", "forever")), 400, "invalid_request");
            ExchangeApiTest.assertProblem(a.post("/v1/exchange", TestBroker.body("deploy", token, "format", "aws-credential-process")),
                    400, "invalid_request");
            assertEquals(200, a.post("/v1/exchange", TestBroker.body("deploy", token)).statusCode(), "rate checked, replay not spent");
            ExchangeApiTest.assertProblem(a.post("/v1/exchange", TestBroker.body("deploy", token)), 401, "token_replayed");
        }
    }

    @Test
    void rateLimitsHoldAcrossReplicasAndSayWhenToRetry() throws Exception {
        Map<String, Object> limits = Map.of("keyway.limits.rate.per-identity", "3/h", "keyway.limits.rate.per-binding", "100/h");
        try (TestBroker a = broker("a", limits); TestBroker b = broker("b", limits)) {
            assertEquals(200, a.post("/v1/exchange", TestBroker.body("deploy", ci.token())).statusCode());
            assertEquals(200, b.post("/v1/exchange", TestBroker.body("deploy", ci.token())).statusCode());
            assertEquals(200, a.post("/v1/exchange", TestBroker.body("deploy", ci.token())).statusCode());
            HttpResponse<String> limited = b.post("/v1/exchange", TestBroker.body("deploy", ci.token()));
            ExchangeApiTest.assertProblem(limited, 429, "rate_limited");
            long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter > 0 && retryAfter <= 1200, "one permit of 3/h refills in 20 minutes: " + retryAfter);
            assertEquals(200, b.post("/v1/exchange", TestBroker.body("other",
                    ci.token(Map.of("repository_id", "43")))).statusCode(), "another caller is not limited by this one");
        }
    }

    @Test
    void withRedisDownTheBrokerFailsClosedAuditsTheRefusalAndRecoversOnItsOwn() throws Exception {
        try (TestBroker broker = broker("a", Map.of())) {
            assertEquals(200, broker.post("/v1/exchange", TestBroker.body("deploy", ci.token())).statusCode());
            redis.stop();
            HttpResponse<String> refused = broker.post("/v1/exchange", TestBroker.body("deploy", ci.token()));
            ExchangeApiTest.assertProblem(refused, 503, "unavailable");
            assertTrue(refused.headers().firstValue("Retry-After").isPresent());
            List<JsonNode> events = broker.auditEvents();
            assertEquals("unavailable", events.get(events.size() - 1).get("code").asText(), "the refusal is audited");
            assertEquals(503, broker.get("/health/readiness").statusCode(), "a replica that refuses everything is not ready");

            redis.start();
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
            int status = 0;
            while (status != 200 && System.nanoTime() < deadline) {
                Thread.sleep(250);
                status = broker.post("/v1/exchange", TestBroker.body("deploy", ci.token())).statusCode();
            }
            assertEquals(200, status, "recovered without a restart");
            assertEquals(200, broker.get("/health/readiness").statusCode());
        }
    }

    @Test
    void theAuditStreamHoldsExactlyTheDecisionsOfEveryReplicaAndFallsBackWhenRedisIsDown() throws Exception {
        Map<String, Object> stream = Map.of("keyway.audit.sinks", List.of("redis-stream"));
        try (TestBroker a = broker("a", stream); TestBroker b = broker("b", stream);
             var client = io.lettuce.core.RedisClient.create(redis.uri()); var connection = client.connect()) {
            List<String> requestIds = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                TestBroker target = i % 2 == 0 ? a : b;
                String token = ci.token(i % 3 == 0 ? Map.of("repository_id", "666") : Map.of());
                requestIds.add(target.post("/v1/exchange", TestBroker.body("deploy", token)).headers().firstValue("X-Request-Id").orElseThrow());
            }
            var entries = connection.sync().xrange("keyway:audit", io.lettuce.core.Range.create("-", "+"));
            assertEquals(6, entries.size());
            List<String> streamed = new java.util.ArrayList<>();
            int denied = 0;
            for (var entry : entries) {
                String json = entry.getBody().get("event");
                assertTrue(json.startsWith("{\"time\":") && json.endsWith("}"), "one JSON object, without the file line's newline");
                JsonNode event = TestBroker.JSON.readTree(json);
                streamed.add(event.get("requestId").asText());
                denied += event.get("decision").asText().equals("deny") ? 1 : 0;
            }
            assertEquals(new java.util.HashSet<>(requestIds), new java.util.HashSet<>(streamed));
            assertEquals(2, denied);

            redis.stop();
            a.post("/v1/exchange", TestBroker.body("deploy", ci.token()));
            assertTrue(a.get("/prometheus").body().contains("keyway_audit_fallback_total 1.0"),
                    "an event Redis could not take went to stdout, counted");
        }
    }

    @Test
    void failingOpenLetsExchangesThroughMarkedAsUncheckedForReplay() throws Exception {
        try (TestBroker broker = broker("a", Map.of("keyway.store.on-failure", "allow-without-replay-check",
                "keyway.limits.rate.per-identity", "100/h", "keyway.limits.rate.per-binding", "100/h"))) {
            redis.stop();
            String token = ci.token();
            assertEquals(200, broker.post("/v1/exchange", TestBroker.body("deploy", token)).statusCode());
            assertEquals(200, broker.post("/v1/exchange", TestBroker.body("deploy", token)).statusCode(),
                    "the replay cannot be seen while Redis is down: that is the trade this mode makes");
            List<JsonNode> events = broker.auditEvents();
            assertEquals("skipped", events.get(events.size() - 1).get("replayCheck").asText());
            ExchangeApiTest.assertProblem(broker.post("/v1/exchange", TestBroker.body("deploy", token, "ttl", "forever")),
                    400, "invalid_request"); // failing open skips the store, not the request's own checks
            assertEquals(200, broker.get("/health/readiness").statusCode(), "failing open, the replica stays in rotation");
        }
    }
}
