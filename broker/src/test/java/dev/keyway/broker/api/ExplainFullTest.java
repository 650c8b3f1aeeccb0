package dev.keyway.broker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With {@code keyway.explain: full} an operator's broker also shows what each condition expected. */
class ExplainFullTest {

    @TempDir
    Path dir;

    @Test
    void fullExplanationsShowTheExpectedValues() throws Exception {
        TestIssuer ci = new TestIssuer("https://ci.test", "https://keyway.test");
        try (TestBroker broker = TestBroker.trusting(dir, ci, "", """
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: deploy}
                spec:
                  issuer: ci
                  match: {repository_id: "42", ref: {glob: "refs/tags/v*"}}
                  grant: {type: jwt, audience: vault}
                """, Map.of("keyway.explain", "full"))) {
            JsonNode body = TestBroker.json(broker.post("/v1/explain", TestBroker.body("deploy", ci.token())));
            assertEquals("deny", body.get("decision").asText());
            assertEquals("42", body.get("conditions").get(0).get("expected").asText());
            assertEquals("{glob: refs/tags/v*}", body.get("conditions").get(1).get("expected").asText());
            assertEquals("refs/heads/main", body.get("conditions").get(1).get("actual").asText());
        }
    }
}
