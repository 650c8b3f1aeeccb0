package dev.keyway.providers.azure;

import dev.keyway.spi.ClaimCatalog;
import dev.keyway.spi.GrantConfig;
import dev.keyway.spi.GrantDefinition;
import dev.keyway.spi.Identity;
import dev.keyway.spi.IssueRequest;
import dev.keyway.spi.config.Fields;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.config.Problems;
import dev.keyway.spi.contract.Nodes;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Builds compiled grants and issue requests the way the broker would. */
final class Grants {

    static final String CALLER_SUB = "repo:acme/api:environment:production";
    static final Identity CALLER = new Identity("github", Map.of("sub", CALLER_SUB, "repository", "acme/api"), Map.of());

    private Grants() {
    }

    static Node.Mapping fields(String... extra) {
        Object[] base = {"tenant-id", EntraStandIn.TENANT, "client-id", EntraStandIn.CLIENT, "scope", EntraStandIn.SCOPE};
        Object[] all = new Object[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return Nodes.map(all);
    }

    static AzureGrant compile(Node.Mapping fields) {
        Problems problems = new Problems();
        Optional<GrantConfig> grant = new AzureIssuer().compile(
                new GrantDefinition("deploy", new Fields(fields, "grant", problems), ClaimCatalog.ANY, Duration.ofHours(1)), problems);
        if (problems.hasErrors() || grant.isEmpty()) {
            throw new AssertionError("the grant should compile: " + problems.all());
        }
        return (AzureGrant) grant.get();
    }

    static AzureGrant grant() {
        return compile(fields());
    }

    static IssueRequest request(GrantConfig grant, Identity identity, SigningBroker broker) {
        return request("deploy", grant, identity, broker);
    }

    static IssueRequest request(String binding, GrantConfig grant, Identity identity, SigningBroker broker) {
        return new IssueRequest(binding, grant, identity, Duration.ofMinutes(15), Instant.now(), "req-1", Optional.empty(),
                Optional.empty(), "json", broker);
    }
}
