package dev.keyway.broker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyway.spi.config.Problem;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each lint warning fires on a risky binding and stays silent on its safe variant. Rows are written so
 * that at most one warning can fire: a risky row must produce exactly that warning, a safe row none.
 */
class PolicyLinterTest {

    private static final int BINDING_LINE = 8;
    private static final int FIRST_CONDITION_LINE = 14;

    /** Issuer (lines 1-7), then one binding whose conditions start at line 14. */
    private static String policy(String issuerDoc, String issuer, String name, List<String> conditions, String audience) {
        StringBuilder match = new StringBuilder();
        conditions.forEach(c -> match.append("    ").append(c).append('\n'));
        return issuerDoc + """
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: %s}
                spec:
                  issuer: %s
                  match:
                %s  grant:
                    type: jwt
                    audience: %s
                """.formatted(name, issuer, match, audience);
    }

    private static Arguments github(String sentence, List<String> conditions, String warning, int line) {
        return Arguments.of(sentence, policy(InlinePolicy.GITHUB, "github", "ci", conditions, "vault"), warning, line);
    }

    private static Arguments gitlab(String sentence, List<String> conditions, String warning, int line) {
        return Arguments.of(sentence, policy(InlinePolicy.GITLAB, "gitlab", "ci", conditions, "vault"), warning, line);
    }

    private static Arguments named(String sentence, String name, String audience, List<String> conditions, String warning) {
        return Arguments.of(sentence, policy(InlinePolicy.GITHUB, "github", name, conditions, audience), warning, BINDING_LINE);
    }

    private static final String UNPINNED = "is not pinned to one owner";
    private static final String NO_IDS = "without repository_id or repository_owner_id";
    private static final String PRODUCTION = "reaches a production-looking target";
    private static final String ID = "repository_id: \"1\"";

    static Stream<Arguments> table() {
        int c = FIRST_CONDITION_LINE;
        return Stream.of(
                // a pattern on repository, sub or project_path must start with the literal owner
                github("a glob with a wildcard owner warns", List.of("repository: {glob: \"*/api\"}", ID), UNPINNED, c),
                github("a glob pinned to acme/* is silent", List.of("repository: {glob: \"acme/*\"}", ID), null, 0),
                github("a glob pinned to acme/** is silent", List.of("repository: {glob: \"acme/**\"}", ID), null, 0),
                github("a glob with a wildcard inside the owner warns", List.of("repository: {glob: \"acme*/api\"}", ID), UNPINNED, c),
                github("a glob with ? inside the owner warns", List.of("repository: {glob: \"acm?/api\"}", ID), UNPINNED, c),
                github("a regex pinned with ^acme/ is silent", List.of("repository: {regex: \"^acme/.*\"}", ID), null, 0),
                github("a regex pinned with acme/ (anchoring is implicit) is silent", List.of("repository: {regex: \"acme/[a-z-]+\"}", ID), null, 0),
                github("a regex with a wildcard owner warns", List.of("repository: {regex: \".*/api\"}", ID), UNPINNED, c),
                github("a regex alternation of owners warns", List.of("repository: {regex: \"acme/api|evil/api\"}", ID), UNPINNED, c),
                github("a regex group of owners warns", List.of("repository: {regex: \"(acme|evil)/api\"}", ID), UNPINNED, c),
                github("a regex whose slash is optional is not pinned", List.of("repository: {regex: \"^acme/?.*\"}", ID), UNPINNED, c),
                github("a regex whose slash may repeat zero times is not pinned", List.of("repository: {regex: \"acme/*.*\"}", ID), UNPINNED, c),
                github("a case-insensitive regex is not pinned to one owner", List.of("repository: {regex: \"(?i)acme/.*\"}", ID), UNPINNED, c),
                github("a glob hidden in a list warns", List.of("repository: [acme/api, {glob: \"*\"}]", ID), UNPINNED, c),
                github("a list of exact repositories is silent", List.of("repository: [acme/api, acme/web]", ID), null, 0),
                github("not on a repository matches every other owner", List.of("repository: {not: acme/api}", ID), UNPINNED, c),
                github("an exact repository is silent", List.of("repository: acme/api", ID), null, 0),
                github("a sub glob with a wildcard owner warns", List.of("sub: {glob: \"repo:*\"}", ID), UNPINNED, c),
                github("a sub glob pinned to the owner is silent", List.of("sub: {glob: \"repo:acme/*\"}", ID), null, 0),
                github("a pointer to repository is the same claim and warns",
                        List.of("/repository: {glob: \"*\"}", ID), UNPINNED, c),
                github("a pattern on another claim is not about owners", List.of("ref: {glob: \"**\"}", ID), null, 0),
                gitlab("a project_path glob with a wildcard group warns", List.of("project_path: {glob: \"*/api\"}"), "other owners' projects", c),
                gitlab("a project_path glob pinned to the group is silent", List.of("project_path: {glob: \"acme/**\"}"), null, 0),
                // github names can be re-registered; ids cannot
                github("a github repository name alone warns", List.of("repository: acme/api"), NO_IDS, BINDING_LINE),
                github("a github owner name alone warns", List.of("repository_owner: acme"), NO_IDS, BINDING_LINE),
                github("a github sub alone warns", List.of("sub: \"repo:acme/api:ref:refs/heads/main\""), NO_IDS, BINDING_LINE),
                github("a repository name with repository_id is silent", List.of("repository: acme/api", ID), null, 0),
                github("a repository name with repository_owner_id is silent", List.of("repository: acme/api", "repository_owner_id: \"9\""), null, 0),
                github("a repository_id alone is silent", List.of(ID), null, 0),
                gitlab("a gitlab project_path is not a github name", List.of("project_path: acme/api"), null, 0),
                // production-looking targets need a ref or environment condition
                named("a prod binding without a ref warns", "deploy-prod", "vault", List.of(ID), PRODUCTION + " ('deploy-prod')"),
                named("a prod binding with a ref is silent", "deploy-prod", "vault", List.of(ID, "ref: refs/heads/main"), null),
                named("a prod binding with an environment is silent", "deploy-prod", "vault", List.of(ID, "environment: production"), null),
                named("a prod binding with a sub naming the environment is silent", "deploy-prod", "vault",
                        List.of(ID, "sub: \"repo:acme/api:environment:prod\""), null),
                named("a production audience without a ref warns", "deploy", "production-cluster", List.of(ID),
                        PRODUCTION + " ('production-cluster')"),
                named("a live binding without a ref warns", "api-live", "vault", List.of(ID), PRODUCTION),
                named("a prd binding without a ref warns", "prd-db", "vault", List.of(ID), PRODUCTION),
                named("product is not prod", "product-docs", "vault", List.of(ID), null),
                named("reproduce is not prod", "reproduce", "vault", List.of(ID), null),
                named("a staging binding without a ref is silent", "deploy-staging", "vault", List.of(ID), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void lints(String sentence, String yaml, String warning, int line) {
        Compilation compilation = InlinePolicy.compile(yaml);
        assertEquals(List.of(), compilation.errors(), "warnings never come with errors here");
        assertTrue(compilation.policy().isPresent(), "warnings never fail a load");
        List<Problem> warnings = compilation.warnings();
        if (warning == null) {
            assertEquals(List.of(), warnings.stream().map(Problem::toString).toList());
            return;
        }
        assertEquals(1, warnings.size(), () -> "exactly one warning, got " + warnings);
        Problem only = warnings.get(0);
        assertTrue(only.message().contains(warning), only.message());
        assertEquals(line, only.location().line(), only::toString);
        assertEquals(InlinePolicy.FILE, only.location().file());
    }

    @Test
    void oneBindingCanCollectEveryWarning() {
        Compilation compilation = InlinePolicy.compile(policy(InlinePolicy.GITHUB, "github", "deploy-prod",
                List.of("repository: {glob: \"*/api\"}", "sub: {regex: \".*\"}"), "vault"));
        assertTrue(compilation.policy().isPresent());
        List<String> warnings = compilation.warnings().stream().map(Problem::toString).toList();
        assertEquals(4, warnings.size(), warnings::toString);
        for (String expected : List.of(
                "inline.yaml:8: warning: Binding 'deploy-prod': matches GitHub repository or owner names without",
                "inline.yaml:8: warning: Binding 'deploy-prod': reaches a production-looking target ('deploy-prod')",
                "inline.yaml:14: warning: Binding 'deploy-prod': repository {glob: */api} is not pinned to one owner",
                "inline.yaml:15: warning: Binding 'deploy-prod': sub {regex: .*} is not pinned to one owner")) {
            assertTrue(warnings.stream().anyMatch(w -> w.startsWith(expected)), () -> expected + " in " + warnings);
        }
    }

    @Test
    void regexLiteralPrefixStopsAtTheFirstMetacharacter() {
        assertEquals("acme/", PolicyLinter.regexLiteralPrefix("^acme/.*"));
        assertEquals("acme/api", PolicyLinter.regexLiteralPrefix("acme/api"));
        assertEquals("acme", PolicyLinter.regexLiteralPrefix("acme\\/api"));
        assertEquals("", PolicyLinter.regexLiteralPrefix("acme/a|acme/b"));
        assertEquals("", PolicyLinter.regexLiteralPrefix("[a]cme/x"));
    }
}
