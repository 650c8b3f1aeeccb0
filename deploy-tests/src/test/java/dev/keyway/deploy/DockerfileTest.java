package dev.keyway.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

import static dev.keyway.deploy.Chart.Yamls.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * broker/Dockerfile is not built here (no container engine); these tests hold it to what the
 * chart and the Maven build assume: the jar's path, the user, the port, the entrypoint.
 */
class DockerfileTest {

    static final Path BROKER = Chart.ROOT.resolve("broker");

    /** The Dockerfile's instructions, continuation lines joined, comments dropped. */
    static List<String> instructions() throws IOException {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(BROKER.resolve("Dockerfile"))) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            out.add(current.toString());
            current.setLength(0);
        }
        return out;
    }

    static List<String> named(String instruction) throws IOException {
        return instructions().stream().filter(i -> i.startsWith(instruction + " ")).map(i -> i.substring(instruction.length() + 1).strip()).toList();
    }

    @Test
    void runsAsTheNumericNonRootUserTheChartExpects() throws IOException {
        List<String> users = named("USER");
        assertEquals(1, users.size());
        Matcher user = Pattern.compile("(\\d+):(\\d+)").matcher(users.get(0));
        assertTrue(user.matches(), "a numeric USER lets the kubelet verify runAsNonRoot: " + users.get(0));
        Map<String, Object> values = Chart.Yamls.loadMap(Chart.DIR.resolve("values.yaml"));
        assertTrue(Integer.parseInt(user.group(1)) > 0);
        assertEquals(at(values, "podSecurityContext", "runAsUser"), Integer.parseInt(user.group(1)));
        assertEquals(at(values, "podSecurityContext", "runAsGroup"), Integer.parseInt(user.group(2)));
        List<String> instructions = instructions();
        assertTrue(instructions.indexOf("USER " + users.get(0)) > instructions.indexOf(named("COPY").stream()
                .map(c -> "COPY " + c).findFirst().orElseThrow()), "USER comes after the root-owned steps");
    }

    @Test
    void copiesTheJarTheMavenBuildProducesToWhereTheEntrypointRunsIt() throws IOException {
        String pom = Files.readString(BROKER.resolve("pom.xml"));
        assertTrue(pom.contains("<finalName>keyway-broker</finalName>"), "broker/pom.xml must still package target/keyway-broker.jar");
        List<String> copies = named("COPY");
        assertEquals(1, copies.size(), "the jar is the only input: " + copies);
        assertTrue(copies.get(0).endsWith("target/keyway-broker.jar /app/keyway-broker.jar"), copies.get(0));
        assertTrue(copies.get(0).contains("--chmod=0444"), "the code is read-only to the broker");
        assertEquals(List.of("[\"java\", \"-XX:AOTCache=/app/keyway.aot\", \"-Xlog:disable\", \"-Xlog:all=warning:stderr\", \"-XX:MaxRAMPercentage=50\", "
                        + "\"-XX:+ExitOnOutOfMemoryError\", \"-jar\", \"/app/keyway-broker.jar\"]"),
                named("ENTRYPOINT"));
        assertEquals(List.of("[\"serve\"]"), named("CMD"));
    }

    @Test
    void recordsTheAheadOfTimeCacheTheEntrypointMapsFromTheSameJarAsRoot() throws IOException {
        // An AOT cache only fits the classpath it was trained with: same java, same -jar path.
        List<String> training = named("RUN").stream().filter(r -> r.contains("-XX:AOTCacheOutput=")).toList();
        assertEquals(1, training.size(), "one training start");
        assertTrue(training.get(0).contains("java -XX:AOTCacheOutput=/app/keyway.aot -jar /app/keyway-broker.jar serve --exit-when-ready"),
                training.get(0));
        assertTrue(training.get(0).contains("rm -rf /tmp/.keyway"), "the training start's demo keys do not stay in the image");
        assertTrue(training.get(0).contains("chmod 0444 /app/keyway.aot"), "the cache is read-only to the broker");
        assertTrue(named("ENTRYPOINT").get(0).contains("\"-XX:AOTCache=/app/keyway.aot\""));
        assertFalse(named("ENTRYPOINT").get(0).contains("AOTMode"), "auto mode: a cache that does not fit is skipped, not fatal");
        List<String> instructions = instructions();
        assertTrue(instructions.indexOf("RUN " + training.get(0)) < instructions.indexOf("USER " + named("USER").get(0)),
                "recorded as root, so the broker cannot rewrite it");
    }

    @Test
    void usesTheTemurin25RuntimeBase() throws IOException {
        // Java 25 for the AOT cache (docs/adr/0005-image-runtime-java-25.md); the jar itself is Java 17 bytecode.
        List<String> from = named("FROM");
        assertEquals(List.of("${JAVA_IMAGE}"), from, "one stage, base chosen by build argument");
        String arg = named("ARG").stream().filter(a -> a.startsWith("JAVA_IMAGE=")).findFirst().orElseThrow();
        assertTrue(arg.matches("JAVA_IMAGE=eclipse-temurin:25-jre(@sha256:[0-9a-f]{64})?"), arg);
        assertTrue(instructions().stream().anyMatch(i -> i.startsWith("RUN groupadd")), "the user is created with the base's shell tools");
    }

    @Test
    void exposesThePortTheChartProbes() throws IOException {
        Map<String, Object> values = Chart.Yamls.loadMap(Chart.DIR.resolve("values.yaml"));
        assertEquals(List.of(String.valueOf(values.get("containerPort"))), named("EXPOSE"));
        assertEquals(8080, values.get("containerPort"), "the broker's default MICRONAUT_SERVER_PORT");
    }

    @Test
    void theBuildContextAdmitsOnlyTheJar() throws IOException {
        List<String> rules = Files.readAllLines(BROKER.resolve(".dockerignore")).stream()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
        assertEquals(List.of("*", "!target/keyway-broker.jar"), rules);
    }

    @Test
    void theChartRunsTheImagesEntrypointWithTheServeSubcommand() throws IOException {
        Manifests m = Chart.template(Chart.minimal());
        assertFalse(m.broker().containsKey("command"), "the chart keeps the image's ENTRYPOINT");
        assertEquals(List.of("serve"), m.broker().get("args"));
        assertEquals(List.of("[\"serve\"]"), named("CMD"));
    }
}
