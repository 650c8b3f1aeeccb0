package dev.keyway.broker.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Java 25 (or newer) runtime the image runs (docs/adr/0005-image-runtime-java-25.md), so tests
 * can prove the jar on it: the test JVM if it is one, else {@code KEYWAY_JDK25_HOME}, else the
 * newest one under {@code /usr/lib/jvm} (where this project's machines keep their Temurin JDK).
 */
final class Jdk25 {

    static final int FEATURE = 25;
    private static final Pattern VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

    private Jdk25() {
    }

    static Jar.Jvm jvm() {
        return new Jar.Jvm(home().resolve("bin/java").toString(), List.of());
    }

    static Path home() {
        if (Runtime.version().feature() >= FEATURE) {
            return Path.of(System.getProperty("java.home"));
        }
        String configured = System.getenv("KEYWAY_JDK25_HOME");
        if (configured != null && !configured.isBlank()) {
            Path home = Path.of(configured);
            if (feature(home).orElse(0) < FEATURE) {
                throw new IllegalStateException("KEYWAY_JDK25_HOME=" + configured + " is not a Java " + FEATURE + "+ home (no release file saying so)");
            }
            return home;
        }
        try (Stream<Path> homes = Files.list(Path.of("/usr/lib/jvm"))) {
            return homes.filter(h -> feature(h).orElse(0) >= FEATURE)
                    .max(Comparator.comparing(h -> feature(h).orElse(0)))
                    .orElseThrow(Jdk25::missing);
        } catch (IOException noJvmDirectory) {
            throw missing();
        }
    }

    static Optional<Integer> feature(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release) || !Files.isExecutable(home.resolve("bin/java"))) {
            return Optional.empty();
        }
        try {
            Matcher version = VERSION.matcher(Files.readString(release));
            return version.find() ? Optional.of(Integer.parseInt(version.group(1))) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static IllegalStateException missing() {
        return new IllegalStateException("these tests run the jar on Java " + FEATURE + ", the image's runtime, and found none: "
                + "install a JDK " + FEATURE + "+ under /usr/lib/jvm or set KEYWAY_JDK25_HOME to one");
    }
}
