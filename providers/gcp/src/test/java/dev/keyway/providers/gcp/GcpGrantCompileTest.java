package dev.keyway.providers.gcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyway.spi.ClaimCatalog;
import dev.keyway.spi.GrantConfig;
import dev.keyway.spi.GrantDefinition;
import dev.keyway.spi.config.Fields;
import dev.keyway.spi.config.Location;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.config.Node.Scalar.ScalarType;
import dev.keyway.spi.config.Problem;
import dev.keyway.spi.config.Problems;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What `policy check` says about a gcp grant: every mistake on its own line, nothing thrown, no I/O. */
class GcpGrantCompileTest {

    private static final String FILE = "gcp.yaml";
    static final String PROVIDER =
            "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/keyway-ci/providers/keyway";

    static Node.Mapping map(int line, Object... keysAndValues) {
        Map<String, Node> entries = new LinkedHashMap<>();
        Map<String, Location> keyLocations = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            Node value = (Node) keysAndValues[i + 1];
            entries.put((String) keysAndValues[i], value);
            keyLocations.put((String) keysAndValues[i], new Location(FILE, value.location().line()));
        }
        return new Node.Mapping(entries, keyLocations, new Location(FILE, line));
    }

    static Node str(int line, String text) {
        return new Node.Scalar(text, ScalarType.STRING, new Location(FILE, line));
    }

    static Node num(int line, String text) {
        return new Node.Scalar(text, ScalarType.INTEGER, new Location(FILE, line));
    }

    static Node list(int line, Node... items) {
        return new Node.Sequence(List.of(items), new Location(FILE, line));
    }

    private final GcpIssuer issuer = new GcpIssuer();

    private Optional<GrantConfig> compile(Node.Mapping grant, Duration maxTtl, Problems problems) {
        return issuer.compile(new GrantDefinition("deploy", new Fields(grant, "Binding 'deploy': grant", problems),
                ClaimCatalog.ANY, maxTtl), problems);
    }

    private GcpGrant compileClean(Node.Mapping grant) {
        Problems problems = new Problems();
        Optional<GrantConfig> config = compile(grant, Duration.ofHours(1), problems);
        assertEquals(List.of(), problems.all());
        return (GcpGrant) config.orElseThrow();
    }

    static Stream<Arguments> compileErrors() {
        return Stream.of(
                Arguments.of("a grant without a workload identity provider is refused",
                        map(20, "service-account", str(21, "deployer@acme-prod.iam.gserviceaccount.com")),
                        20, "missing required field 'workload-identity-provider'"),
                Arguments.of("a numeric provider is refused",
                        map(20, "workload-identity-provider", num(21, "42")),
                        21, "'workload-identity-provider' must be a string, not a number"),
                Arguments.of("the provider as an https URL is refused with the resource name to write",
                        map(20, "workload-identity-provider", str(21, "https://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/keyway/providers/keyway")),
                        21, "is a URL; write the resource name, //iam.googleapis.com/projects/1/"),
                Arguments.of("the provider without its service prefix is refused",
                        map(20, "workload-identity-provider", str(21, "projects/1/locations/global/workloadIdentityPools/keyway/providers/keyway")),
                        21, "lacks the service prefix; write //iam.googleapis.com/projects/1/"),
                Arguments.of("a project ID instead of its number is refused",
                        map(20, "workload-identity-provider", str(21, "//iam.googleapis.com/projects/acme-prod/locations/global/workloadIdentityPools/keyway/providers/keyway")),
                        21, "use the project number, not its ID"),
                Arguments.of("a pool outside location global is refused",
                        map(20, "workload-identity-provider", str(21, "//iam.googleapis.com/projects/1/locations/europe-west1/workloadIdentityPools/keyway/providers/keyway")),
                        21, "live in location 'global'"),
                Arguments.of("a pool ID with capitals is refused",
                        map(20, "workload-identity-provider", str(21, "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/Keyway/providers/keyway")),
                        21, "pool ID 'Keyway' must be 4-32"),
                Arguments.of("a reserved gcp- pool ID is refused",
                        map(20, "workload-identity-provider", str(21, "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gcp-ci/providers/keyway")),
                        21, "not start with 'gcp-'"),
                Arguments.of("a provider ID too short is refused",
                        map(20, "workload-identity-provider", str(21, "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/keyway/providers/kw")),
                        21, "provider ID 'kw' must be 4-32"),
                Arguments.of("a workforce pool is refused",
                        map(20, "workload-identity-provider", str(21, "//iam.googleapis.com/locations/global/workforcePools/staff/providers/okta")),
                        21, "is a workforce pool"),
                Arguments.of("a pool without its provider is refused",
                        map(20, "workload-identity-provider", str(21, "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/keyway")),
                        21, "is not a workload identity pool provider"),
                Arguments.of("a service account that is not an email is refused",
                        map(20, "workload-identity-provider", str(21, PROVIDER), "service-account", str(22, "deployer")),
                        22, "service-account 'deployer' is not a service account email"),
                Arguments.of("a user's email as service account is refused",
                        map(20, "workload-identity-provider", str(21, PROVIDER), "service-account", str(22, "alice@acme.example")),
                        22, "is not a service account email"),
                Arguments.of("a scope with spaces is refused",
                        map(20, "workload-identity-provider", str(21, PROVIDER), "scopes", list(22, str(23, "cloud-platform devstorage.read_only"))),
                        23, "scope 'cloud-platform devstorage.read_only' is neither"),
                Arguments.of("an http scope is refused",
                        map(20, "workload-identity-provider", str(21, PROVIDER), "scopes", str(22, "http://www.googleapis.com/auth/cloud-platform")),
                        22, "is neither an https URL nor a short name"),
                Arguments.of("an empty scope list is refused",
                        map(20, "workload-identity-provider", str(21, PROVIDER), "scopes", list(22)),
                        22, "'scopes' must not be an empty list"),
                Arguments.of("an http STS endpoint is refused",
                        map(20, "workload-identity-provider", str(21, PROVIDER), "sts-endpoint", str(22, "http://sts.googleapis.com")),
                        22, "sts-endpoint 'http://sts.googleapis.com' must be an https URL"),
                Arguments.of("an STS endpoint with the API path is refused",
                        map(20, "workload-identity-provider", str(21, PROVIDER), "sts-endpoint", str(22, "https://sts.googleapis.com/v1/token")),
                        22, "must be a base URL like https://sts.googleapis.com"),
                Arguments.of("an IAM endpoint with credentials in it is refused",
                        map(20, "workload-identity-provider", str(21, PROVIDER), "service-account", str(22, "a-deployer@acme-prod.iam.gserviceaccount.com"),
                                "iam-endpoint", str(23, "https://user:pw@iamcredentials.googleapis.com")),
                        23, "iam-endpoint 'https://user:pw@iamcredentials.googleapis.com' must be a base URL"),
                Arguments.of("an endpoint that is not a URL is refused",
                        map(20, "workload-identity-provider", str(21, PROVIDER), "iam-endpoint", str(22, "https://exa mple")),
                        22, "is not a URL"),
                Arguments.of("a misspelt field is refused",
                        map(20, "workload-identity-provider", str(21, PROVIDER), "service_account", str(22, "x@y.iam.gserviceaccount.com")),
                        22, "unknown field 'service_account'"),
                Arguments.of("a field of another cloud is refused",
                        map(20, "workload-identity-provider", str(21, PROVIDER), "role-arn", str(22, "arn:aws:iam::1:role/x")),
                        22, "unknown field 'role-arn'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compileErrors")
    void refusesAtLoadTime(String sentence, Node.Mapping grant, int line, String message) {
        Problems problems = new Problems();
        assertEquals(Optional.empty(), compile(grant, Duration.ofHours(1), problems));
        List<Problem> errors = problems.errors();
        assertTrue(errors.stream().anyMatch(p -> p.location().equals(new Location(FILE, line)) && p.message().contains(message)),
                () -> "expected " + FILE + ":" + line + ": ..." + message + "... in " + errors);
    }

    @Test
    void collectsEveryProblemOfOneGrant() {
        Problems problems = new Problems();
        compile(map(20, "workload-identity-provider", str(21, "projects/x"), "service-account", str(22, "nobody"),
                "scopes", str(23, "a b"), "sts-endpoint", str(24, "http://x"), "typo", str(25, "x")), Duration.ofHours(1), problems);
        assertEquals(List.of(21, 22, 23, 24, 25), problems.errors().stream().map(p -> p.location().line()).toList(),
                problems.all()::toString);
    }

    @Test
    void defaultsAreGooglesPublicEndpointsAndCloudPlatform() {
        GcpGrant grant = compileClean(map(20, "workload-identity-provider", str(21, PROVIDER)));
        assertEquals(Optional.empty(), grant.serviceAccount());
        assertEquals(List.of("https://www.googleapis.com/auth/cloud-platform"), grant.scopes());
        assertEquals("https://sts.googleapis.com/v1/token", grant.tokenUrl());
        assertEquals("https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/a@b.iam.gserviceaccount.com:generateAccessToken",
                grant.generateAccessTokenUrl("a@b.iam.gserviceaccount.com"));
        assertEquals(Duration.ofHours(12), grant.longestTtl(), "generateAccessToken's hard limit");
        assertEquals(Map.of("workload-identity-provider", PROVIDER, "scopes", "https://www.googleapis.com/auth/cloud-platform",
                "sts-endpoint", "https://sts.googleapis.com", "iam-endpoint", "https://iamcredentials.googleapis.com"), grant.describe());
    }

    @Test
    void shortScopesExpandAndPrivateEndpointsAreKeptAsBaseUrls() {
        GcpGrant grant = compileClean(map(20,
                "workload-identity-provider", str(21, PROVIDER),
                "service-account", str(22, "deployer@acme-prod.iam.gserviceaccount.com"),
                "scopes", list(23, str(23, "devstorage.read_only"), str(23, "https://www.googleapis.com/auth/sqlservice.admin"),
                        str(23, "devstorage.read_only")),
                "sts-endpoint", str(24, "https://sts-keyway.p.googleapis.com/"),
                "iam-endpoint", str(25, "https://IAMCREDENTIALS-keyway.p.googleapis.com:443")));
        assertEquals(List.of("https://www.googleapis.com/auth/devstorage.read_only", "https://www.googleapis.com/auth/sqlservice.admin"),
                grant.scopes(), "expanded, in order, without duplicates");
        assertEquals("https://sts-keyway.p.googleapis.com/v1/token", grant.tokenUrl());
        assertEquals("https://iamcredentials-keyway.p.googleapis.com:443/v1/projects/-/serviceAccounts/x@y.iam.gserviceaccount.com:generateAccessToken",
                grant.generateAccessTokenUrl("x@y.iam.gserviceaccount.com"));
        assertEquals("deployer@acme-prod.iam.gserviceaccount.com", grant.describe().get("service-account"));
    }

    static Stream<Arguments> warnings() {
        return Stream.of(
                Arguments.of("impersonation beyond 1h needs Google's lifetime extension",
                        map(20, "workload-identity-provider", str(21, PROVIDER), "service-account", str(22, "d-ploy@p-1234.iam.gserviceaccount.com")),
                        Duration.ofHours(4), "constraints/iam.allowServiceAccountCredentialLifetimeExtension lists d-ploy@p-1234"),
                Arguments.of("a federated token may outlive a short max-ttl",
                        map(20, "workload-identity-provider", str(21, PROVIDER)),
                        Duration.ofMinutes(15), "may exceed max-ttl 15m"),
                Arguments.of("an endpoint outside googleapis.com gets the tokens",
                        map(20, "workload-identity-provider", str(21, PROVIDER), "sts-endpoint", str(22, "https://sts.corp.example")),
                        Duration.ofHours(1), "is outside googleapis.com"),
                Arguments.of("an IAM endpoint without a service account does nothing",
                        map(20, "workload-identity-provider", str(21, PROVIDER), "iam-endpoint", str(22, "https://iamcredentials.googleapis.com")),
                        Duration.ofHours(1), "iam-endpoint is only used with service-account"));
    }

    @ParameterizedTest(name = "{0}: a warning, and the grant still loads")
    @MethodSource("warnings")
    void warnsButLoads(String sentence, Node.Mapping grant, Duration maxTtl, String message) {
        Problems problems = new Problems();
        assertTrue(compile(grant, maxTtl, problems).isPresent());
        assertEquals(List.of(), problems.errors());
        assertTrue(problems.warnings().stream().anyMatch(p -> p.message().contains(message) && p.location().line() > 0),
                problems.all()::toString);
    }
}
