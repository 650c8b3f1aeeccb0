package dev.keyway.providers.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyway.spi.BrokerContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Real OpenSSH tools and a hand-written broker fake for the ssh grant's tests. */
final class SshTestKit {

    private SshTestKit() {
    }

    record Result(int exit, String output) {
    }

    static Result run(Path dir, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        return new Result(process.exitValue(), out);
    }

    static String ok(Path dir, String... command) throws Exception {
        Result result = run(dir, command);
        assertEquals(0, result.exit(), String.join(" ", command) + ": " + result.output());
        return result.output();
    }

    /** A job's key pair made by ssh-keygen, as a job would; returns the public key line. */
    static String jobKey(Path dir, String name, String type, int bits) throws Exception {
        List<String> command = new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-C", "job@ci", "-f", name));
        if (bits > 0) {
            command.addAll(List.of("-b", Integer.toString(bits)));
        }
        ok(dir, command.toArray(String[]::new));
        return Files.readString(dir.resolve(name + ".pub")).strip();
    }

    static BrokerContext broker(Optional<KeyPair> ca) {
        return new BrokerContext() {
            @Override
            public String publicUrl() {
                return "https://keyway.test";
            }

            @Override
            public String signJwt(Map<String, Object> claims) {
                throw new AssertionError("the ssh grant never signs JWTs");
            }

            @Override
            public Optional<KeyPair> sshAuthority() {
                return ca;
            }
        };
    }
}
