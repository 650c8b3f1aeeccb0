package dev.keyway.providers.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyway.spi.ClaimCatalog;
import dev.keyway.spi.GrantDefinition;
import dev.keyway.spi.config.Fields;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.config.Problem;
import dev.keyway.spi.config.Problems;
import dev.keyway.spi.contract.Nodes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every azure grant mistake is a load error on its own line, found before any deploy fails on it. */
class AzureGrantTest {

    private static final String TENANT = EntraStandIn.TENANT;
    private static final String CLIENT = EntraStandIn.CLIENT;
    private static final String SCOPE = EntraStandIn.SCOPE;

    /** What compiling one grant gave: its problems and, when there were no errors, the grant. */
    private record Compiled(Problems problems, Optional<AzureGrant> grant) {
    }

    private static Compiled compile(Node.Mapping fields) {
        Problems problems = new Problems();
        Fields read = new Fields(fields, "grant", problems);
        read.duration("max-ttl"); // the broker reads max-ttl itself before handing the grant over
        return new Compiled(problems, AzureGrant.compile(new GrantDefinition("deploy", read, ClaimCatalog.ANY, Duration.ofHours(1)), problems));
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                Arguments.of("a missing tenant-id", Nodes.map("client-id", CLIENT, "scope", SCOPE), 9,
                        "missing required field 'tenant-id'"),
                Arguments.of("a missing client-id", Nodes.map("tenant-id", TENANT, "scope", SCOPE), 9,
                        "missing required field 'client-id'"),
                Arguments.of("a missing scope", Nodes.map("tenant-id", TENANT, "client-id", CLIENT), 9,
                        "missing required field 'scope'"),
                Arguments.of("the multi-tenant 'common' endpoint", Nodes.map("tenant-id", "common", "client-id", CLIENT, "scope", SCOPE), 10,
                        "names no single tenant"),
                Arguments.of("'organizations' in any case", Nodes.map("tenant-id", "Organizations", "client-id", CLIENT, "scope", SCOPE), 10,
                        "names no single tenant"),
                Arguments.of("a tenant that is neither GUID nor domain", Nodes.map("tenant-id", "acme tenant", "client-id", CLIENT, "scope", SCOPE), 10,
                        "neither a GUID"),
                Arguments.of("a single-label tenant name", Nodes.map("tenant-id", "contoso", "client-id", CLIENT, "scope", SCOPE), 10,
                        "neither a GUID"),
                Arguments.of("an app name instead of its client ID", Nodes.map("tenant-id", TENANT, "client-id", "deploy-app", "scope", SCOPE), 11,
                        "client-id 'deploy-app' is not a GUID"),
                Arguments.of("a delegated permission scope", Nodes.map("tenant-id", TENANT, "client-id", CLIENT, "scope",
                        "https://graph.microsoft.com/User.Read"), 12, "'https://graph.microsoft.com/.default'"),
                Arguments.of("a bare resource without /.default", Nodes.map("tenant-id", TENANT, "client-id", CLIENT, "scope",
                        "https://management.azure.com/"), 12, "'https://management.azure.com/.default'"),
                Arguments.of("a permission name alone", Nodes.map("tenant-id", TENANT, "client-id", CLIENT, "scope", "User.Read"), 12,
                        "is not a '.default' scope"),
                Arguments.of("two scopes in one string", Nodes.map("tenant-id", TENANT, "client-id", CLIENT, "scope",
                        "https://management.azure.com/.default https://vault.azure.net/.default"), 12, "without spaces"),
                Arguments.of("a .default of nothing", Nodes.map("tenant-id", TENANT, "client-id", CLIENT, "scope", "/.default"), 12,
                        "is not a resource"),
                Arguments.of("a relative resource", Nodes.map("tenant-id", TENANT, "client-id", CLIENT, "scope", "management/.default"), 12,
                        "is not a resource"),
                Arguments.of("an http authority host", Grants.fields("authority-host", "http://login.microsoftonline.com"), 13,
                        "must be an https URL"),
                Arguments.of("an authority host with the tenant in it", Grants.fields("authority-host",
                        "https://login.microsoftonline.com/" + TENANT), 13, "must be the bare host"),
                Arguments.of("an authority host with a query", Grants.fields("authority-host", "https://login.microsoftonline.com?x=1"), 13,
                        "must be the bare host"),
                Arguments.of("an authority host that is no URL", Grants.fields("authority-host", "login microsoftonline"), 13,
                        "is not a URL"),
                Arguments.of("a misspelt field", Grants.fields("client_id", CLIENT), 13, "unknown field 'client_id'"));
    }

    @ParameterizedTest(name = "{0} is an error on line {2}")
    @MethodSource("mistakes")
    void aMistakeIsAnErrorOnItsLine(String sentence, Node.Mapping fields, int line, String message) {
        Compiled compiled = compile(fields);
        List<Problem> errors = compiled.problems().errors();
        assertTrue(errors.stream().anyMatch(p -> p.location().line() == line && p.message().contains(message)), errors.toString());
        assertTrue(compiled.grant().isEmpty(), "a grant with errors does not compile");
    }

    @Test
    void identifiersAreNormalisedAndTheAuthorityHostDefaultsToThePublicCloud() {
        Compiled result = compile(Nodes.map("tenant-id", TENANT.toUpperCase(), "client-id", CLIENT.toUpperCase(), "scope", SCOPE));
        assertEquals(List.of(), result.problems().all());
        AzureGrant compiled = result.grant().orElseThrow();
        assertEquals(new AzureGrant(TENANT, CLIENT, SCOPE, "https://login.microsoftonline.com"), compiled);
        assertTrue(compiled.knownCloud());
        assertEquals(Map.of("tenant-id", TENANT, "client-id", CLIENT, "scope", SCOPE,
                "authority-host", "https://login.microsoftonline.com"), compiled.describe());
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("a verified domain as tenant", "contoso.onmicrosoft.com", SCOPE, "https://login.microsoftonline.com"),
                Arguments.of("an api:// application ID URI", TENANT, "api://" + CLIENT + "/.default", "https://login.microsoftonline.com"),
                Arguments.of("a resource's client ID", TENANT, "00000003-0000-0000-c000-000000000000/.default", "https://login.microsoftonline.com"),
                Arguments.of("the US Government cloud", TENANT, "https://management.usgovcloudapi.net/.default", "https://login.microsoftonline.us/"),
                Arguments.of("the China cloud", TENANT, "https://management.chinacloudapi.cn/.default", "https://LOGIN.chinacloudapi.cn"));
    }

    @ParameterizedTest(name = "{0} compiles cleanly")
    @MethodSource("accepted")
    void acceptedForms(String sentence, String tenant, String scope, String authorityHost) {
        Compiled result = compile(Nodes.map("tenant-id", tenant, "client-id", CLIENT, "scope", scope, "authority-host", authorityHost));
        assertEquals(List.of(), result.problems().all());
        AzureGrant compiled = result.grant().orElseThrow();
        assertEquals(scope, compiled.scope());
        assertFalse(compiled.authorityHost().endsWith("/"), "the host is stored without a trailing slash");
        assertEquals(authorityHost.toLowerCase().replaceAll("/$", ""), compiled.authorityHost());
        assertTrue(compiled.knownCloud());
    }

    @Test
    void aPrivateAuthorityHostCompilesWithAWarningAndWithoutInstanceDiscovery() {
        Compiled result = compile(Grants.fields("authority-host", "https://login.azurestack.contoso.example:8443"));
        Problems problems = result.problems();
        assertEquals(List.of(), problems.errors());
        assertEquals(1, problems.warnings().size());
        assertTrue(problems.warnings().get(0).message().contains("not one of Microsoft's Entra ID clouds"), problems.all().toString());
        assertEquals(13, problems.warnings().get(0).location().line());
        assertEquals("https://login.azurestack.contoso.example:8443", result.grant().orElseThrow().authorityHost());
        assertFalse(result.grant().get().knownCloud());
    }

    @Test
    void maxTtlWarnsThatEntraDecidesTheLifetime() {
        Problems problems = compile(Grants.fields("max-ttl", "15m")).problems();
        assertEquals(List.of(), problems.errors());
        assertEquals(1, problems.warnings().size());
        assertTrue(problems.warnings().get(0).message().contains("does not shorten Entra ID access tokens"));
        assertEquals(13, problems.warnings().get(0).location().line());
    }

    @ParameterizedTest(name = "{0} expects the assertion audience {1}")
    @org.junit.jupiter.params.provider.CsvSource({
            "https://login.microsoftonline.com, api://AzureADTokenExchange",
            "https://login.microsoftonline.us, api://AzureADTokenExchangeUSGov",
            "https://login.chinacloudapi.cn, api://AzureADTokenExchangeChina",
            "https://login.partner.microsoftonline.cn, api://AzureADTokenExchangeChina",
            "https://login.azurestack.contoso.example, api://AzureADTokenExchange"})
    void eachCloudHasItsFederatedCredentialAudience(String authorityHost, String audience) {
        assertEquals(audience, new AzureGrant(TENANT, CLIENT, SCOPE, authorityHost).audience());
    }

    @Test
    void theLongestLifetimeIsWhatATokenLifetimePolicyCanGive() {
        assertEquals(Duration.ofHours(24), Grants.grant().longestTtl());
    }

    @Test
    void everyErrorIsCollectedNotJustTheFirst() {
        Problems problems = compile(Nodes.map("tenant-id", "common", "client-id", "x", "scope", "User.Read",
                "authority-host", "http://login.microsoftonline.com")).problems();
        assertEquals(4, problems.errorCount(), problems.all().toString());
    }
}
