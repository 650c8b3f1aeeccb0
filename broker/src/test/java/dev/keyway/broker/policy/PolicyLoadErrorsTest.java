package dev.keyway.broker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.keyway.spi.config.Problem;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One fixture folder per way a policy can be wrong ({@code src/test/resources/policy-errors/<scenario>/}):
 * its policy files and an {@code expected.txt} with one {@code relative-file:line: message-substring}
 * per problem that must be reported. Loading must fail, and every expected problem must be reported
 * at its file and exact line, all in the same run.
 */
class PolicyLoadErrorsTest {

    private static final Pattern EXPECTED_LINE = Pattern.compile("^([^:]+):(\\d+): (.+)$");

    /** The scenarios this suite promises to cover; a folder removed by accident fails {@link #everyScenarioIsPresent}. */
    private static final Set<String> REQUIRED = Set.of(
            "unknown-field-spec", "unknown-field-metadata", "unknown-field-grant", "unknown-field-document",
            "wrong-type", "duplicate-binding-across-files", "duplicate-yaml-key", "unknown-issuer",
            "unknown-grant-type", "unknown-claim-for-profile", "bad-regex", "empty-list", "null-value",
            "unknown-operator", "two-operators", "wrong-api-version", "unknown-kind", "invalid-yaml",
            "issuer-http-non-loopback", "jwks-uri-and-jwks-file", "bad-duration", "max-ttl-over-24h",
            "policy-test-unknown-binding", "bad-expect", "template-unknown-claim", "collect-all");

    static Path root() throws URISyntaxException {
        return Path.of(PolicyLoadErrorsTest.class.getResource("/policy-errors").toURI());
    }

    static Stream<String> scenarios() throws IOException, URISyntaxException {
        try (Stream<Path> list = Files.list(root())) {
            return list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    @Test
    void everyScenarioIsPresent() throws IOException, URISyntaxException {
        Set<String> present = scenarios().collect(Collectors.toSet());
        Set<String> missing = new TreeSet<>(REQUIRED);
        missing.removeAll(present);
        assertEquals(Set.of(), missing);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void loadingFailsWithEveryExpectedProblem(String scenario) throws IOException, URISyntaxException {
        Path dir = root().resolve(scenario);
        List<String> expected = Files.readAllLines(dir.resolve("expected.txt")).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
        assertFalse(expected.isEmpty(), scenario + "/expected.txt lists no problems");

        Compilation compilation = new PolicyCompiler(GrantTypes.discover()).compile(List.of(dir));

        List<String> reported = compilation.problems().stream().map(p -> render(dir, p)).toList();
        assertTrue(compilation.policy().isEmpty(), "a policy with errors must not load; reported: " + reported);
        assertFalse(compilation.errors().isEmpty());

        List<String> absent = new ArrayList<>();
        for (String line : expected) {
            Matcher m = EXPECTED_LINE.matcher(line);
            if (!m.matches()) {
                fail(scenario + "/expected.txt: '" + line + "' is not 'file:line: message'");
            }
            String file = m.group(1);
            int lineNumber = Integer.parseInt(m.group(2));
            String message = m.group(3);
            boolean found = compilation.errors().stream().anyMatch(p -> relative(dir, p).equals(file)
                    && p.location().line() == lineNumber && p.message().contains(message));
            if (!found) {
                absent.add(line);
            }
        }
        assertEquals(List.of(), absent, () -> "expected problems not reported; reported were:\n  "
                + String.join("\n  ", reported));
    }

    private static String relative(Path dir, Problem problem) {
        Path file = Path.of(problem.location().file());
        return (file.startsWith(dir) ? dir.relativize(file) : file).toString().replace('\\', '/');
    }

    private static String render(Path dir, Problem problem) {
        return relative(dir, problem) + ":" + problem.location().line() + ": "
                + (problem.isError() ? "" : "warning: ") + problem.message();
    }
}
