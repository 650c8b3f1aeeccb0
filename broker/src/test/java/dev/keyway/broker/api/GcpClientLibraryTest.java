package dev.keyway.broker.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URL;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Google's own client library consumes {@code format: gcp-executable}: a credential configuration
 * file, exactly as docs/clouds/gcp.md shows it, names a script that asks Keyway for the
 * executable response; the Google Auth Library runs it, exchanges the Keyway JWT at (stand-in)
 * STS and impersonates the service account at (stand-in) IAM Credentials. The library runs in a
 * child JVM because it only runs executables with GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES=1 in
 * its environment.
 */
class GcpClientLibraryTest {

    private static final String PROVIDER =
            "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/keyway/providers/keyway";
    private static final String SERVICE_ACCOUNT = "deployer@acme-prod.iam.gserviceaccount.com";
    private static final String FEDERATED = "ya29.d.client-library-federated";
    private static final String IMPERSONATED = "ya29.c.client-library-impersonated";

    @TempDir
    Path dir;

    @Test
    void googlesAuthLibraryRunsKeywayAsItsExecutableCredentialSource() throws Exception {
        TestIssuer ci = new TestIssuer("https://ci.test", "https://keyway.test");
        Files.writeString(dir.resolve("ci.jwks.json"), ci.jwks());
        WireMockServer google = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        google.start();
        google.stubFor(post(urlEqualTo("/v1/token")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("""
                        {"access_token": "%s", "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
                         "token_type": "Bearer", "expires_in": 3599}""".formatted(FEDERATED))));
        google.stubFor(post(urlPathEqualTo("/v1/projects/-/serviceAccounts/" + SERVICE_ACCOUNT + ":generateAccessToken"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("""
                        {"accessToken": "%s", "expireTime": "%s"}""".formatted(IMPERSONATED,
                        Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS)))));
        try (TestBroker broker = new TestBroker(dir, """
                apiVersion: keyway.dev/v1
                kind: Issuer
                metadata: {name: ci}
                spec: {type: github, issuer: "https://ci.test", jwks-file: "%s", replay: "off"}
                ---
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: gcp-deploy}
                spec:
                  issuer: ci
                  match: {repository_id: "42", ref: refs/heads/main}
                  grant: {type: gcp, max-ttl: 30m, workload-identity-provider: "%s", service-account: %s}
                """.formatted(dir.resolve("ci.jwks.json"), PROVIDER, SERVICE_ACCOUNT), Map.of())) {
            Path tokenFile = dir.resolve("job-token");
            Files.writeString(tokenFile, ci.token());
            Path executable = dir.resolve("keyway-gcp-credential");
            Files.writeString(executable, """
                    #!/bin/sh
                    exec curl -sf -X POST "%s/v1/exchange" -H "Authorization: Bearer $(cat %s)" \\
                      -d '{"binding":"gcp-deploy","format":"gcp-executable","ttl":"10m"}'
                    """.formatted(broker.server.getURL(), tokenFile));
            assertTrue(executable.toFile().setExecutable(true));
            Path config = dir.resolve("gcp.json");
            Files.writeString(config, """
                    {
                      "type": "external_account",
                      "audience": "%s",
                      "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
                      "token_url": "https://sts.googleapis.com/v1/token",
                      "service_account_impersonation_url": "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/%s:generateAccessToken",
                      "credential_source": {
                        "executable": {"command": "%s", "timeout_millis": 10000}
                      }
                    }""".formatted(PROVIDER, SERVICE_ACCOUNT, executable));

            ProcessBuilder child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", classpath(), Client.class.getName(), config.toString(), Integer.toString(google.port()), IMPERSONATED)
                    .redirectErrorStream(true);
            child.environment().put("GOOGLE_EXTERNAL_ACCOUNT_ALLOW_EXECUTABLES", "1");
            Process process = child.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, process.exitValue(), output);
            assertEquals("ok", output.strip());

            LoggedRequest sts = google.findAll(postRequestedFor(urlEqualTo("/v1/token"))).get(0);
            Map<String, String> form = form(sts.getBodyAsString());
            assertEquals(PROVIDER, form.get("audience"));
            assertEquals("urn:ietf:params:oauth:token-type:jwt", form.get("subject_token_type"));
            SignedJWT subjectToken = SignedJWT.parse(form.get("subject_token"));
            JWKSet jwks = JWKSet.parse(broker.get("/.well-known/jwks.json").body());
            assertTrue(subjectToken.verify(new ECDSAVerifier(jwks.getKeyByKeyId(subjectToken.getHeader().getKeyID()).toECKey())),
                    "the library sent Keyway's JWT, as Keyway signed it");
            assertEquals(List.of(PROVIDER), subjectToken.getJWTClaimsSet().getAudience());
            assertEquals("gcp-deploy:repo:acme/api:ref:refs/heads/main", subjectToken.getJWTClaimsSet().getSubject());
            LoggedRequest iam = google.findAll(postRequestedFor(urlPathEqualTo(
                    "/v1/projects/-/serviceAccounts/" + SERVICE_ACCOUNT + ":generateAccessToken"))).get(0);
            assertEquals("Bearer " + FEDERATED, iam.getHeader("Authorization"), "the library impersonated with STS's token");
        } finally {
            google.stop();
        }
    }

    /** The test classpath: surefire's own record of it, else this JVM's. */
    private static String classpath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * The application side: Application Default Credentials from the configuration file, with Google's
     * URLs sent to the stand-in. Prints "ok" when it got the expected token; never prints a token.
     */
    public static final class Client {
        public static void main(String[] args) throws Exception {
            int port = Integer.parseInt(args[1]);
            NetHttpTransport transport = new NetHttpTransport.Builder().setConnectionFactory(url ->
                    (HttpURLConnection) new URL("http", "127.0.0.1", port, url.getFile()).openConnection(Proxy.NO_PROXY)).build();
            GoogleCredentials credentials;
            try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
                credentials = GoogleCredentials.fromStream(in, () -> transport)
                        .createScoped(List.of("https://www.googleapis.com/auth/cloud-platform"));
            }
            AccessToken token = credentials.refreshAccessToken();
            System.out.println(args[2].equals(token.getTokenValue()) ? "ok" : "unexpected token from " + credentials.getClass().getSimpleName());
        }
    }
}
