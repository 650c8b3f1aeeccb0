package dev.keyway.broker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyway.broker.keys.SshCa;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ssh grant end to end: a job's ssh-keygen key, a certificate from the broker, and a real
 * sshd that trusts only the CA keys {@code /v1/ca/ssh} serves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SshGrantApiTest {

    private static final String USER = System.getProperty("user.name");

    @TempDir
    static Path dir;

    private TestIssuer ci;
    private TestBroker broker;
    private Sshd sshd;
    private Path jobKey;
    private String jobPublicKey;

    @BeforeAll
    void start() throws Exception {
        SshCa.init(dir.resolve("keys"));
        ci = new TestIssuer("https://ci.test", "https://keyway.test");
        broker = TestBroker.trusting(dir, ci, "", """
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: ops-login}
                spec:
                  issuer: ci
                  match: {repository_id: "42"}
                  grant:
                    type: ssh
                    max-ttl: 1h
                    principals: ["%1$s", "ci-{{repository_id}}"]
                ---
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: other-user}
                spec:
                  issuer: ci
                  match: {repository_id: "42"}
                  grant: {type: ssh, principals: ["not-%1$s"]}
                ---
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: forced}
                spec:
                  issuer: ci
                  match: {repository_id: "42"}
                  grant:
                    type: ssh
                    principals: ["%1$s"]
                    key-id: "deploy {{repository}} run {{run_id}}"
                    critical-options: {force-command: "echo forced-by-keyway"}
                ---
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: elsewhere}
                spec:
                  issuer: ci
                  match: {repository_id: "42"}
                  grant:
                    type: ssh
                    principals: ["%1$s"]
                    critical-options: {source-address: "192.0.2.0/24"}
                ---
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: by-actor}
                spec:
                  issuer: ci
                  match: {repository_id: "42"}
                  grant: {type: ssh, principals: ["{{actor}}"]}
                """.formatted(USER), Map.of());
        Path job = Files.createDirectories(dir.resolve("job"));
        Tools.ok(job, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "job@ci", "-f", "id_ed25519");
        jobKey = job.resolve("id_ed25519");
        jobPublicKey = Files.readString(job.resolve("id_ed25519.pub")).strip();
        HttpResponse<String> ca = broker.get("/v1/ca/ssh");
        assertEquals(200, ca.statusCode(), ca.body());
        Path trusted = Files.writeString(dir.resolve("trusted_user_ca_keys"), ca.body());
        sshd = Sshd.start(dir.resolve("sshd"), List.of("TrustedUserCAKeys " + trusted, "AuthorizedKeysFile none"));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (sshd != null) {
                sshd.close();
            }
        } finally {
            broker.close();
        }
    }

    private JsonNode exchange(String binding, Map<String, Object> claims, String ttl) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("binding", binding);
        body.put("token", ci.token(claims));
        body.put("publicKey", jobPublicKey);
        body.put("ttl", ttl);
        HttpResponse<String> response = broker.post("/v1/exchange", TestBroker.JSON.writeValueAsString(body));
        assertEquals(200, response.statusCode(), response.body());
        return TestBroker.json(response);
    }

    private Path certificate(JsonNode response, String name) throws Exception {
        return Files.writeString(dir.resolve("job").resolve(name + "-cert.pub"), response.get("credentials").get("certificate").asText() + "\n");
    }

    @Test
    void theServedCaKeysAreTrustedUserCaKeysLinesAndCertAuthorityLines() throws Exception {
        HttpResponse<String> plain = broker.get("/v1/ca/ssh");
        assertTrue(plain.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
        assertEquals(List.of(Files.readString(dir.resolve("keys").resolve(SshCa.PUBLIC_FILE)).strip()), plain.body().lines().toList());
        String authorizedKeys = broker.get("/v1/ca/ssh?format=authorized_keys").body();
        assertEquals("cert-authority " + plain.body(), authorizedKeys);
        assertEquals(400, broker.get("/v1/ca/ssh?format=known_hosts").statusCode());
    }

    @Test
    void sshdLetsTheJobInWithItsCertificateAndLogsItsKeyIdAndSerial() throws Exception {
        JsonNode response = exchange("ops-login", Map.of(), "10m");
        JsonNode credentials = response.get("credentials");
        Path cert = certificate(response, "login");
        Tools.Result login = sshd.ssh(dir, USER, jobKey, cert, "echo keyway-login-ok");
        assertEquals(0, login.exit(), login.output() + sshd.log());
        assertEquals("keyway-login-ok", login.output().strip());
        String keyId = credentials.get("keyId").asText();
        assertEquals("keyway:ops-login:repo:acme/api:ref:refs/heads/main:run=1001", keyId);
        assertTrue(sshd.log().contains("Accepted certificate ID \"" + keyId + "\" (serial " + credentials.get("serial").asText() + ")"),
                sshd.log());
    }

    @Test
    void sshKeygenShowsThePrincipalsKeyIdAndValidity() throws Exception {
        Instant before = Instant.now();
        JsonNode response = exchange("ops-login", Map.of(), "10m");
        String listing = Tools.ok(dir, "ssh-keygen", "-L", "-f", certificate(response, "listing").toString());
        assertTrue(listing.contains("Principals: \n                " + USER + "\n                ci-42\n"), listing);
        assertTrue(listing.contains("Key ID: \"keyway:ops-login:repo:acme/api:ref:refs/heads/main:run=1001\""), listing);
        assertTrue(listing.contains("Extensions: \n                permit-pty\n"), listing);
        Instant expires = Instant.parse(response.get("expiresAt").asText());
        String to = LocalDateTime.ofInstant(expires, ZoneId.systemDefault()).format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss"));
        assertTrue(listing.contains(" to " + to + "\n"), listing + " expected to " + to);
        assertTrue(expires.getEpochSecond() - before.getEpochSecond() <= 600 && expires.getEpochSecond() - before.getEpochSecond() >= 598,
                "the asked ttl: " + expires);
        assertEquals(List.of(USER, "ci-42"), TestBroker.JSON.convertValue(response.get("credentials").get("principals"), List.class));
    }

    @Test
    void aCertificateForAnotherPrincipalIsRefused() throws Exception {
        Path cert = certificate(exchange("other-user", Map.of(), "10m"), "other");
        int mark = sshd.log().length();
        Tools.Result login = sshd.ssh(dir, USER, jobKey, cert, "true");
        assertTrue(login.exit() != 0, login.output());
        assertTrue(login.output().contains("Permission denied"), login.output());
        assertTrue(sshd.log().substring(mark).contains("name is not a listed principal"), sshd.log());
    }

    @Test
    void anExpiredCertificateIsRefused() throws Exception {
        JsonNode response = exchange("ops-login", Map.of(), "1s");
        Path cert = certificate(response, "expired");
        Instant expires = Instant.parse(response.get("expiresAt").asText());
        while (!Instant.now().isAfter(expires.plusSeconds(1))) {
            Thread.sleep(200);
        }
        int mark = sshd.log().length();
        Tools.Result login = sshd.ssh(dir, USER, jobKey, cert, "true");
        assertTrue(login.exit() != 0, login.output());
        assertTrue(login.output().contains("Permission denied"), login.output());
        assertTrue(sshd.log().substring(mark).contains("Certificate invalid: expired"), sshd.log());
    }

    @Test
    void aForceCommandRunsInsteadOfWhatTheJobAsks() throws Exception {
        JsonNode response = exchange("forced", Map.of(), "10m");
        assertEquals("deploy acme/api run 1001", response.get("credentials").get("keyId").asText());
        Tools.Result login = sshd.ssh(dir, USER, jobKey, certificate(response, "forced"), "echo the-job-asked-for-this");
        assertEquals(0, login.exit(), login.output());
        assertEquals("forced-by-keyway", login.output().strip());
    }

    @Test
    void aSourceAddressOutsideTheListIsRefused() throws Exception {
        Path cert = certificate(exchange("elsewhere", Map.of(), "10m"), "elsewhere");
        int mark = sshd.log().length();
        Tools.Result login = sshd.ssh(dir, USER, jobKey, cert, "true");
        assertTrue(login.exit() != 0, login.output());
        assertTrue(login.output().contains("Permission denied"), login.output());
        assertTrue(sshd.log().substring(mark).contains("not from a permitted source address (127.0.0.1)"), sshd.log());
    }

    @Test
    void aClaimCannotAddAPrincipal() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("binding", "by-actor");
        body.put("token", ci.token(Map.of("actor", USER + ",admin")));
        body.put("publicKey", jobPublicKey);
        HttpResponse<String> response = broker.post("/v1/exchange", TestBroker.JSON.writeValueAsString(body));
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("invalid_request", TestBroker.json(response).get("code").asText());
        assertFalse(response.body().contains(USER + ",admin"), "the message names the claim, not its value");
    }

    @Test
    void aWeakKeyOrACsrIsInvalidRequest() throws Exception {
        Path job = dir.resolve("job");
        Tools.ok(job, "ssh-keygen", "-q", "-t", "rsa", "-b", "1024", "-N", "", "-f", "weak");
        for (Map.Entry<String, String> input : Map.of("publicKey", Files.readString(job.resolve("weak.pub")),
                "csr", "-----BEGIN CERTIFICATE REQUEST-----\n").entrySet()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("binding", "ops-login");
            body.put("token", ci.token());
            body.put(input.getKey(), input.getValue());
            HttpResponse<String> response = broker.post("/v1/exchange", TestBroker.JSON.writeValueAsString(body));
            assertEquals(400, response.statusCode(), response.body());
            assertEquals("invalid_request", TestBroker.json(response).get("code").asText());
        }
    }

    @Test
    void theEnvFormatGivesACertificateLineSshAccepts() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("binding", "ops-login");
        body.put("token", ci.token());
        body.put("publicKey", jobPublicKey);
        body.put("format", "env");
        HttpResponse<String> response = broker.post("/v1/exchange", TestBroker.JSON.writeValueAsString(body));
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("KEYWAY_PRINCIPALS=" + USER + ",ci-42\n"), response.body());
        Path job = dir.resolve("job");
        Files.writeString(job.resolve("keyway.env"), response.body());
        Tools.ok(job, "sh", "-c", "set -a; . ./keyway.env; printf '%s\\n' \"$KEYWAY_CERTIFICATE\" > env-cert.pub");
        Tools.Result login = sshd.ssh(dir, USER, jobKey, job.resolve("env-cert.pub"), "echo env-ok");
        assertEquals("env-ok", login.output().strip(), login.output());
    }

    /** The other way to trust the CA: a cert-authority line in the user's authorized_keys. */
    @Test
    void aCertAuthorityLineInAuthorizedKeysAlsoLetsTheJobIn() throws Exception {
        Path authorizedKeys = Files.writeString(dir.resolve("authorized_keys"), broker.get("/v1/ca/ssh?format=authorized_keys").body());
        try (Sshd viaAuthorizedKeys = Sshd.start(dir.resolve("sshd-ak"), List.of("AuthorizedKeysFile " + authorizedKeys))) {
            Path cert = certificate(exchange("ops-login", Map.of(), "10m"), "ak");
            Tools.Result login = viaAuthorizedKeys.ssh(dir, USER, jobKey, cert, "echo ak-ok");
            assertEquals(0, login.exit(), login.output() + viaAuthorizedKeys.log());
            assertEquals("ak-ok", login.output().strip());
        }
    }
}
