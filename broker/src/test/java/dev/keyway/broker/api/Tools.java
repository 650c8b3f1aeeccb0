package dev.keyway.broker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs the real command-line tools that consume Keyway's certificates: openssl, ssh-keygen, ssh. */
final class Tools {

    record Result(int exit, String output) {
    }

    private Tools() {
    }

    static Result run(Path dir, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish");
        }
        return new Result(process.exitValue(), out);
    }

    static String ok(Path dir, String... command) throws Exception {
        Result result = run(dir, command);
        assertEquals(0, result.exit(), String.join(" ", command) + ": " + result.output());
        return result.output();
    }

    static String fails(Path dir, String... command) throws Exception {
        Result result = run(dir, command);
        assertTrue(result.exit() != 0, String.join(" ", command) + " should fail: " + result.output());
        return result.output();
    }
}
