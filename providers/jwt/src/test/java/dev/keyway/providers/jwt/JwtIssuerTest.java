package dev.keyway.providers.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyway.spi.BrokerContext;
import dev.keyway.spi.ClaimCatalog;
import dev.keyway.spi.GrantConfig;
import dev.keyway.spi.GrantDefinition;
import dev.keyway.spi.Identity;
import dev.keyway.spi.IssueException;
import dev.keyway.spi.IssueRequest;
import dev.keyway.spi.IssuedCredential;
import dev.keyway.spi.config.Fields;
import dev.keyway.spi.config.Location;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.config.Node.Scalar.ScalarType;
import dev.keyway.spi.config.Problem;
import dev.keyway.spi.config.Problems;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JwtIssuerTest {

    private static final String FILE = "binding.yaml";
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00.750Z");
    private static final String SECRET_LOOKING_VALUE = "acme-private-repo-4f1c";

    /** A github-like catalog: templates may use only these names (and pointers). */
    private static final ClaimCatalog CATALOG = new ClaimCatalog() {
        private final Set<String> names = Set.of("sub", "repository", "ref", "run_id", "environment", "actor");

        @Override
        public boolean knows(String claimName) {
            return names.contains(claimName);
        }

        @Override
        public String describe() {
            return "a github issuer";
        }
    };

    /** Hand-written fake: records what it was asked to sign and returns a recognisable stand-in token. */
    private static final class RecordingBroker implements BrokerContext {
        final List<Map<String, Object>> signed = new ArrayList<>();

        @Override
        public String publicUrl() {
            return "https://keyway.example.com";
        }

        @Override
        public String signJwt(Map<String, Object> claims) {
            signed.add(new LinkedHashMap<>(claims));
            return "signed-" + signed.size();
        }
    }

    private static final class FailingBroker implements BrokerContext {
        @Override
        public String publicUrl() {
            return "https://keyway.example.com";
        }

        @Override
        public String signJwt(Map<String, Object> claims) throws IssueException {
            throw new IssueException("unavailable", "no current signing key");
        }
    }

    // --- tiny builders for the config tree the broker's YAML reader would produce -------------------------

    private static Node.Mapping map(int line, Object... keysAndValues) {
        Map<String, Node> entries = new LinkedHashMap<>();
        Map<String, Location> keyLocations = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            Node value = (Node) keysAndValues[i + 1];
            entries.put((String) keysAndValues[i], value);
            keyLocations.put((String) keysAndValues[i], new Location(FILE, value.location().line()));
        }
        return new Node.Mapping(entries, keyLocations, new Location(FILE, line));
    }

    private static Node str(int line, String text) {
        return new Node.Scalar(text, ScalarType.STRING, new Location(FILE, line));
    }

    private static Node num(int line, String text) {
        return new Node.Scalar(text, ScalarType.INTEGER, new Location(FILE, line));
    }

    private static Node bool(int line, String text) {
        return new Node.Scalar(text, ScalarType.BOOLEAN, new Location(FILE, line));
    }

    private static Node list(int line, Node... items) {
        return new Node.Sequence(List.of(items), new Location(FILE, line));
    }

    private final JwtIssuer issuer = new JwtIssuer();

    private Optional<GrantConfig> compile(Node.Mapping grant, Problems problems) {
        return issuer.compile(new GrantDefinition("deploy", new Fields(grant, "Binding 'deploy': grant", problems),
                CATALOG, Duration.ofMinutes(15)), problems);
    }

    private GrantConfig compileClean(Node.Mapping grant) {
        Problems problems = new Problems();
        Optional<GrantConfig> config = compile(grant, problems);
        assertEquals(List.of(), problems.all());
        return config.orElseThrow();
    }

    // --- compile ---------------------------------------------------------------------------------------------

    static Stream<Arguments> compileErrors() {
        return Stream.of(
                Arguments.of("a grant without an audience is refused",
                        map(20, "subject", str(21, "{{repository}}")),
                        20, "missing required field 'audience'"),
                Arguments.of("an empty audience list is refused",
                        map(20, "audience", list(21)),
                        21, "'audience' must not be an empty list"),
                Arguments.of("a numeric audience is refused",
                        map(20, "audience", num(21, "42")),
                        21, "'audience' must be a string, not a number"),
                Arguments.of("iss cannot be templated",
                        map(20, "audience", str(21, "vault"), "claims", map(22, "iss", str(23, "https://evil"))),
                        23, "claim 'iss' is set by Keyway itself"),
                Arguments.of("sub cannot be set through claims",
                        map(20, "audience", str(21, "vault"), "claims", map(22, "sub", str(23, "admin"))),
                        23, "claim 'sub' is set by Keyway itself"),
                Arguments.of("exp cannot be templated",
                        map(20, "audience", str(21, "vault"), "claims", map(22, "exp", str(23, "9999999999"))),
                        23, "claim 'exp' is set by Keyway itself"),
                Arguments.of("aud cannot be set through claims",
                        map(20, "audience", str(21, "vault"), "claims", map(22, "aud", list(23, str(23, "other")))),
                        23, "claim 'aud' is set by Keyway itself"),
                Arguments.of("a numeric claim is refused",
                        map(20, "audience", str(21, "vault"), "claims", map(22, "level", num(23, "3"))),
                        23, "claim 'level' must be a string template or a list of them, not a number"),
                Arguments.of("a boolean list item is refused",
                        map(20, "audience", str(21, "vault"), "claims", map(22, "groups", list(23, str(24, "ok"), bool(25, "true")))),
                        25, "claim 'groups' must be a string template or a list of them, not a boolean"),
                Arguments.of("a mapping claim value is refused",
                        map(20, "audience", str(21, "vault"), "claims", map(22, "nested", map(23, "k", str(23, "v")))),
                        23, "claim 'nested' must be a string template or a list of them, not a mapping"),
                Arguments.of("a subject template with an unknown claim is refused",
                        map(20, "audience", str(21, "vault"), "subject", str(22, "{{repo}}@{{ref}}")),
                        22, "uses claim 'repo', which a github issuer does not have"),
                Arguments.of("a claim template with an unknown claim is refused",
                        map(20, "audience", str(21, "vault"), "claims", map(22, "groups", list(23, str(24, "team:{{team}}")))),
                        24, "uses claim 'team'"),
                Arguments.of("an unclosed subject template is refused",
                        map(20, "audience", str(21, "vault"), "subject", str(22, "{{repository")),
                        22, "without a closing '}}'"),
                Arguments.of("a non-string subject is refused",
                        map(20, "audience", str(21, "vault"), "subject", num(22, "7")),
                        22, "'subject' must be a string, not a number"),
                Arguments.of("claims that are not a mapping are refused",
                        map(20, "audience", str(21, "vault"), "claims", list(22, str(22, "a"))),
                        22, "claims must be a mapping, not a list"),
                Arguments.of("a misspelt field is refused",
                        map(20, "audience", str(21, "vault"), "audiance", str(22, "vault")),
                        22, "unknown field 'audiance'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compileErrors")
    void refusesAtLoadTime(String sentence, Node.Mapping grant, int line, String message) {
        Problems problems = new Problems();
        assertEquals(Optional.empty(), compile(grant, problems));
        List<Problem> errors = problems.errors();
        assertTrue(errors.stream().anyMatch(p -> p.location().equals(new Location(FILE, line))
                        && p.message().contains(message)),
                () -> "expected " + FILE + ":" + line + ": ..." + message + "... in " + errors);
    }

    @Test
    void collectsEveryProblemOfOneGrant() {
        Problems problems = new Problems();
        compile(map(20, "subject", str(21, "{{repo}}"), "claims", map(22, "iss", str(23, "x"), "n", num(24, "1")),
                "typo", str(25, "x")), problems);
        assertEquals(List.of(20, 21, 23, 24, 25), problems.errors().stream().map(p -> p.location().line()).toList(),
                problems.all()::toString);
    }

    @Test
    void aGoodGrantDescribesEveryConfiguredValue() {
        GrantConfig config = compileClean(map(20,
                "audience", list(21, str(21, "vault"), str(21, "k8s")),
                "subject", str(22, "{{repository}}@{{ref}}"),
                "claims", map(23, "groups", list(24, str(24, "ci"), str(24, "env:{{environment}}")),
                        "pod", str(25, "{{/kubernetes.io/pod/name}}"))));
        assertEquals(Map.of("audience", "vault,k8s", "subject", "{{repository}}@{{ref}}",
                "claims.groups", "ci,env:{{environment}}", "claims.pod", "{{/kubernetes.io/pod/name}}"), config.describe());
        assertEquals(Duration.ofHours(24), config.longestTtl());
        assertEquals("jwt", issuer.type());
    }

    @Test
    void extraClaimsKeepThePolicysOrder() {
        GrantConfig config = compileClean(map(20, "audience", str(21, "vault"),
                "claims", map(22, "zeta", str(23, "z"), "alpha", str(24, "a"), "mid", list(25, str(25, "m")))));
        assertEquals(List.of("audience", "subject", "claims.zeta", "claims.alpha", "claims.mid"),
                List.copyOf(config.describe().keySet()));
    }

    // --- issue -----------------------------------------------------------------------------------------------

    private static Identity identity(Map<String, Object> claims) {
        return new Identity("github", claims, claims);
    }

    private static final Identity CALLER = identity(Map.of(
            "sub", "repo:acme/api:ref:refs/heads/main",
            "repository", "acme/api",
            "ref", "refs/heads/main",
            "run_id", "42",
            "environment", "production",
            "kubernetes.io", Map.of("pod", Map.of("name", "web-1"))));

    private static IssueRequest request(GrantConfig grant, Identity identity, BrokerContext broker) {
        return new IssueRequest("deploy", grant, identity, Duration.ofMinutes(15), NOW, "req-1",
                Optional.empty(), Optional.empty(), "json", broker);
    }

    @Test
    void signsTheBrokerOwnedClaimsAndTheRenderedTemplates() throws IssueException {
        GrantConfig grant = compileClean(map(20,
                "audience", str(21, "vault"),
                "subject", str(22, "{{repository}}@{{run_id}}"),
                "claims", map(23, "groups", list(24, str(24, "deployers"), str(24, "env:{{environment}}")),
                        "single", list(25, str(25, "{{ref}}")),
                        "pod", str(26, "{{/kubernetes.io/pod/name}}"),
                        "static", str(27, "fixed"))));
        RecordingBroker broker = new RecordingBroker();
        IssuedCredential credential = issuer.issue(request(grant, CALLER, broker));

        assertEquals(1, broker.signed.size());
        Map<String, Object> claims = broker.signed.get(0);
        assertEquals("https://keyway.example.com", claims.get("iss"));
        assertEquals("vault", claims.get("aud"), "one audience is a plain string");
        assertEquals("acme/api@42", claims.get("sub"));
        long now = NOW.getEpochSecond();
        assertEquals(now, claims.get("iat"));
        assertEquals(now, claims.get("nbf"));
        assertEquals(now + 15 * 60, claims.get("exp"));
        assertEquals(List.of("deployers", "env:production"), claims.get("groups"));
        assertEquals(List.of("refs/heads/main"), claims.get("single"), "a one-item list stays a list");
        assertEquals("web-1", claims.get("pod"));
        assertEquals("fixed", claims.get("static"));
        assertInstanceOf(String.class, claims.get("jti"));
        assertEquals(Set.of("iss", "sub", "aud", "iat", "nbf", "exp", "jti", "keyway", "groups", "single", "pod", "static"),
                claims.keySet());

        assertEquals("jwt", credential.type());
        assertEquals(Map.of("token", "signed-1"), credential.credentials());
        assertEquals(claims.get("jti"), credential.id(), "audit records the jti, never the token");
        assertEquals(Instant.ofEpochSecond(now + 15 * 60), credential.expiresAt());
        assertFalse(credential.toString().contains("signed-1"), "toString never shows the token");
    }

    @Test
    void severalAudiencesStayAList() throws IssueException {
        GrantConfig grant = compileClean(map(20, "audience", list(21, str(21, "vault"), str(22, "k8s"))));
        RecordingBroker broker = new RecordingBroker();
        issuer.issue(request(grant, CALLER, broker));
        assertEquals(List.of("vault", "k8s"), broker.signed.get(0).get("aud"));
    }

    @Test
    void theSubjectDefaultsToTheBindingAndTheCallersSubUnambiguously() throws IssueException {
        GrantConfig grant = compileClean(map(20, "audience", str(21, "vault")));
        RecordingBroker broker = new RecordingBroker();
        issuer.issue(request(grant, CALLER, broker));
        String sub = (String) broker.signed.get(0).get("sub");
        String binding = sub.substring(0, sub.indexOf(':'));
        assertEquals("repo:acme/api:ref:refs/heads/main", sub.substring(binding.length() + 1),
                "binding names hold no ':', so the first colon splits binding and caller subject");
        assertFalse(binding.isEmpty());
    }

    @Test
    void theCallersIdentityTravelsUnderTheKeywayClaimWithoutTokenMetadata() throws IssueException {
        GrantConfig grant = compileClean(map(20, "audience", str(21, "vault")));
        RecordingBroker broker = new RecordingBroker();
        issuer.issue(request(grant, CALLER, broker));
        @SuppressWarnings("unchecked")
        Map<String, Object> keyway = (Map<String, Object>) broker.signed.get(0).get("keyway");
        @SuppressWarnings("unchecked")
        Map<String, Object> identity = (Map<String, Object>) keyway.get("claims");
        assertEquals("acme/api", identity.get("repository"));
        assertFalse(identity.containsKey("exp") || identity.containsKey("aud") || identity.containsKey("jti"));
        assertInstanceOf(String.class, keyway.get("binding"));
    }

    @Test
    void everyTokenGetsItsOwnJti() throws IssueException {
        GrantConfig grant = compileClean(map(20, "audience", str(21, "vault")));
        RecordingBroker broker = new RecordingBroker();
        IssuedCredential first = issuer.issue(request(grant, CALLER, broker));
        IssuedCredential second = issuer.issue(request(grant, CALLER, broker));
        assertFalse(first.id().equals(second.id()));
        assertEquals(first.id(), broker.signed.get(0).get("jti"));
        assertEquals(second.id(), broker.signed.get(1).get("jti"));
    }

    static Stream<Arguments> missingClaims() {
        return Stream.of(
                Arguments.of("a subject claim the token lacks", map(20, "audience", str(21, "vault"),
                        "subject", str(22, SECRET_LOOKING_VALUE + "-{{repository}}/{{actor}}")), "sub"),
                Arguments.of("a claim template the token lacks", map(20, "audience", str(21, "vault"),
                        "claims", map(22, "who", str(23, "{{repository}}:{{actor}}"))), "who"),
                Arguments.of("a list item the token lacks", map(20, "audience", str(21, "vault"),
                        "claims", map(22, "groups", list(23, str(23, "{{repository}}"), str(23, "{{/kubernetes.io/node/name}}")))), "groups"),
                Arguments.of("an array where a scalar is needed", map(20, "audience", str(21, "vault"),
                        "claims", map(22, "team", str(23, "{{/teams}}"))), "team"));
    }

    @ParameterizedTest(name = "{0} is invalid_request and leaks no claim value")
    @MethodSource("missingClaims")
    void aMissingTemplateClaimRefusesToMint(String sentence, Node.Mapping grantTree, String claim) {
        GrantConfig grant = compileClean(grantTree);
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", "repo:" + SECRET_LOOKING_VALUE);
        claims.put("repository", SECRET_LOOKING_VALUE);
        claims.put("teams", List.of(SECRET_LOOKING_VALUE));
        RecordingBroker broker = new RecordingBroker();
        IssueException e = assertThrows(IssueException.class, () -> issuer.issue(request(grant, identity(claims), broker)));
        assertEquals("invalid_request", e.code());
        assertTrue(e.getMessage().contains("'" + claim + "'"), e.getMessage());
        String messageWithoutTemplateSource = e.getMessage().replace(SECRET_LOOKING_VALUE + "-{{", "{{");
        assertFalse(messageWithoutTemplateSource.contains(SECRET_LOOKING_VALUE), "the message names claims, never their values");
        assertEquals(List.of(), broker.signed, "nothing is signed when a template cannot render");
    }

    @Test
    void aSigningFailureKeepsItsCode() {
        GrantConfig grant = compileClean(map(20, "audience", str(21, "vault")));
        IssueException e = assertThrows(IssueException.class, () -> issuer.issue(request(grant, CALLER, new FailingBroker())));
        assertEquals("unavailable", e.code());
    }
}
