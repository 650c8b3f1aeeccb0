package dev.keyway.broker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve}: demo mode with no configuration at all, and a configured broker with broken policy. */
class ServeIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    private Process broker;

    @AfterEach
    void stop() throws InterruptedException {
        if (broker != null) {
            broker.destroy();
            broker.waitFor();
        }
    }

    @Test
    void withNoConfigurationItStartsInDemoModeOnLoopback() throws Exception {
        demoLoop(Jar.Jvm.TEST);
    }

    @Test
    void onJava25TheImagesAheadOfTimeCacheIsTrainedByOneStartAndServesTheDemoLoop() throws Exception {
        // What broker/Dockerfile does: one training start writes the cache, every start maps it with the entrypoint's options.
        Path cache = dir.resolve("keyway.aot");
        Path training = Files.createDirectories(dir.resolve("training"));
        Jar.Run trained = Jar.run(Jdk25.jvm().with("-XX:AOTCacheOutput=" + cache), training,
                Map.of("MICRONAUT_SERVER_PORT", Integer.toString(Jar.freePort())), "serve", "--exit-when-ready");
        assertEquals(0, trained.exit(), trained.err());
        assertTrue(trained.err().contains("ready; stopping as --exit-when-ready asks"), trained.err());
        assertTrue(Files.size(cache) > 10_000_000, "the cache holds the classes a start loads and links");
        // -XX:AOTMode=on makes the JVM refuse to start if it cannot map the cache (another JVM, another jar, ZGC).
        demoLoop(Jdk25.jvm().with("-XX:AOTCache=" + cache, "-XX:AOTMode=on", "-Xlog:disable", "-Xlog:all=warning:stderr",
                "-XX:MaxRAMPercentage=50", "-XX:+ExitOnOutOfMemoryError"));
    }

    /** The whole demo loop with no configuration: ready, a dev token in, a Keyway JWT out, one audit line, no secret in any output. */
    private void demoLoop(Jar.Jvm jvm) throws Exception {
        int port = Jar.freePort();
        broker = Jar.start(jvm, dir, Map.of("MICRONAUT_SERVER_PORT", Integer.toString(port)));
        HttpResponse<String> readiness = Jar.await(broker, dir, port, "/health/readiness");
        assertEquals(200, readiness.statusCode(), readiness.body());
        assertTrue(readiness.body().contains("\"policy\":{\"name\":\"keyway\",\"status\":\"UP\",\"details\":{\"issuers\":1,\"bindings\":2"),
                readiness.body());
        assertEquals(200, Jar.get(port, "/health/liveness").statusCode());
        // Outside a checkout the bundled demo policy is unpacked beside the generated keys.
        assertTrue(Files.isRegularFile(dir.resolve(".keyway/demo-policy/keyway-demo.yaml")));
        assertTrue(Files.isRegularFile(dir.resolve(".keyway/dev-issuer.jwks.json")));

        String token = Jar.run(dir, "dev-token", "--audience", "http://127.0.0.1:" + port, "--claims",
                "{\"repository\":\"acme/demo\",\"repository_id\":\"1001\",\"repository_owner_id\":\"501\",\"ref\":\"refs/heads/main\",\"run_id\":\"9\"}")
                .out().strip();
        HttpResponse<String> exchanged = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/exchange"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"binding\":\"demo-deploy\",\"token\":\"" + token + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, exchanged.statusCode(), exchanged.body());
        String minted = exchanged.body().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
        broker.destroy();
        broker.waitFor();
        String stdout = Jar.output(dir, "out");
        String stderr = Jar.output(dir, "err");
        assertTrue(stderr.contains("KEYWAY DEMO MODE"), "the log says demo mode loudly");
        assertTrue(stdout.contains("\"decision\":\"allow\"") && stdout.contains("\"binding\":\"demo-deploy\""), "audit on stdout");
        assertTrue(stdout.lines().allMatch(line -> line.startsWith("{\"time\":")), "standard output carries audit events only: " + stdout);
        for (String secret : new String[] {token, minted}) {
            String signature = secret.substring(secret.lastIndexOf('.') + 1);
            assertFalse(stdout.contains(signature) || stderr.contains(signature), "no token in the broker's output");
        }
    }

    @Test
    void brokenPolicyKeepsTheBrokerUpButNotReady() throws Exception {
        int port = Jar.freePort();
        Jar.write(dir, "policy/bad.yaml", """
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: orphan}
                spec:
                  issuer: nowhere
                  match: {ref: main}
                  grant: {type: jwt, audience: x}
                """);
        assertEquals(0, Jar.run(dir, "keys", "init", "keys").exit());
        Path config = Jar.write(dir, "keyway.yml", """
                keyway:
                  public-url: https://keyway.example.com
                  keys: {dir: keys}
                  policy:
                    paths: [policy]
                """);
        broker = Jar.start(dir, Map.of("MICRONAUT_SERVER_PORT", Integer.toString(port),
                "MICRONAUT_CONFIG_FILES", config.toString()));
        HttpResponse<String> liveness = Jar.await(port, "/health/liveness");
        assertEquals(200, liveness.statusCode());
        HttpResponse<String> readiness = Jar.get(port, "/health/readiness");
        assertEquals(503, readiness.statusCode(), readiness.body());
        assertTrue(readiness.body().contains("policy/bad.yaml:5: Binding 'orphan': issuer 'nowhere' is not defined"), readiness.body());
        assertTrue(Files.notExists(dir.resolve(".keyway")), "outside demo mode the broker never creates keys");
    }

    @Test
    void exitWhenReadyRecordsAClassDataArchiveThatTheNextStartMaps() throws Exception {
        // What the image build does (broker/Dockerfile): one training start records the archive, every later start maps it.
        Path archive = dir.resolve("keyway.jsa");
        String port = Integer.toString(Jar.freePort());
        Jar.Run training = Jar.run(dir, Map.of("MICRONAUT_SERVER_PORT", port, "JAVA_TOOL_OPTIONS", "-XX:ArchiveClassesAtExit=" + archive),
                "serve", "--exit-when-ready");
        assertEquals(0, training.exit(), training.err());
        assertTrue(training.err().contains("ready; stopping as --exit-when-ready asks"), training.err());
        assertTrue(Files.size(archive) > 1_000_000, "the archive holds the classes a start loads");

        // -Xshare:on makes the JVM refuse to start if it cannot map the archive (another JVM, another jar).
        Jar.Run archived = Jar.run(dir, Map.of("MICRONAUT_SERVER_PORT", port,
                "JAVA_TOOL_OPTIONS", "-XX:SharedArchiveFile=" + archive + " -Xshare:on"), "serve", "--exit-when-ready");
        assertEquals(0, archived.exit(), archived.err());
    }
}
