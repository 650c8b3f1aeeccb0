package dev.keyway.broker.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyway.broker.keys.SigningKeys;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A real broker on a random loopback port, with its policy, keys and audit file in a temp dir. */
final class TestBroker implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    /** The one binding many API tests need: TestIssuer's default caller (repository 42) gets a jwt for vault. */
    static final String DEPLOY_BINDING = """
            apiVersion: keyway.dev/v1
            kind: Binding
            metadata: {name: deploy}
            spec:
              issuer: ci
              match: {repository_id: "42"}
              grant: {type: jwt, audience: vault}
            """;

    final EmbeddedServer server;
    final Path auditFile;
    final Path policyDir;
    private final HttpClient http = HttpClient.newHttpClient();

    TestBroker(Path dir, String policy, Map<String, Object> extraProperties) throws IOException {
        policyDir = dir.resolve("policy");
        Files.createDirectories(policyDir);
        Files.writeString(policyDir.resolve("policy.yaml"), policy);
        Path keys = dir.resolve("keys");
        SigningKeys.init(keys);
        auditFile = dir.resolve("audit.jsonl");
        Map<String, Object> properties = new HashMap<>();
        properties.put("micronaut.server.port", -1);
        properties.put("micronaut.server.host", "127.0.0.1");
        properties.put("keyway.public-url", "https://keyway.test");
        properties.put("keyway.policy.paths", List.of(policyDir.toString()));
        properties.put("keyway.keys.dir", keys.toString());
        properties.put("keyway.audit.sinks", List.of("file:" + auditFile));
        properties.putAll(extraProperties);
        server = ApplicationContext.run(EmbeddedServer.class, properties);
    }

    /**
     * A broker trusting one test issuer, {@code https://ci.test} (github profile), whose JWKS is
     * written to {@code dir}; {@code issuerExtras} adds spec fields ("replay: off"), {@code bindings}
     * are the Binding documents.
     */
    static TestBroker trusting(Path dir, TestIssuer issuer, String issuerExtras, String bindings, Map<String, Object> properties)
            throws IOException {
        Path jwks = dir.resolve("issuer.jwks.json");
        Files.writeString(jwks, issuer.jwks());
        String extras = issuerExtras.isEmpty() ? "" : ", " + issuerExtras;
        return new TestBroker(dir, """
                apiVersion: keyway.dev/v1
                kind: Issuer
                metadata: {name: ci}
                spec: {type: github, issuer: "%s", jwks-file: "%s"%s}
                ---
                """.formatted(issuer.iss, jwks, extras) + bindings, properties);
    }

    HttpResponse<String> post(String path, String body, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.getURL() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return post(path, body, Map.of());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(server.getURL() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String body(String binding, String token, String... more) {
        StringBuilder json = new StringBuilder("{\"binding\":\"" + binding + "\"");
        if (token != null) {
            json.append(",\"token\":\"").append(token).append('"');
        }
        for (int i = 0; i + 1 < more.length; i += 2) {
            json.append(",\"").append(more[i]).append("\":\"").append(more[i + 1]).append('"');
        }
        return json.append('}').toString();
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    List<JsonNode> auditEvents() throws IOException {
        if (!Files.exists(auditFile)) {
            return List.of();
        }
        List<JsonNode> events = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(auditFile)) {
            events.add(JSON.readTree(line));
        }
        return events;
    }

    @Override
    public void close() {
        server.getApplicationContext().close();
    }
}
