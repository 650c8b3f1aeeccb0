package dev.keyway.broker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar's {@code keys init|rotate} for the X.509 and SSH CAs, and demo mode generating them. */
class CertificateKeysCliIT {


    @TempDir
    Path dir;

    private Process broker;

    @AfterEach
    void stop() throws InterruptedException {
        if (broker != null) {
            broker.destroy();
            broker.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private String permissions(String file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(file)));
    }

    private String tool(String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }

    @Test
    void initCreatesBothCasOwnerOnlyAndTheToolsReadThem() throws Exception {
        Jar.Run init = Jar.run(dir, "keys", "init", "keys");
        assertEquals(0, init.exit(), init.err());
        List<String> lines = init.lines();
        assertEquals(3, lines.size(), init.out());
        assertTrue(lines.get(1).startsWith("created X.509 CA 'CN=Keyway X.509 CA "), lines.get(1));
        assertTrue(lines.get(2).startsWith("created SSH CA SHA256:"), lines.get(2));
        assertEquals("rw-------", permissions("keys/x509-ca.key.pem"));
        assertEquals("rw-------", permissions("keys/ssh-ca"));
        assertEquals("rw-r--r--", permissions("keys/x509-ca.pem"));
        assertEquals("rw-r--r--", permissions("keys/ssh-ca.pub"));
        assertEquals("keys/x509-ca.pem: OK", tool("openssl", "verify", "-CAfile", "keys/x509-ca.pem", "keys/x509-ca.pem").strip());
        assertTrue(Files.readString(dir.resolve("keys/ssh-ca.pub")).startsWith(tool("ssh-keygen", "-y", "-f", "keys/ssh-ca").strip()));
        assertTrue(lines.get(2).contains(tool("ssh-keygen", "-l", "-f", "keys/ssh-ca.pub").split(" ")[1]), "the printed fingerprint");
    }

    @Test
    void rotateKeepsThePreviousCasPublished() throws Exception {
        assertEquals(0, Jar.run(dir, "keys", "init", "keys").exit());
        String firstRoot = Files.readString(dir.resolve("keys/x509-ca.pem"));
        String firstSsh = Files.readString(dir.resolve("keys/ssh-ca.pub")).split(" ")[1];
        Jar.Run rotate = Jar.run(dir, "keys", "rotate", "keys");
        assertEquals(0, rotate.exit(), rotate.err());
        assertTrue(rotate.out().contains("2 root(s) published"), rotate.out());
        assertTrue(rotate.out().contains("2 key(s) published"), rotate.out());
        assertEquals(firstRoot, Files.readString(dir.resolve("keys/x509-ca.previous.pem")));
        assertTrue(Files.readString(dir.resolve("keys/ssh-ca.previous.pub")).contains(firstSsh));
        assertTrue(!Files.readString(dir.resolve("keys/ssh-ca.pub")).contains(firstSsh), "a new current SSH CA");
    }

    @Test
    void demoModeGeneratesBothCasAndServesThem() throws Exception {
        int port = Jar.freePort();
        broker = Jar.start(dir, Map.of("MICRONAUT_SERVER_PORT", Integer.toString(port)));
        HttpResponse<String> bundle = Jar.await(port, "/v1/ca/x509");
        assertEquals(200, bundle.statusCode(), bundle.body());
        assertEquals(Files.readString(dir.resolve(".keyway/x509-ca.pem")), bundle.body());
        HttpResponse<String> ssh = Jar.get(port, "/v1/ca/ssh");
        assertEquals(200, ssh.statusCode());
        assertEquals(Files.readString(dir.resolve(".keyway/ssh-ca.pub")), ssh.body());
        assertEquals("rw-------", permissions(".keyway/x509-ca.key.pem"));
        assertEquals("rw-------", permissions(".keyway/ssh-ca"));
        assertTrue(Jar.output(dir, "err").contains("X.509 CA CN=Keyway X.509 CA"), "the startup log names the CA");
    }


}
