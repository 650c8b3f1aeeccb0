package dev.keyway.spi.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyway.spi.ClaimCatalog;
import dev.keyway.spi.ClaimRef;
import dev.keyway.spi.Identity;
import dev.keyway.spi.config.Location;
import dev.keyway.spi.config.Problem;
import dev.keyway.spi.config.Problems;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TemplateTest {

    private static final Location WHERE = new Location("policy.yaml", 12);

    /** A catalog that knows only the names it is given, like a github or gitlab profile. */
    private record StrictCatalog(Set<String> names) implements ClaimCatalog {
        @Override
        public boolean knows(String claimName) {
            return names.contains(claimName);
        }

        @Override
        public String describe() {
            return "a test issuer";
        }
    }

    private static final ClaimCatalog STRICT = new StrictCatalog(Set.of("repository", "run_id", "ref", "groups", "sub"));

    private static final Identity IDENTITY = new Identity("github",
            Map.of("repository", "acme/api", "run_id", "42", "ref", "refs/heads/main",
                    "groups", List.of("a", "b"), "protected", true, "attempt", 3L,
                    "meta", Map.of("k", "v")),
            Map.of("kubernetes.io", Map.of("pod", Map.of("name", "web-1")),
                    "a/b", "slashed", "groups", List.of("first", "second")));

    static Stream<Arguments> rendering() {
        return Stream.of(
                Arguments.of("a literal renders as itself", "static-audience", "static-audience"),
                Arguments.of("an empty template renders as empty", "", ""),
                Arguments.of("one placeholder is replaced by its claim", "{{repository}}", "acme/api"),
                Arguments.of("placeholders and literals concatenate in order", "{{repository}}@{{run_id}}", "acme/api@42"),
                Arguments.of("spaces inside the braces are ignored", "{{ repository }}:{{  ref }}", "acme/api:refs/heads/main"),
                Arguments.of("adjacent placeholders need no separator", "{{run_id}}{{run_id}}", "4242"),
                Arguments.of("a JSON pointer reaches into nested raw claims", "pod={{/kubernetes.io/pod/name}}", "pod=web-1"),
                Arguments.of("a JSON pointer decodes ~1 as a slash", "{{/a~1b}}", "slashed"),
                Arguments.of("a JSON pointer indexes into a list", "{{/groups/1}}", "second"),
                Arguments.of("single braces are literal text", "{x}-{{run_id}}-}{", "{x}-42-}{"),
                Arguments.of("a pointer reads raw claims, not normalized ones", "{{/run_id}}", null),
                Arguments.of("a missing claim renders nothing at all", "prefix-{{/nope}}", null),
                Arguments.of("an array claim renders nothing at all", "{{groups}}", null),
                Arguments.of("a pointer to an object renders nothing at all", "{{/kubernetes.io/pod}}", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rendering")
    void renders(String sentence, String source, String expected) {
        Problems problems = new Problems();
        Template template = Template.parse(source, WHERE, ClaimCatalog.ANY, problems).orElseThrow();
        assertEquals(List.of(), problems.all());
        assertEquals(Optional.ofNullable(expected), template.render(IDENTITY));
        assertEquals(source, template.source());
    }

    @Test
    void scalarsThatAreNotStringsRenderAsPolicySeesThem() {
        Identity identity = new Identity("x", Map.of("protected", true, "attempt", 3L, "ratio", 2.50d), Map.of());
        Template template = Template.parse("{{protected}}/{{attempt}}/{{ratio}}", WHERE, ClaimCatalog.ANY, new Problems())
                .orElseThrow();
        assertEquals(Optional.of("true/3/2.5"), template.render(identity));
    }

    @Test
    void aMissingNormalizedClaimMakesRenderingFailEvenWhenOtherPartsRender() {
        Identity noRunId = new Identity("github", Map.of("repository", "acme/api"), Map.of());
        Template template = Template.parse("{{repository}}@{{run_id}}", WHERE, STRICT, new Problems()).orElseThrow();
        assertEquals(Optional.empty(), template.render(noRunId));
    }

    @Test
    void anObjectClaimRendersNothing() {
        Template template = Template.parse("{{meta}}", WHERE, ClaimCatalog.ANY, new Problems()).orElseThrow();
        assertEquals(Optional.empty(), template.render(IDENTITY));
    }

    @Test
    void literalTemplatesKnowTheyAreLiteral() {
        assertTrue(Template.parse("plain", WHERE, STRICT, new Problems()).orElseThrow().isLiteral());
        assertTrue(Template.literal("x{{y}}").isLiteral());
        assertEquals(Optional.of("x{{y}}"), Template.literal("x{{y}}").render(IDENTITY));
        assertFalse(Template.parse("{{ref}}", WHERE, STRICT, new Problems()).orElseThrow().isLiteral());
    }

    @Test
    void claimsListsEveryPlaceholderInOrder() {
        Template template = Template.parse("{{ref}}-{{/kubernetes.io/pod/name}}-{{ref}}", WHERE, STRICT, new Problems())
                .orElseThrow();
        assertEquals(List.of("ref", "/kubernetes.io/pod/name", "ref"),
                template.claims().stream().map(ClaimRef::text).toList());
        assertTrue(template.claims().get(1).isPointer());
        assertEquals(List.of("kubernetes.io", "pod", "name"), template.claims().get(1).pointer());
    }

    static Stream<Arguments> parseErrors() {
        return Stream.of(
                Arguments.of("an unclosed placeholder is an error", "{{repository", "without a closing '}}'"),
                Arguments.of("an unclosed placeholder after a good one is an error", "{{ref}}-{{run_id", "without a closing '}}'"),
                Arguments.of("a stray closing pair is an error", "repository}}", "'}}' without a matching '{{'"),
                Arguments.of("a stray closing pair after a placeholder is an error", "{{ref}}}}", "'}}' without a matching '{{'"),
                Arguments.of("an empty placeholder is an error", "a{{}}b", "'{{}}' is not a claim name"),
                Arguments.of("a blank placeholder is an error", "a{{   }}b", "is not a claim name"),
                Arguments.of("a placeholder with a space inside the name is an error", "{{repo sitory}}", "is not a claim name"),
                Arguments.of("a triple brace is an error", "{{{repository}}}", "is not a claim name"),
                Arguments.of("a claim the strict catalog does not know is an error", "{{repo}}@{{ref}}",
                        "uses claim 'repo', which a test issuer does not have"),
                Arguments.of("the unknown-claim message suggests a JSON pointer", "{{repo}}", "{{/repo}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parseErrors")
    void rejects(String sentence, String source, String message) {
        Problems problems = new Problems();
        Optional<Template> template = Template.parse(source, WHERE, STRICT, problems);
        assertTrue(template.isEmpty(), "no template when there were errors");
        List<Problem> errors = problems.errors();
        assertEquals(1, errors.size(), () -> "exactly one error, got " + errors);
        assertEquals(WHERE, errors.get(0).location());
        assertTrue(errors.get(0).message().contains(message), () -> errors.get(0).message());
    }

    @Test
    void aPointerNeedsNoCatalogEntry() {
        Problems problems = new Problems();
        assertTrue(Template.parse("{{/not_in_catalog}}", WHERE, STRICT, problems).isPresent());
        assertFalse(problems.hasErrors());
    }

    @Test
    void everyUnknownClaimIsReportedNotJustTheFirst() {
        Problems problems = new Problems();
        assertTrue(Template.parse("{{repo}}-{{branch}}", WHERE, STRICT, problems).isEmpty());
        assertEquals(2, problems.errorCount());
    }

    @Test
    void earlierErrorsInTheSameProblemsDoNotFailALaterGoodTemplate() {
        Problems problems = new Problems();
        problems.error(WHERE, "an unrelated earlier error");
        assertTrue(Template.parse("{{ref}}", WHERE, STRICT, problems).isPresent());
        assertEquals(1, problems.errorCount());
    }

    @Test
    void anEscaperSeesClaimValuesButNeverTheLiteralText() {
        Template template = Template.parse("a/b:{{repository}}/{{run_id}}", WHERE, STRICT, new Problems()).orElseThrow();
        assertEquals(Optional.of("a/b:acme_api/42"), template.render(IDENTITY, v -> v.replace('/', '_')));
        assertEquals(Optional.of("a/b:acme/api/42"), template.render(IDENTITY), "no escaper: values as they are");
    }

    @Test
    void anEscaperDoesNotRescueAMissingClaim() {
        Template template = Template.parse("{{sub}}", WHERE, STRICT, new Problems()).orElseThrow();
        assertEquals(Optional.empty(), template.render(IDENTITY, v -> "escaped"));
    }

    @Test
    void withPlaceholdersKeepsTheLiteralsAndStandsInForEveryClaim() {
        Template template = Template.parse("spiffe://td/{{repository}}/x{{/kubernetes.io/pod/name}}", WHERE, STRICT, new Problems())
                .orElseThrow();
        assertEquals("spiffe://td/#/x#", template.withPlaceholders("#"));
        assertEquals("plain", Template.literal("plain").withPlaceholders("#"));
    }
    @Test
    void aRepeatedTemplateIsParsedOnceAndShared() {
        String text = "{{repository}}@{{ref}}-shared-" + System.nanoTime();
        Template first = Template.parse(text, WHERE, STRICT, new Problems()).orElseThrow();
        Template second = Template.parse(text, WHERE, STRICT, new Problems()).orElseThrow();
        assertTrue(first == second, "one parse serves every binding that writes the same template");
        assertEquals(Optional.of("acme/api@refs/heads/main-shared-" + text.substring(text.lastIndexOf('-') + 1)),
                second.render(IDENTITY));
    }

    @Test
    void aSharedTemplateIsStillCheckedAgainstEachCatalog() {
        String text = "{{repository}}:{{sub}}:{{ref}}-" + System.nanoTime();
        assertTrue(Template.parse(text, WHERE, ClaimCatalog.ANY, new Problems()).isPresent());
        Problems problems = new Problems();
        ClaimCatalog narrow = new StrictCatalog(Set.of("ref"));
        assertEquals(Optional.empty(), Template.parse(text, WHERE, narrow, problems));
        assertEquals(List.of(
                "policy.yaml:12: template '" + text + "' uses claim 'repository', which a test issuer does not have;"
                        + " reach raw claims with a JSON pointer like {{/repository}}",
                "policy.yaml:12: template '" + text + "' uses claim 'sub', which a test issuer does not have;"
                        + " reach raw claims with a JSON pointer like {{/sub}}"),
                problems.all().stream().map(Problem::toString).toList());
    }

    @Test
    void aTemplateWithProblemsIsReportedEveryTime() {
        String text = "{{repository}}-{{nope-" + System.nanoTime();
        for (int i = 0; i < 2; i++) {
            Problems problems = new Problems();
            assertEquals(Optional.empty(), Template.parse(text, WHERE, STRICT, problems));
            assertEquals(1, problems.errorCount(), problems.all().toString());
        }
    }
}
