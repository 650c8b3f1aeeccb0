package dev.keyway.broker.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The Java 25 (or newer) runtime the image runs (docs/adr/0005-image-runtime-java-25.md), so tests
 * can prove the jar on it: the test JVM if it is one, else what {@code scripts/jdk25-home} finds
 * ({@code KEYWAY_JDK25_HOME}, else the newest one under {@code /usr/lib/jvm}), the locator
 * {@code .ci/run} and {@code scripts/perf} use too.
 */
final class Jdk25 {

    static final int FEATURE = 25;

    private Jdk25() {
    }

    static Jar.Jvm jvm() {
        return new Jar.Jvm(home().resolve("bin/java").toString(), List.of());
    }

    static Path home() {
        if (Runtime.version().feature() >= FEATURE) {
            return Path.of(System.getProperty("java.home"));
        }
        Path locator = Jar.ROOT.resolve("scripts/jdk25-home");
        try {
            Process process = new ProcessBuilder(locator.toString()).start();
            String home = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            String why = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.waitFor() != 0 || home.isEmpty()) {
                throw new IllegalStateException("these tests run the jar on Java " + FEATURE + ", the image's runtime, and "
                        + locator + " found none" + (why.isEmpty() ? "" : " (" + why + ")")
                        + ": install a JDK " + FEATURE + "+ under /usr/lib/jvm or set KEYWAY_JDK25_HOME to one");
            }
            return Path.of(home);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + locator + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + locator, e);
        }
    }
}
