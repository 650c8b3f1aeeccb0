package dev.keyway.broker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code kubectl} uses Keyway as its exec credential plugin: kubectl runs a script that
 * exchanges a job token for {@code format: exec-credential}, and sends the minted JWT to a loopback
 * HTTPS API server that verifies it against the broker's JWKS.
 */
class KubectlExecCredentialTest {

    @TempDir
    Path dir;

    @Test
    void kubectlAuthenticatesWithTheExecCredentialKeywayReturns() throws Exception {
        TestIssuer ci = new TestIssuer("https://ci.test", "https://keyway.test");
        try (TestBroker broker = TestBroker.trusting(dir, ci, "replay: \"off\"", """
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: cluster-deploy}
                spec:
                  issuer: ci
                  match: {repository_id: "42", ref: refs/heads/main}
                  grant:
                    type: jwt
                    audience: https://kubernetes.test
                    subject: "ci:{{repository}}"
                    claims: {groups: [deployers]}
                """, Map.of());
             StandInApiServer api = new StandInApiServer(JWKSet.parse(broker.get("/.well-known/jwks.json").body()),
                     "https://kubernetes.test")) {
            Path tokenFile = dir.resolve("job-token");
            Files.writeString(tokenFile, ci.token());
            Path plugin = dir.resolve("keyway-credential.sh");
            Files.writeString(plugin, """
                    #!/bin/sh
                    # kubectl exec credential plugin: exchange the job's OIDC token for a Keyway JWT.
                    exec curl -sf -X POST "%s/v1/exchange" -H "Authorization: Bearer $(cat %s)" \\
                      -d '{"binding":"cluster-deploy","format":"exec-credential"}'
                    """.formatted(broker.server.getURL(), tokenFile));
            plugin.toFile().setExecutable(true);
            Path kubeconfig = dir.resolve("kubeconfig");
            Files.writeString(kubeconfig, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: stand-in
                      cluster:
                        server: %s
                        certificate-authority-data: %s
                    users:
                    - name: keyway
                      user:
                        exec:
                          apiVersion: client.authentication.k8s.io/v1
                          command: %s
                          interactiveMode: Never
                    contexts:
                    - name: ci
                      context: {cluster: stand-in, user: keyway}
                    current-context: ci
                    """.formatted(api.url(), Base64.getEncoder().encodeToString(api.caPem.getBytes(StandardCharsets.UTF_8)), plugin));

            Process kubectl = new ProcessBuilder("kubectl", "--kubeconfig", kubeconfig.toString(), "get", "--raw", "/api/v1/namespaces")
                    .redirectErrorStream(true).start();
            String output = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(kubectl.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, kubectl.exitValue(), output);
            assertTrue(output.contains("hello ci:acme/api"), output);
            assertTrue(api.accepted.get() >= 1, "the stand-in saw the Keyway JWT");
        }
    }
}
