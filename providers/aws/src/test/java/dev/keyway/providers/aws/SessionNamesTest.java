package dev.keyway.providers.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyway.spi.config.Problems;
import dev.keyway.spi.template.Template;
import dev.keyway.spi.config.Location;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The documented session-name rule, case by case. */
class SessionNamesTest {

    private static final Pattern AWS_RULE = Pattern.compile("[\\w+=,.@-]{2,64}");

    static Stream<Arguments> names() {
        String long70 = "acme/" + "a".repeat(65);
        return Stream.of(
                Arguments.of("an allowed name is unchanged", "gh-acme.api_42+x=y,z@w", "gh-acme.api_42+x=y,z@w"),
                Arguments.of("slashes become dashes", "acme/api", "acme-api"),
                Arguments.of("colons become dashes, one per character", "repo:acme/api:ref", "repo-acme-api-ref"),
                Arguments.of("spaces and hashes become dashes", "fix #12 now", "fix--12-now"),
                Arguments.of("each non-ASCII code point becomes one dash", "ümlaut-😀", "-mlaut--"),
                Arguments.of("exactly 64 characters stay as they are", "n".repeat(64), "n".repeat(64)),
                Arguments.of("over 64 keeps 55, a dash and 8 hex digits of the SHA-256 of the rendered name", long70,
                        "acme-" + "a".repeat(50) + "-" + "8e0e4455"),  // sha256sum of the rendered name, first 8 hex digits
                Arguments.of("one character is prefixed", "7", "keyway-7"),
                Arguments.of("an empty name is prefixed", "", "keyway-"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void sanitizes(String sentence, String rendered, String expected) {
        String name = SessionNames.sanitize(rendered);
        assertEquals(expected, name);
        assertTrue(AWS_RULE.matcher(name).matches(), "AWS accepts " + name);
    }

    @Test
    void longNamesThatShareAPrefixStayDistinct() {
        String a = SessionNames.sanitize("x".repeat(70) + "/run-1");
        String b = SessionNames.sanitize("x".repeat(70) + "/run-2");
        assertEquals(64, a.length());
        assertNotEquals(a, b);
    }

    @Test
    void namesThatDifferOnlyInReplacedCharactersHashDifferentlyWhenTruncated() {
        assertNotEquals(SessionNames.sanitize("a".repeat(60) + "/b/c/d/e"), SessionNames.sanitize("a".repeat(60) + ":b:c:d:e"));
    }

    @Test
    void theDefaultIsTheBindingAndTheFirstRunIdentifierPresent() {
        assertEquals(Optional.of("deploy-42"), SessionNames.of(Optional.empty(), "deploy", Fixtures.caller(Map.of("run_id", "42")), "r1"));
        assertEquals(Optional.of("deploy-777"), SessionNames.of(Optional.empty(), "deploy",
                new dev.keyway.spi.Identity("gitlab", Map.of("job_id", "777"), Map.of()), "r1"));
        assertEquals(Optional.of("deploy-web-5d8f"), SessionNames.of(Optional.empty(), "deploy",
                new dev.keyway.spi.Identity("k8s", Map.of("pod", "web-5d8f"), Map.of()), "r1"));
        assertEquals(Optional.of("deploy-r1"), SessionNames.of(Optional.empty(), "deploy",
                new dev.keyway.spi.Identity("oidc", Map.of("sub", "x"), Map.of()), "r1"));
    }

    @Test
    void aTemplateIsRenderedThenSanitized() {
        Template template = Template.parse("ci-{{repository}}", new Location("p.yaml", 1), Fixtures.GITHUB, new Problems()).orElseThrow();
        assertEquals(Optional.of("ci-acme-api"), SessionNames.of(Optional.of(template), "deploy", Fixtures.caller(), "r1"));
        assertEquals(Optional.empty(), SessionNames.of(Optional.of(template), "deploy",
                Fixtures.caller(Map.of("repository", java.util.List.of("a"))), "r1"), "a missing claim renders nothing");
    }

    @Test
    void literalTextIsWhatLiesOutsideThePlaceholders() {
        Template template = Template.parse("a{{repository}}b{{/x/y}}c", new Location("p.yaml", 1), Fixtures.GITHUB, new Problems())
                .orElseThrow();
        assertEquals("abc", SessionNames.literalText(template));
    }
}
