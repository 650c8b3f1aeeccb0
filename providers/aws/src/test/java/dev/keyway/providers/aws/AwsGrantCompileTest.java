package dev.keyway.providers.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyway.spi.config.Location;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.config.Problem;
import dev.keyway.spi.config.Problems;
import dev.keyway.spi.contract.Nodes;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Everything policy loading refuses in an aws grant, each on its own line. {@code Nodes.map} puts
 * its n-th key on line 10 + n; a grant's own problems without a key sit on line 9.
 */
class AwsGrantCompileTest {

    private static final String ROLE = "arn:aws:iam::123456789012:role/deploy";

    /** role-arn first (line 10), then the field under test (line 11), then any more (12, ...). */
    private static Node.Mapping grant(Object... more) {
        List<Object> entries = new ArrayList<>(List.of("role-arn", ROLE));
        entries.addAll(List.of(more));
        return Nodes.map(entries.toArray());
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                // role-arn
                Arguments.of("a grant without role-arn", Nodes.map("region", "us-east-1"), 9, "missing required field 'role-arn'"),
                Arguments.of("a role-arn that is a user", Nodes.map("role-arn", "arn:aws:iam::123456789012:user/deploy"), 10,
                        "is not an IAM role ARN"),
                Arguments.of("a role-arn with an 11-digit account", Nodes.map("role-arn", "arn:aws:iam::12345678901:role/deploy"), 10,
                        "is not an IAM role ARN"),
                Arguments.of("a role-arn of another service", Nodes.map("role-arn", "arn:aws:s3:::123456789012:role/deploy"), 10,
                        "is not an IAM role ARN"),
                Arguments.of("a role name longer than 64 characters", Nodes.map("role-arn", "arn:aws:iam::123456789012:role/" + "r".repeat(65)),
                        10, "is not an IAM role ARN"),
                Arguments.of("a role name with a space", Nodes.map("role-arn", "arn:aws:iam::123456789012:role/my role"), 10,
                        "is not an IAM role ARN"),
                Arguments.of("a templated role-arn", Nodes.map("role-arn", "arn:aws:iam::123456789012:role/{{repository}}"), 10,
                        "is not an IAM role ARN"),
                Arguments.of("a numeric role-arn", Nodes.map("role-arn", 123456789012L), 10, "'role-arn' must be a string, not a number"),
                // mode
                Arguments.of("an unknown mode", grant("mode", "oidc"), 11, "mode must be web-identity or assume-role, not 'oidc'"),
                Arguments.of("a mode list", grant("mode", List.of("assume-role")), 11, "'mode' must be a string, not a list"),
                // region
                Arguments.of("a region that is a name", grant("region", "Frankfurt"), 11, "region 'Frankfurt' is not an AWS region name"),
                Arguments.of("an availability zone for a region", grant("region", "us-east-1a"), 11, "is not an AWS region name"),
                Arguments.of("a China role through a commercial region", Nodes.map("role-arn", "arn:aws-cn:iam::123456789012:role/deploy",
                        "region", "us-east-1"), 11, "role-arn is in partition aws-cn but region us-east-1 belongs to aws"),
                Arguments.of("a China role without a region (default us-east-1)",
                        Nodes.map("role-arn", "arn:aws-cn:iam::123456789012:role/deploy"), 10, "partition aws-cn"),
                Arguments.of("a commercial role through GovCloud", grant("region", "us-gov-west-1"), 11,
                        "role-arn is in partition aws but region us-gov-west-1 belongs to aws-us-gov"),
                // sts-endpoint
                Arguments.of("an http endpoint on the network", grant("sts-endpoint", "http://sts.us-east-1.amazonaws.com"), 11,
                        "must use https (http is allowed only for loopback"),
                Arguments.of("an endpoint with a path", grant("sts-endpoint", "https://sts.us-east-1.amazonaws.com/v1"), 11,
                        "must be a bare origin"),
                Arguments.of("an endpoint with credentials", grant("sts-endpoint", "https://user:pw@sts.amazonaws.com"), 11,
                        "must be a bare origin"),
                Arguments.of("an endpoint with a query", grant("sts-endpoint", "https://sts.amazonaws.com?x=1"), 11, "must be a bare origin"),
                Arguments.of("an endpoint of another scheme", grant("sts-endpoint", "ftp://sts.amazonaws.com"), 11, "must be an https URL"),
                Arguments.of("an endpoint that is no URL", grant("sts-endpoint", "sts amazonaws com"), 11, "is not a URL"),
                Arguments.of("an endpoint without a host", grant("sts-endpoint", "https:///"), 11, "must be an https URL"),
                // session-name
                Arguments.of("a session name with a space in its literal text", grant("session-name", "ci {{run_id}}"), 11,
                        "contains ' ': AWS session names allow only"),
                Arguments.of("a session name with a colon in its literal text", grant("session-name", "gh:{{run_id}}"), 11, "contains ':'"),
                Arguments.of("a one-character literal session name", grant("session-name", "x"), 11, "must be at least 2 characters"),
                Arguments.of("a literal session name over 64 characters", grant("session-name", "s".repeat(65)), 11,
                        "is longer than 64 characters"),
                Arguments.of("a session name with an unknown claim", grant("session-name", "ci-{{repo}}"), 11,
                        "uses claim 'repo', which a github issuer does not have"),
                Arguments.of("a session name with an unclosed placeholder", grant("session-name", "ci-{{run_id"), 11,
                        "has '{{' without a closing '}}'"),
                // session-tags
                Arguments.of("session tags as a list", grant("session-tags", List.of("repo")), 11, "session-tags must be a mapping, not a list"),
                Arguments.of("a tag value that is a number", grant("session-tags", Nodes.map("team", 7)), 10, "'team' must be a string, not a number"),
                Arguments.of("a tag key reserved by AWS", grant("session-tags", Nodes.map("aws:repo", "{{repository}}")), 10,
                        "session tag key 'aws:repo' must not start with aws:"),
                Arguments.of("a tag key with a character AWS refuses", grant("session-tags", Nodes.map("repo#1", "{{repository}}")), 10,
                        "session tag key 'repo#1' may contain only"),
                Arguments.of("a tag key over 128 characters", grant("session-tags", Nodes.map("k".repeat(129), "v")), 10,
                        "must be 1 to 128 characters"),
                Arguments.of("two tag keys that differ only in case", grant("session-tags", Nodes.map("Repo", "{{repository}}", "repo", "x")), 11,
                        "session tag key 'repo' repeats another key (AWS tag keys ignore case)"),
                Arguments.of("a tag value with literal text AWS refuses", grant("session-tags", Nodes.map("repo", "{{repository}}!")), 10,
                        "session tag 'repo' value '{{repository}}!' may contain only"),
                Arguments.of("a tag value with an unknown claim", grant("session-tags", Nodes.map("repo", "{{repo}}")), 10,
                        "uses claim 'repo'"),
                Arguments.of("more than 50 session tags", grant("session-tags", fiftyOneTags()), 11, "session-tags has 51 tags; AWS accepts at most 50"),
                // transitive-tag-keys
                Arguments.of("a transitive key that is not a session tag", grant("session-tags", Nodes.map("repo", "{{repository}}"),
                        "transitive-tag-keys", List.of("env")), 12, "transitive-tag-keys names 'env', which is not a key of session-tags (repo)"),
                Arguments.of("transitive keys without session tags", grant("transitive-tag-keys", List.of("repo")), 11, "(there are none)"),
                Arguments.of("a transitive key named twice", grant("session-tags", Nodes.map("repo", "{{repository}}"),
                        "transitive-tag-keys", List.of("repo", "repo")), 12, "names 'repo' twice"),
                Arguments.of("an empty transitive key list", grant("transitive-tag-keys", List.of()), 11, "must not be an empty list"),
                // session-policy
                Arguments.of("a session policy that is not JSON", grant("session-policy", "Version: 2012-10-17"), 11,
                        "session-policy is not valid JSON: a policy document must be a JSON object"),
                Arguments.of("a session policy with trailing text", grant("session-policy", "{\"Statement\":[]} and more"), 11,
                        "unexpected content after the JSON object"),
                Arguments.of("a session policy with a duplicate member", grant("session-policy",
                        "{\"Statement\":[],\n \"Statement\":[]}"), 11, "duplicate member \"Statement\" at line 2, column 2"),
                Arguments.of("a session policy without a Statement", grant("session-policy", "{\"Version\":\"2012-10-17\"}"), 11,
                        "has no \"Statement\""),
                Arguments.of("a session policy over 2048 characters", grant("session-policy",
                        "{\"Statement\":[{\"Sid\":\"" + "x".repeat(2040) + "\"}]}"), 11, "STS accepts at most 2048"),
                Arguments.of("a session policy beyond Latin-1", grant("session-policy", "{\"Statement\":[{\"Sid\":\"✓\"}]}"), 11,
                        "beyond U+00FF"),
                // a nested Nodes.map sits on line 9, where the YAML reader would put the mapping's first key
                Arguments.of("a session policy as a YAML mapping", grant("session-policy", Nodes.map("Statement", "x")), 9,
                        "'session-policy' must be a string, not a mapping"),
                // source-identity
                Arguments.of("a source identity with a slash in its literal text", grant("source-identity", "gh/{{actor}}"), 11,
                        "contains '/': AWS allows only"),
                Arguments.of("a one-character literal source identity", grant("source-identity", "x"), 11, "must be 2 to 64 characters"),
                Arguments.of("a source identity with an unknown claim", grant("source-identity", "{{login}}"), 11, "uses claim 'login'"),
                // strictness
                Arguments.of("a misspelt field", grant("session_name", "x"), 11, "unknown field 'session_name'"),
                Arguments.of("a misspelt field inside session-tags is just a tag", grant("sesion-tags", Nodes.map("a", "b")), 11,
                        "unknown field 'sesion-tags'"));
    }

    private static Node.Mapping fiftyOneTags() {
        Object[] entries = new Object[102];
        for (int i = 0; i < 51; i++) {
            entries[2 * i] = "tag" + i;
            entries[2 * i + 1] = "v";
        }
        return Nodes.map(entries);
    }

    @ParameterizedTest(name = "{0} is refused at load time")
    @MethodSource("refusals")
    void refusesAtLoadTimeOnTheRightLine(String sentence, Node.Mapping grant, int line, String message) {
        Problems problems = new Problems();
        assertEquals(Optional.empty(), Fixtures.compile(grant, Duration.ofHours(1), problems));
        List<Problem> errors = problems.errors();
        assertTrue(errors.stream().anyMatch(p -> p.location().equals(new Location(Nodes.FILE, line)) && p.message().contains(message)),
                () -> "expected " + Nodes.FILE + ":" + line + ": ..." + message + "... in " + errors);
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("a role with a path", Nodes.map("role-arn", "arn:aws:iam::123456789012:role/ci/github/deploy")),
                Arguments.of("a role name with every allowed punctuation", Nodes.map("role-arn", "arn:aws:iam::123456789012:role/a+b=c,d.e@f_g-h")),
                Arguments.of("a GovCloud role in a GovCloud region", Nodes.map("role-arn", "arn:aws-us-gov:iam::123456789012:role/deploy",
                        "region", "us-gov-west-1")),
                Arguments.of("a China role in a China region", Nodes.map("role-arn", "arn:aws-cn:iam::123456789012:role/deploy",
                        "region", "cn-northwest-1")),
                Arguments.of("a FIPS endpoint", grant("sts-endpoint", "https://sts-fips.us-east-1.amazonaws.com")),
                Arguments.of("a VPC endpoint with a port", grant("region", "eu-central-1",
                        "sts-endpoint", "https://vpce-0a1b2c3d-4e5f6g7h.sts.eu-central-1.vpce.amazonaws.com:443/")),
                Arguments.of("an http stand-in on IPv4 loopback", grant("sts-endpoint", "http://127.0.0.1:8089")),
                Arguments.of("an http stand-in on localhost", grant("sts-endpoint", "http://localhost:8089")),
                Arguments.of("an http stand-in on IPv6 loopback", grant("sts-endpoint", "http://[::1]:8089")),
                Arguments.of("tag keys and values in other scripts and with spaces", grant("session-tags",
                        Nodes.map("Équipe", "Plateforme {{environment}}", "path:a/b=c+d-e@f", "{{/kubernetes.io/pod/name}}"))),
                Arguments.of("assume-role with everything", grant("mode", "assume-role", "session-name", "{{run_id}}",
                        "session-tags", Nodes.map("repo", "{{repository}}"), "transitive-tag-keys", "repo",
                        "source-identity", "gh-{{actor}}", "session-policy", "{\"Statement\":[]}")));
    }

    @ParameterizedTest(name = "{0} compiles cleanly")
    @MethodSource("accepted")
    void accepts(String sentence, Node.Mapping grant) {
        Fixtures.compileClean(grant);
    }

    @Test
    void defaultsAreWebIdentityInUsEast1ThroughTheRegionalEndpoint() {
        AwsGrant grant = Fixtures.compileClean(Nodes.map("role-arn", ROLE));
        assertEquals(Mode.WEB_IDENTITY, grant.mode());
        assertEquals("us-east-1", grant.region());
        assertEquals(Optional.empty(), grant.stsEndpoint());
        assertEquals("sts.us-east-1", grant.endpoint());
        assertEquals(Duration.ofHours(12), grant.longestTtl());
    }

    @Test
    void theEndpointKeepsOnlyItsOrigin() {
        AwsGrant grant = Fixtures.compileClean(grant("sts-endpoint", "HTTPS://sts.eu-west-1.amazonaws.com/"));
        assertEquals(Optional.of(URI.create("https://sts.eu-west-1.amazonaws.com")), grant.stsEndpoint());
    }

    @Test
    void describeListsEveryConfiguredValueForLintRules() {
        AwsGrant grant = Fixtures.compileClean(Nodes.map(
                "role-arn", "arn:aws:iam::123456789012:role/prod-deploy",
                "mode", "assume-role",
                "region", "eu-west-1",
                "session-name", "gh-{{run_id}}",
                "session-tags", Nodes.map("repo", "{{repository}}", "env", "{{environment}}"),
                "transitive-tag-keys", List.of("repo"),
                "session-policy", "{ \"Statement\" : [ ] }",
                "source-identity", "{{actor}}",
                "sts-endpoint", "https://sts-fips.eu-west-1.amazonaws.com"));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("role-arn", "arn:aws:iam::123456789012:role/prod-deploy");
        expected.put("mode", "assume-role");
        expected.put("region", "eu-west-1");
        expected.put("sts-endpoint", "https://sts-fips.eu-west-1.amazonaws.com");
        expected.put("session-name", "gh-{{run_id}}");
        expected.put("session-tags.repo", "{{repository}}");
        expected.put("session-tags.env", "{{environment}}");
        expected.put("transitive-tag-keys", "repo");
        expected.put("session-policy", "{\"Statement\":[]}");
        expected.put("source-identity", "{{actor}}");
        assertEquals(expected, grant.describe());
        assertEquals(List.of("repo", "env"), List.copyOf(grant.sessionTags().keySet()), "tags keep the order policy wrote");
    }

    @Test
    void withoutASessionNameDescribeSaysWhatTheDefaultIs() {
        assertEquals(SessionNames.DEFAULT_DESCRIPTION, Fixtures.compileClean(Nodes.map("role-arn", ROLE)).describe().get("session-name"));
    }

    @Test
    void aMaxTtlBelowFifteenMinutesWarnsThatAwsGrantsFifteen() {
        Problems problems = new Problems();
        assertTrue(Fixtures.compile(Nodes.map("role-arn", ROLE), Duration.ofMinutes(5), problems).isPresent());
        assertEquals(List.of(), problems.errors());
        assertEquals(1, problems.warnings().size());
        assertTrue(problems.warnings().get(0).message().contains("max-ttl 5m is below AWS's shortest role session (15m)"),
                problems.warnings().toString());
    }

    @Test
    void assumeRoleBeyondAnHourWarnsAboutRoleChaining() {
        Problems problems = new Problems();
        assertTrue(Fixtures.compile(grant("mode", "assume-role"), Duration.ofHours(2), problems).isPresent());
        assertEquals(List.of(), problems.errors());
        assertEquals(1, problems.warnings().size(), problems.warnings()::toString);
        assertTrue(problems.warnings().get(0).message().contains("exceeds 1h, the limit STS puts on role chaining"));
        Problems webIdentity = new Problems();
        assertTrue(Fixtures.compile(grant(), Duration.ofHours(2), webIdentity).isPresent());
        assertEquals(List.of(), webIdentity.all(), "web identity sessions are not chained");
    }

    @Test
    void messagesNameTheBinding() {
        Problems problems = new Problems();
        Fixtures.compile(grant("mode", "x"), Duration.ofHours(1), problems);
        assertTrue(problems.errors().get(0).message().startsWith("Binding 'deploy': aws grant: mode must be"), problems.all()::toString);
    }

    @Test
    void everyProblemOfOneGrantIsReportedTogether() {
        Problems problems = new Problems();
        Fixtures.compile(Nodes.map(
                "role-arn", "arn:aws:iam::1:role/x",
                "mode", "sideways",
                "region", "mars-1",
                "session-name", "a b",
                "session-policy", "{",
                "typo", "x"), Duration.ofHours(1), problems);
        assertEquals(List.of(10, 11, 12, 13, 14, 15), problems.errors().stream().map(p -> p.location().line()).toList(),
                problems.all()::toString);
    }
}
