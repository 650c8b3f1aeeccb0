package dev.keyway.broker.issuer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.keyway.broker.policy.GrantTypes;
import dev.keyway.broker.policy.PolicyCompiler;
import dev.keyway.broker.policy.PolicySet;
import dev.keyway.broker.problem.ErrorCode;
import dev.keyway.broker.problem.KeywayException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What every verifier test needs: a policy compiled from YAML the test writes (the same compiler
 * the server uses), a verifier with a fixed clock, and the refusal code of a call that must fail.
 */
final class VerifierFixtures {

    /** The broker's own audience: what an issuer without {@code audiences} is checked against. */
    static final String BROKER_AUDIENCE = "https://keyway.example.com";

    /** The real-world data beside the checkout; surefire passes its path. */
    static final Path TESTDATA = Path.of(System.getProperty("keyway.testdata", "../../shared/testdata"));

    private VerifierFixtures() {
    }

    /**
     * One {@code Issuer} document. {@code spec} holds the optional fields (jwks-file, jwks-uri,
     * max-token-age, audiences as a YAML flow list); values are quoted, so any string is safe.
     */
    static String issuer(String name, String type, String iss, Map<String, String> spec) {
        String extra = spec.entrySet().stream()
                .map(e -> "  " + e.getKey() + ": " + (e.getKey().equals("audiences") ? e.getValue() : quote(e.getValue())))
                .collect(Collectors.joining("\n"));
        return """
                apiVersion: keyway.dev/v1
                kind: Issuer
                metadata: {name: %s}
                spec:
                  type: %s
                  issuer: %s
                %s
                """.formatted(name, type, quote(iss), extra);
    }

    /** A YAML flow list of quoted strings. */
    static String list(String... values) {
        return List.of(values).stream().map(VerifierFixtures::quote).collect(Collectors.joining(", ", "[", "]"));
    }

    /** Writes the documents to {@code dir} and compiles them; a compile error fails the test with the problems. */
    static PolicySet policy(Path dir, String... documents) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("policy.yaml"), String.join("---\n", documents));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var compilation = new PolicyCompiler(GrantTypes.discover()).compile(List.of(dir));
        return compilation.policy().orElseGet(() -> fail("test policy does not compile: " + compilation.errors()));
    }

    /** A verifier with the contract's default limits whose issuers accept their configured audiences, else the broker's. */
    static TokenVerifier verifier(Instant now, IssuerKeys keys) {
        return new TokenVerifier(VerificationLimits.DEFAULT, Clock.fixed(now, ZoneOffset.UTC), keys::source,
                issuer -> issuer.audiences().isEmpty() ? List.of(BROKER_AUDIENCE) : issuer.audiences());
    }

    static IssuerKeys keys() {
        return new IssuerKeys(IssuerKeys.Settings.DEFAULT);
    }

    /** The code a refused verification carries; fails the test when the token passes. */
    static ErrorCode refusal(TokenVerifier verifier, String token, PolicySet policy) {
        return assertThrows(KeywayException.class, () -> verifier.verify(token, policy),
                "the token must be refused").code();
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
