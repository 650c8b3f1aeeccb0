package dev.keyway.broker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keys init} and {@code keys rotate}, and a configured broker that refuses to start without keys. */
class KeysCliIT {

    @TempDir
    Path dir;

    @Test
    void initCreatesAnOwnerOnlyKeySetAndRefusesToOverwriteIt() throws Exception {
        Jar.Run init = Jar.run(dir, "keys", "init", "keys");
        assertEquals(0, init.exit(), init.err());
        Path file = dir.resolve("keys/signing-keys.jwks.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(2, JWKSet.load(file.toFile()).getKeys().size(), "one ES256 and one RS256 key");
        Jar.Run again = Jar.run(dir, "keys", "init", "keys");
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("already exists; use keys rotate"), again.err());
    }

    @Test
    void rotateAddsACurrentKeyAndKeepsThePreviousOnePublished() throws Exception {
        Jar.run(dir, "keys", "init", "keys");
        Path file = dir.resolve("keys/signing-keys.jwks.json");
        List<String> before = JWKSet.load(file.toFile()).getKeys().stream().map(k -> k.getKeyID()).toList();
        assertEquals(0, Jar.run(dir, "keys", "rotate", "keys").exit());
        List<String> after = JWKSet.load(file.toFile()).getKeys().stream().map(k -> k.getKeyID()).toList();
        assertEquals(4, after.size(), "current and previous for each algorithm");
        assertTrue(after.containsAll(before), "previous keys stay published");
        assertEquals(0, Jar.run(dir, "keys", "rotate", "keys").exit());
        List<String> third = JWKSet.load(file.toFile()).getKeys().stream().map(k -> k.getKeyID()).toList();
        assertEquals(4, third.size());
        assertTrue(before.stream().noneMatch(third::contains), "keys two rotations old are dropped");
    }

    @Test
    void aConfiguredBrokerWithoutKeysSaysHowToCreateThemAndExits() throws Exception {
        Path config = Jar.write(dir, "keyway.yml", """
                keyway:
                  public-url: https://keyway.example.com
                  keys: {dir: %s}
                  policy: {paths: [%s]}
                """.formatted(dir.resolve("nokeys"), Jar.ROOT.resolve("examples/demo")));
        Process broker = Jar.start(dir, Map.of("MICRONAUT_CONFIG_FILES", config.toString(), "MICRONAUT_SERVER_PORT", "0"));
        assertTrue(broker.waitFor(60, TimeUnit.SECONDS), "the broker must exit, not hang");
        String err = Jar.output(dir, "err");
        assertEquals(1, broker.exitValue(), err);
        assertTrue(err.contains("keys init " + dir.resolve("nokeys")), err);
    }
}
