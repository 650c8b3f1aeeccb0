package dev.keyway.broker.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The real tokens and documented claim sets in {@code ${keyway.testdata}/real-tokens}. Only payloads
 * are decoded, and only claims are handed out: a token's text never reaches test output.
 */
final class RealTokens {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .build();

    private RealTokens() {
    }

    static Path dir() {
        String testdata = System.getProperty("keyway.testdata");
        assertNotNull(testdata, "surefire must set keyway.testdata");
        Path dir = Path.of(testdata, "real-tokens");
        assertTrue(Files.isDirectory(dir), "missing test data: " + dir);
        return dir;
    }

    /** Token files under {@code real-tokens/<platform>/} whose names contain {@code contains}, sorted. */
    static List<String> files(String platform, String contains) {
        try (Stream<Path> list = Files.list(dir().resolve(platform))) {
            return list.map(p -> platform + "/" + p.getFileName())
                    .filter(name -> name.endsWith(".jwt") && name.contains(contains))
                    .sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The decoded payload of a compact JWS; the signature is not this test's concern. */
    static Map<String, Object> claims(String relativePath) {
        try {
            String token = Files.readString(dir().resolve(relativePath), StandardCharsets.US_ASCII).strip();
            String[] parts = token.split("\\.");
            assertEquals(3, parts.length, relativePath + " is not a compact JWS");
            byte[] payload = Base64.getUrlDecoder().decode(parts[1]);
            return JSON.readValue(payload, new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(relativePath, e);
        }
    }

    /** A documented claim set: JSON with '#' comment lines and comments after values, as the docs print it. */
    static Map<String, Object> documented(String relativePath) {
        try {
            String text = Files.readAllLines(dir().resolve(relativePath)).stream()
                    .filter(line -> !line.startsWith("#"))
                    .map(line -> line.replaceAll("\\s+#\\s.*$", ""))
                    .collect(Collectors.joining("\n"));
            return JSON.readValue(text, new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(relativePath, e);
        }
    }
}
