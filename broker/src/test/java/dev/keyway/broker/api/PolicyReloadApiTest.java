package dev.keyway.broker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyway.broker.policy.PolicyHolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A running broker picks up a good policy change, and keeps serving the old policy through a bad one. */
class PolicyReloadApiTest {

    private static final String POLICY = """
            apiVersion: keyway.dev/v1
            kind: Issuer
            metadata: {name: ci}
            spec: {type: github, issuer: "https://ci.test", jwks-file: "%s"}
            ---
            apiVersion: keyway.dev/v1
            kind: Binding
            metadata: {name: deploy}
            spec:
              issuer: ci
              match: {repository_id: "%s"}
              grant: {type: %s, audience: vault}
            """;

    @TempDir
    Path dir;

    @Test
    void goodEditsApplyAndBrokenEditsKeepThePreviousPolicy() throws Exception {
        TestIssuer ci = new TestIssuer("https://ci.test", "https://keyway.test");
        Path jwks = dir.resolve("ci.jwks.json");
        Files.writeString(jwks, ci.jwks());
        try (TestBroker broker = new TestBroker(dir, POLICY.formatted(jwks, "42", "jwt"), Map.of())) {
            PolicyHolder holder = broker.server.getApplicationContext().getBean(PolicyHolder.class);
            assertEquals(200, broker.post("/v1/exchange", TestBroker.body("deploy", ci.token())).statusCode());

            edit(broker, POLICY.formatted(jwks, "7", "jwt"), 1);
            holder.reloadIfChanged();
            assertEquals(403, broker.post("/v1/exchange", TestBroker.body("deploy", ci.token())).statusCode(), "the new policy applies");
            assertEquals(200, broker.post("/v1/exchange", TestBroker.body("deploy", ci.token(Map.of("repository_id", "7")))).statusCode());

            edit(broker, POLICY.formatted(jwks, "42", "teleport"), 2);
            holder.reloadIfChanged();
            assertEquals(200, broker.post("/v1/exchange", TestBroker.body("deploy", ci.token(Map.of("repository_id", "7")))).statusCode(),
                    "a broken edit leaves the previous policy in force");
            var readiness = broker.get("/health/readiness");
            assertEquals(200, readiness.statusCode(), "still ready: a policy is in force");
            assertTrue(readiness.body().contains("grant type 'teleport' is not implemented"), readiness.body());
        }
    }

    private static void edit(TestBroker broker, String policy, int version) throws Exception {
        Path file = broker.policyDir.resolve("policy.yaml");
        Files.writeString(file, policy);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(version)));
    }
}
