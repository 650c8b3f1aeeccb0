package dev.keyway.broker.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The aws grant end to end: a started broker exchanges a CI token at a WireMock STS, and the real
 * AWS CLI, reading the {@code aws-credential-process} output through {@code credential_process},
 * signs {@code sts get-caller-identity} with the credentials STS returned.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AwsCliTest {

    private static final String ROLE = "arn:aws:iam::123456789012:role/keyway-deploy";
    private static final String UNTRUSTED_ROLE = "arn:aws:iam::123456789012:role/not-trusting-keyway";
    private static final String ACCESS_KEY_ID = "ASIAKEYWAYCLITEST001";
    private static final String SECRET_ACCESS_KEY = "kEyWaYcLiTeStSeCrEt/K7MDENG/bPxRfiCYzEXAMPLE";
    private static final String SESSION_TOKEN = "FwoGZXIvYXdzEKEYWAYCLITESTSESSIONTOKEN//////////wEaDExampleSessionToken0123456789";

    @TempDir
    Path dir;

    private WireMockServer sts;
    private TestIssuer ci;
    private TestBroker broker;

    @BeforeAll
    void start(@TempDir Path brokerDir) throws Exception {
        sts = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        sts.start();
        ci = new TestIssuer("https://ci.test", "https://keyway.test");
        Files.writeString(brokerDir.resolve("ci.jwks.json"), ci.jwks());
        broker = new TestBroker(brokerDir, """
                apiVersion: keyway.dev/v1
                kind: Issuer
                metadata: {name: ci}
                spec: {type: github, issuer: "https://ci.test", jwks-file: "%1$s"}
                ---
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: aws-deploy}
                spec:
                  issuer: ci
                  match: {repository_id: "42", ref: refs/heads/main}
                  grant:
                    type: aws
                    max-ttl: 30m
                    role-arn: %2$s
                    region: us-east-1
                    session-tags: {repo: "{{repository}}", ref: "{{ref}}"}
                    transitive-tag-keys: [repo]
                    sts-endpoint: "http://127.0.0.1:%3$d"
                ---
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: aws-untrusted}
                spec:
                  issuer: ci
                  match: {repository_id: "42", ref: refs/heads/main}
                  grant:
                    type: aws
                    role-arn: %4$s
                    sts-endpoint: "http://127.0.0.1:%3$d"
                """.formatted(brokerDir.resolve("ci.jwks.json"), ROLE, sts.port(), UNTRUSTED_ROLE), Map.of());
    }

    @AfterAll
    void stop() {
        broker.close();
        sts.stop();
    }

    @BeforeEach
    void stubSts() {
        sts.resetAll();
        String expiration = Instant.now().plus(30, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS).toString();
        sts.stubFor(action("AssumeRoleWithWebIdentity").withRequestBody(containing("RoleArn=" + form(ROLE) + "&"))
                .willReturn(xml(200, """
                        <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                          <AssumeRoleWithWebIdentityResult>
                            <SubjectFromWebIdentityToken>aws-deploy:repo:acme/api:ref:refs/heads/main</SubjectFromWebIdentityToken>
                            <Audience>sts.amazonaws.com</Audience>
                            <AssumedRoleUser>
                              <Arn>arn:aws:sts::123456789012:assumed-role/keyway-deploy/aws-deploy-1001</Arn>
                              <AssumedRoleId>AROA3XFRBF535PLBIFPI4:aws-deploy-1001</AssumedRoleId>
                            </AssumedRoleUser>
                            <Credentials>
                              <SessionToken>%s</SessionToken>
                              <SecretAccessKey>%s</SecretAccessKey>
                              <Expiration>%s</Expiration>
                              <AccessKeyId>%s</AccessKeyId>
                            </Credentials>
                            <Provider>keyway.test</Provider>
                          </AssumeRoleWithWebIdentityResult>
                          <ResponseMetadata><RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId></ResponseMetadata>
                        </AssumeRoleWithWebIdentityResponse>
                        """.formatted(SESSION_TOKEN, SECRET_ACCESS_KEY, expiration, ACCESS_KEY_ID))));
        sts.stubFor(action("AssumeRoleWithWebIdentity").withRequestBody(containing("RoleArn=" + form(UNTRUSTED_ROLE) + "&"))
                .willReturn(xml(403, """
                        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                          <Error>
                            <Type>Sender</Type>
                            <Code>AccessDenied</Code>
                            <Message>Not authorized to perform sts:AssumeRoleWithWebIdentity</Message>
                          </Error>
                          <RequestId>5e1b1cd4-0b5a-4f4c-9d3e-6c1f7a1b2c3d</RequestId>
                        </ErrorResponse>
                        """)));
        sts.stubFor(action("GetCallerIdentity").willReturn(xml(200, """
                <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <GetCallerIdentityResult>
                    <Arn>arn:aws:sts::123456789012:assumed-role/keyway-deploy/aws-deploy-1001</Arn>
                    <UserId>AROA3XFRBF535PLBIFPI4:aws-deploy-1001</UserId>
                    <Account>123456789012</Account>
                  </GetCallerIdentityResult>
                  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
                </GetCallerIdentityResponse>
                """)));
    }

    private static MappingBuilder action(String action) {
        return post(urlEqualTo("/")).withRequestBody(containing("Action=" + action + "&"));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder xml(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "text/xml").withBody(body);
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static Map<String, String> formOf(LoggedRequest request) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : request.getBodyAsString().split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private List<LoggedRequest> requests(String action) {
        return sts.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=" + action + "&")));
    }

    @Test
    void theAwsCliSignsWithTheCredentialsKeywayReturnedThroughCredentialProcess() throws Exception {
        HttpResponse<String> response = broker.post("/v1/exchange",
                TestBroker.body("aws-deploy", ci.token(), "format", "aws-credential-process", "ttl", "20m"));
        assertEquals(200, response.statusCode(), response.body());
        JsonNode output = TestBroker.json(response);
        assertEquals(1, output.get("Version").asInt());
        assertEquals(ACCESS_KEY_ID, output.get("AccessKeyId").asText());
        assertEquals(SECRET_ACCESS_KEY, output.get("SecretAccessKey").asText());
        assertEquals(SESSION_TOKEN, output.get("SessionToken").asText());
        assertTrue(Instant.parse(output.get("Expiration").asText()).isAfter(Instant.now().plus(25, ChronoUnit.MINUTES)));

        // What STS was asked: the web identity token is the broker's, verifiable with its published JWKS.
        Map<String, String> assume = formOf(requests("AssumeRoleWithWebIdentity").get(0));
        assertEquals(ROLE, assume.get("RoleArn"));
        assertEquals("aws-deploy-1001", assume.get("RoleSessionName"), "default session name: <binding>-<run_id>");
        assertEquals("1200", assume.get("DurationSeconds"));
        SignedJWT token = SignedJWT.parse(assume.get("WebIdentityToken"));
        JWKSet jwks = JWKSet.parse(broker.get("/.well-known/jwks.json").body());
        assertTrue(token.verify(new ECDSAVerifier(jwks.getKeyByKeyId(token.getHeader().getKeyID()).toECKey())));
        JWTClaimsSet claims = token.getJWTClaimsSet();
        assertEquals("https://keyway.test", claims.getIssuer());
        assertEquals(List.of("sts.amazonaws.com"), claims.getAudience());
        assertEquals("aws-deploy:repo:acme/api:ref:refs/heads/main", claims.getSubject());
        assertEquals(Map.of("principal_tags", Map.of("repo", List.of("acme/api"), "ref", List.of("refs/heads/main")),
                "transitive_tag_keys", List.of("repo")), claims.getJSONObjectClaim("https://aws.amazon.com/tags"));

        // The real AWS CLI, configured only through a temporary config file.
        Path credentials = dir.resolve("credential-process.json");
        Files.writeString(credentials, response.body());
        Path script = dir.resolve("keyway-credentials.sh");
        Files.writeString(script, "#!/bin/sh\nexec cat '" + credentials + "'\n");
        assertTrue(script.toFile().setExecutable(true));
        Path config = dir.resolve("aws-config");
        Files.writeString(config, "[default]\ncredential_process = " + script + "\n");
        Path sharedCredentials = dir.resolve("aws-credentials");
        Files.writeString(sharedCredentials, "");

        ProcessBuilder cli = new ProcessBuilder("aws", "sts", "get-caller-identity", "--endpoint-url", "http://127.0.0.1:" + sts.port(),
                "--region", "us-east-1", "--output", "json").redirectErrorStream(true);
        cli.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
        cli.environment().put("AWS_CONFIG_FILE", config.toString());
        cli.environment().put("AWS_SHARED_CREDENTIALS_FILE", sharedCredentials.toString());
        Process process;
        try {
            process = cli.start();
        } catch (IOException e) {
            throw new AssertionError("this test runs the real AWS CLI: install it (Debian: apt-get install awscli)", e);
        }
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("aws sts get-caller-identity did not finish: " + printed);
        }
        assertEquals(0, process.exitValue(), printed);
        JsonNode identity = TestBroker.JSON.readTree(printed);
        assertEquals("arn:aws:sts::123456789012:assumed-role/keyway-deploy/aws-deploy-1001", identity.get("Arn").asText());
        assertEquals("123456789012", identity.get("Account").asText());

        // The CLI signed with exactly what Keyway returned.
        List<LoggedRequest> calls = requests("GetCallerIdentity");
        assertEquals(1, calls.size());
        LoggedRequest call = calls.get(0);
        SigV4.Authorization auth = SigV4.parse(call.getHeader("Authorization"));
        assertEquals(ACCESS_KEY_ID, auth.accessKeyId(), "Credential=<the returned access key id>/...");
        assertEquals("us-east-1", auth.region());
        assertEquals("sts", auth.service());
        assertEquals(SESSION_TOKEN, call.getHeader("X-Amz-Security-Token"));
        assertTrue(auth.signedHeaders().contains("x-amz-security-token"), auth.signedHeaders());
        assertTrue(SigV4.signedWith(call, SECRET_ACCESS_KEY), "the signature is the one the returned secret access key gives");
        assertFalse(SigV4.signedWith(call, SECRET_ACCESS_KEY + "x"), "the check can fail");

        // Audit: the session name as the credential's id, and no secret anywhere in the trail.
        JsonNode event = broker.auditEvents().stream().filter(e -> e.path("binding").asText().equals("aws-deploy"))
                .reduce((a, b) -> b).orElseThrow();
        assertEquals("allow", event.get("decision").asText());
        assertEquals("aws", event.get("grant").asText());
        assertEquals("aws-deploy-1001", event.get("credential").get("id").asText());
        String trail = Files.readString(broker.auditFile);
        assertFalse(trail.contains(SECRET_ACCESS_KEY) || trail.contains(SESSION_TOKEN) || trail.contains(assume.get("WebIdentityToken")));
    }

    @Test
    void theEnvFormatGivesTheAwsVariables() throws Exception {
        HttpResponse<String> response = broker.post("/v1/exchange", TestBroker.body("aws-deploy", ci.token(), "format", "env"));
        assertEquals(200, response.statusCode(), response.body());
        List<String> lines = response.body().lines().toList();
        assertTrue(lines.contains("AWS_ACCESS_KEY_ID=" + ACCESS_KEY_ID), response.body());
        assertTrue(lines.contains("AWS_SECRET_ACCESS_KEY=" + SECRET_ACCESS_KEY));
        assertTrue(lines.contains("AWS_SESSION_TOKEN=" + SESSION_TOKEN));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("KEYWAY_EXPIRES_AT=")));
        assertEquals("1800", formOf(requests("AssumeRoleWithWebIdentity").get(0)).get("DurationSeconds"), "no ttl: the max-ttl, 30m");
    }

    @Test
    void theJsonFormatCarriesTheContractsAwsFields() throws Exception {
        HttpResponse<String> response = broker.post("/v1/exchange", TestBroker.body("aws-deploy", ci.token()));
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = TestBroker.json(response);
        assertEquals("aws", body.get("type").asText());
        JsonNode credentials = body.get("credentials");
        assertEquals(List.of("accessKeyId", "secretAccessKey", "sessionToken", "expiration", "assumedRoleArn"),
                List.copyOf(iterable(credentials.fieldNames())));
        assertEquals("arn:aws:sts::123456789012:assumed-role/keyway-deploy/aws-deploy-1001", credentials.get("assumedRoleArn").asText());
        assertEquals(Instant.parse(body.get("expiresAt").asText()),
                java.time.OffsetDateTime.parse(credentials.get("expiration").asText()).toInstant());
    }

    @Test
    void aRoleThatDoesNotTrustKeywayIsA502UpstreamDeniedWithAwsOwnCode() throws Exception {
        HttpResponse<String> response = broker.post("/v1/exchange", TestBroker.body("aws-untrusted", ci.token()));
        assertEquals(502, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        JsonNode problem = TestBroker.json(response);
        assertEquals("upstream_denied", problem.get("code").asText());
        JsonNode upstream = problem.get("upstream");
        assertEquals("sts", upstream.get("service").asText());
        assertEquals("AccessDenied", upstream.get("code").asText());
        assertEquals("Not authorized to perform sts:AssumeRoleWithWebIdentity", upstream.get("message").asText());
        assertEquals(UNTRUSTED_ROLE, upstream.get("role").asText());
        assertEquals("aws-untrusted:repo:acme/api:ref:refs/heads/main", upstream.get("sub").asText());
        assertTrue(problem.get("detail").asText().contains(UNTRUSTED_ROLE), problem.get("detail").asText());
        assertTrue(problem.get("detail").asText().contains("keyway.test:sub"), problem.get("detail").asText());
        JsonNode event = broker.auditEvents().get(broker.auditEvents().size() - 1);
        assertEquals("deny", event.get("decision").asText());
        assertEquals("upstream_denied", event.get("code").asText());
        assertEquals(1, requests("AssumeRoleWithWebIdentity").size(), "a refusal is not retried");
    }

    @Test
    void theExecCredentialFormatCannotCarryAwsCredentials() throws Exception {
        HttpResponse<String> response = broker.post("/v1/exchange",
                TestBroker.body("aws-deploy", ci.token(), "format", "exec-credential"));
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("invalid_request", TestBroker.json(response).get("code").asText());
        assertEquals(List.of(), requests("AssumeRoleWithWebIdentity"), "refused before STS is called");
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
