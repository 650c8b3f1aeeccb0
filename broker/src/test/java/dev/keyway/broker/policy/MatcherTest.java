package dev.keyway.broker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyway.broker.profile.Profile;
import dev.keyway.spi.Identity;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every matcher, compiled from real YAML by the policy compiler and evaluated the way an exchange
 * evaluates it. Each row: a sentence, the condition as policy writes it, the caller's claim value
 * (or {@link #ABSENT}), and whether the binding allows.
 */
class MatcherTest {

    /** The claim is not in the token at all. */
    private static final Object ABSENT = new Object() {
        @Override
        public String toString() {
            return "(absent)";
        }
    };

    private static Arguments row(String sentence, String condition, Object claim, boolean allowed) {
        return Arguments.of(sentence, condition, claim, allowed);
    }

    static Stream<Arguments> table() {
        return Stream.of(
                // exact
                row("an exact value matches itself", "acme/api", "acme/api", true),
                row("exact is case-sensitive", "acme/api", "Acme/api", false),
                row("exact does not match a longer value", "acme/api", "acme/api-evil", false),
                row("exact does not match a shorter value", "acme/api", "acme/ap", false),
                row("exact does not match a value with trailing space", "acme/api", "acme/api ", false),
                row("exact does not match the empty string", "acme/api", "", false),
                row("exact regex metacharacters are literal", "\"a.b+c\"", "axb+c", false),
                // booleans
                row("unquoted true matches a boolean true claim", "true", true, true),
                row("unquoted true matches the string \"true\"", "true", "true", true),
                row("quoted \"true\" matches a boolean true claim", "\"true\"", true, true),
                row("quoted \"true\" matches the string \"true\"", "\"true\"", "true", true),
                row("true does not match a boolean false claim", "true", false, false),
                row("false matches a boolean false claim", "false", false, true),
                row("YAML True is the boolean true", "True", true, true),
                row("YAML True does not match the string \"True\"", "True", "True", false),
                row("true does not match the string \"True\"", "true", "True", false),
                row("no stays a string: it matches \"no\"", "no", "no", true),
                row("no stays a string: it does not match a boolean false", "no", false, false),
                row("NO (Norway) stays a string", "NO", "NO", true),
                // numbers
                row("an unquoted number matches a string claim of its digits", "123456789", "123456789", true),
                row("an unquoted number matches a numeric claim", "42", 42L, true),
                row("an unquoted number matches an integer claim", "42", 42, true),
                row("an unquoted number matches a whole double claim", "42", 42.0d, true),
                row("an unquoted number matches a BigDecimal claim with trailing zeros", "42", new BigDecimal("42.00"), true),
                row("a quoted number matches a numeric claim", "\"42\"", 42L, true),
                row("a number does not match a zero-padded string", "42", "042", false),
                row("a number does not match a different number", "42", 43L, false),
                row("a leading-zero number stays the string it spells", "0123", "0123", true),
                row("a leading-zero number is not octal or decimal", "0123", 123L, false),
                row("an underscore number stays a string", "1_000", "1_000", true),
                row("an underscore number is not a thousand", "1_000", 1000L, false),
                row("a hex literal stays a string", "0x1F", 31L, false),
                row("a number beyond long matches its digits",
                        "123456789012345678901234567890", "123456789012345678901234567890", true),
                // any-of lists
                row("a list matches its first item", "[production, staging]", "production", true),
                row("a list matches its last item", "[production, staging]", "staging", true),
                row("a list does not match another value", "[production, staging]", "dev", false),
                row("a list does not match a prefix of an item", "[production, staging]", "prod", false),
                row("a list item may be a number", "[1, 2, 3]", 2L, true),
                row("a list item may be a boolean", "[true]", true, true),
                row("a list item may be a glob", "[refs/heads/main, {glob: \"refs/tags/v*\"}]", "refs/tags/v1.2", true),
                row("a list with a glob item still refuses other values", "[refs/heads/main, {glob: \"refs/tags/v*\"}]",
                        "refs/heads/dev", false),
                row("a list item may be a regex", "[a, {regex: \"b[0-9]+\"}]", "b42", true),
                row("a regex list item is anchored too", "[a, {regex: \"b[0-9]+\"}]", "xb42", false),
                row("a list item may be a not", "[main, {not: {glob: \"refs/*\"}}]", "feature", true),
                // globs
                row("* matches within one segment", "{glob: \"acme/*\"}", "acme/api", true),
                row("* does not cross a slash", "{glob: \"acme/*\"}", "acme/api/extra", false),
                row("a glob is anchored at the start", "{glob: \"acme/*\"}", "evil/acme/api", false),
                row("a glob is anchored at the end", "{glob: \"*/api\"}", "acme/api-evil", false),
                row("a glob is case-sensitive", "{glob: \"acme/*\"}", "ACME/api", false),
                row("** crosses segments", "{glob: \"refs/heads/**\"}", "refs/heads/feature/login/v2", true),
                row("** matches a single segment too", "{glob: \"refs/heads/**\"}", "refs/heads/main", true),
                row("** still needs the literal prefix", "{glob: \"refs/heads/**\"}", "refs/tags/v1", false),
                row("** in the middle crosses segments", "{glob: \"acme/**/deploy.yml@refs/heads/main\"}",
                        "acme/infra/.github/workflows/deploy.yml@refs/heads/main", true),
                row("? matches one character", "{glob: \"v?\"}", "v1", true),
                row("? does not match two characters", "{glob: \"v?\"}", "v12", false),
                row("? does not match zero characters", "{glob: \"v?\"}", "v", false),
                row("? does not match a slash", "{glob: \"a?b\"}", "a/b", false),
                row("a dot in a glob is literal", "{glob: \"refs/tags/v1.*\"}", "refs/tags/v1x3", false),
                row("a dot in a glob matches a dot", "{glob: \"refs/tags/v1.*\"}", "refs/tags/v1.3", true),
                row("a plus in a glob is literal", "{glob: \"a+b\"}", "aab", false),
                row("a plus in a glob matches a plus", "{glob: \"a+b\"}", "a+b", true),
                row("brackets in a glob are literal", "{glob: \"acme/[ab]\"}", "acme/a", false),
                row("brackets in a glob match themselves", "{glob: \"acme/[ab]\"}", "acme/[ab]", true),
                row("a pipe in a glob is not alternation", "{glob: \"acme|evil\"}", "evil", false),
                row("parentheses and a dollar are literal", "{glob: \"(x)$\"}", "(x)$", true),
                row("a caret is literal", "{glob: \"^acme\"}", "acme", false),
                row("a backslash is literal", "{glob: 'a\\b*'}", "a\\bcd", true),
                row("a \\E in a glob cannot end quoting", "{glob: 'a\\E.*'}", "a\\E.xyz", true),
                row("a \\E in a glob does not turn . into any character", "{glob: 'a\\E.*'}", "a\\Exxyz", false),
                // regexes
                row("a regex matches the whole value", "{regex: \"^[a-z0-9-]+$\"}", "octo-cat", true),
                row("an unanchored regex is anchored anyway: no substring match", "{regex: \"octo\"}", "evil-octo-cat", false),
                row("an unanchored regex is anchored anyway: no prefix match", "{regex: \"octo\"}", "octocat", false),
                row("an unanchored regex still matches exactly", "{regex: \"octo\"}", "octo", true),
                row("multiline mode cannot match one line of several", "{regex: \"(?m)^a$\"}", "x\na", false),
                row("multiline mode cannot match the first line of several", "{regex: \"(?m)^a$\"}", "a\nx", false),
                row("$ does not match before a trailing newline", "{regex: \"^a$\"}", "a\n", false),
                row("an alternation is anchored as a whole", "{regex: \"acme/api|acme/web\"}", "acme/api-evil", false),
                row("an alternation is anchored as a whole on the right", "{regex: \"acme/api|acme/web\"}", "x-acme/web", false),
                row("an alternation matches either side", "{regex: \"acme/api|acme/web\"}", "acme/web", true),
                row("a shorter alternative does not hide a longer one", "{regex: \"a|ab\"}", "ab", true),
                row("a regex compares a number claim as its digits", "{regex: \"[0-9]+\"}", 42L, true),
                row("a regex compares a boolean claim as true", "{regex: \"t.*\"}", true, true),
                row("dot does not match a newline by default", "{regex: \"a.b\"}", "a\nb", false),
                row("(?s) lets dot match a newline", "{regex: \"(?s)a.b\"}", "a\nb", true),
                // not
                row("not refuses a listed value", "{not: [pull_request, pull_request_target]}", "pull_request", false),
                row("not allows an unlisted value", "{not: [pull_request, pull_request_target]}", "push", true),
                row("not of a glob allows what the glob refuses", "{not: {glob: \"refs/heads/*\"}}", "refs/tags/v1", true),
                row("not of a glob refuses what the glob matches", "{not: {glob: \"refs/heads/*\"}}", "refs/heads/main", false),
                row("not of an exact value allows the empty string", "{not: main}", "", true),
                row("a double not is the value itself", "{not: {not: main}}", "main", true),
                row("a double not refuses other values", "{not: {not: main}}", "dev", false),
                // missing claims never match, whatever the matcher
                row("a missing claim does not match exact", "main", ABSENT, false),
                row("a missing claim does not match a list", "[main, dev]", ABSENT, false),
                row("a missing claim does not match glob *", "{glob: \"*\"}", ABSENT, false),
                row("a missing claim does not match glob **", "{glob: \"**\"}", ABSENT, false),
                row("a missing claim does not match regex .*", "{regex: \".*\"}", ABSENT, false),
                row("a missing claim does not match even under not", "{not: main}", ABSENT, false),
                row("a missing claim does not match under not of a list", "{not: [a, b]}", ABSENT, false),
                row("a null claim is missing", "{not: main}", null, false),
                // arrays never equal a string, even when an element does ("list overlap")
                row("an array claim does not equal its only element", "acme/api", List.of("acme/api"), false),
                row("an array claim does not overlap a list condition", "[acme/api, acme/web]", List.of("acme/api"), false),
                row("an array claim does not match glob **", "{glob: \"**\"}", List.of("acme/api"), false),
                row("an array claim does not match regex .*", "{regex: \".*\"}", List.of("x"), false),
                row("an array claim does not match under not", "{not: evil}", List.of("acme/api"), false),
                row("an empty array does not match under not", "{not: evil}", List.of(), false),
                row("an array does not equal its printed form", "\"[acme/api]\"", List.of("acme/api"), false),
                // objects never equal a string
                row("an object claim does not match exact", "web-1", Map.of("name", "web-1"), false),
                row("an object claim does not match regex .*", "{regex: \".*\"}", Map.of("name", "web-1"), false),
                row("an object claim does not match under not", "{not: x}", Map.of("name", "web-1"), false),
                row("an object does not equal its printed form", "\"{name=web-1}\"", Map.of("name", "web-1"), false),
                // empty strings
                row("glob * matches an empty claim", "{glob: \"*\"}", "", true),
                row("a list never matches an empty claim unless it names it", "[a, b]", "", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void matches(String sentence, String condition, Object claim, boolean allowed) {
        PolicySet policy = InlinePolicy.load(InlinePolicy.OIDC + """
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: subject}
                spec:
                  issuer: idp
                  match:
                    value: %s
                  grant: {type: jwt, audience: test}
                """.formatted(condition));
        Map<String, Object> claims = new HashMap<>();
        claims.put("iss", "https://idp.example.com");
        if (claim != ABSENT) {
            claims.put("value", claim);
        }
        Identity identity = Profile.OIDC.identify("idp", claims);
        Decision decision = policy.binding("subject").orElseThrow().evaluate(identity);
        assertEquals(allowed, decision.allowed(), () -> "condition " + condition + " against " + claim);
        assertEquals(allowed ? List.of() : List.of("value"),
                decision.mismatches().stream().map(ConditionResult::claim).toList());
    }

    @Test
    void aPointerConditionReachesNestedRawClaims() {
        PolicySet policy = InlinePolicy.load(InlinePolicy.OIDC + """
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: pod}
                spec:
                  issuer: idp
                  match:
                    /kubernetes.io/pod/name: {glob: "web-*"}
                    /groups/0: admins
                  grant: {type: jwt, audience: test}
                """);
        Binding binding = policy.binding("pod").orElseThrow();
        Identity good = Profile.OIDC.identify("idp", Map.of("kubernetes.io", Map.of("pod", Map.of("name", "web-1")),
                "groups", List.of("admins", "devs")));
        Identity wrongOrder = Profile.OIDC.identify("idp", Map.of("kubernetes.io", Map.of("pod", Map.of("name", "web-1")),
                "groups", List.of("devs", "admins")));
        assertTrue(binding.evaluate(good).allowed());
        Decision denied = binding.evaluate(wrongOrder);
        assertFalse(denied.allowed());
        assertEquals(List.of(new ConditionResult("/groups/0", "devs", false, null)), denied.mismatches());
    }

    @Test
    void everyConditionMustHoldAndEveryFailureIsNamed() {
        PolicySet policy = InlinePolicy.load(InlinePolicy.GITHUB + """
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: deploy}
                spec:
                  issuer: github
                  match:
                    repository_id: "123"
                    ref: refs/heads/main
                    environment: [production, staging]
                  grant: {type: jwt, audience: test}
                """);
        Binding binding = policy.binding("deploy").orElseThrow();
        Identity wrong = Profile.GITHUB.identify("github",
                Map.of("repository_id", "123", "ref", "refs/heads/dev", "environment", List.of("production")));
        Decision decision = binding.evaluate(wrong);
        assertFalse(decision.allowed());
        assertEquals(3, decision.conditions().size(), "no short-circuit: every condition is evaluated");
        assertEquals(List.of(new ConditionResult("ref", "refs/heads/dev", false, null),
                new ConditionResult("environment", "(array)", false, null)), decision.mismatches());
        assertTrue(binding.evaluate(Profile.GITHUB.identify("github",
                Map.of("repository_id", "123", "ref", "refs/heads/main", "environment", "staging"))).allowed());
    }

    @Test
    void literalsAreWhatGuardsAndLintSee() {
        PolicySet policy = InlinePolicy.load(InlinePolicy.OIDC + """
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: lits}
                spec:
                  issuer: idp
                  match:
                    a: one
                    b: [two, three, {glob: "x*"}]
                    c: {glob: "x*"}
                    d: {not: four}
                  grant: {type: jwt, audience: test}
                """);
        List<Condition> conditions = policy.binding("lits").orElseThrow().conditions();
        assertEquals(List.of(Set.of("one"), Set.of("two", "three"), Set.of(), Set.of()),
                conditions.stream().map(c -> c.matcher().literals()).toList());
        assertEquals(List.of("one", "[three, two, {glob: x*}]", "{glob: x*}", "{not: four}"),
                conditions.stream().map(c -> c.matcher().describe()).toList());
    }
}
