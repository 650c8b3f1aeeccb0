package dev.keyway.broker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hundreds of parallel exchanges: every request gets exactly one audit event, allowed or not. */
class ConcurrentExchangesTest {

    private static final int REQUESTS = 300;

    @TempDir
    Path dir;

    @Test
    void everyRequestIsAuditedExactlyOnceUnderConcurrency() throws Exception {
        TestIssuer ci = new TestIssuer("https://ci.test", "https://keyway.test");
        try (TestBroker broker = TestBroker.trusting(dir, ci, "", TestBroker.DEPLOY_BINDING, Map.of())) {
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                // every third caller is another repository: a mix of allow and deny
                tokens.add(ci.token(i % 3 == 0 ? Map.of("repository_id", "7") : Map.of()));
            }
            ExecutorService pool = Executors.newFixedThreadPool(32);
            List<Future<HttpResponse<String>>> responses = new ArrayList<>();
            for (String token : tokens) {
                responses.add(pool.submit(() -> broker.post("/v1/exchange", TestBroker.body("deploy", token))));
            }
            Set<String> requestIds = new HashSet<>();
            int allowed = 0;
            for (Future<HttpResponse<String>> response : responses) {
                HttpResponse<String> r = response.get();
                requestIds.add(r.headers().firstValue("X-Request-Id").orElseThrow());
                allowed += r.statusCode() == 200 ? 1 : 0;
            }
            pool.shutdown();
            assertEquals(REQUESTS * 2 / 3, allowed);
            List<JsonNode> events = broker.auditEvents();
            assertEquals(REQUESTS, events.size(), "one audit line per request, none torn or lost");
            Set<String> audited = new HashSet<>();
            events.forEach(e -> audited.add(e.get("requestId").asText()));
            assertEquals(requestIds, audited);
            assertEquals(allowed, events.stream().filter(e -> e.get("decision").asText().equals("allow")).count());
        }
    }
}
