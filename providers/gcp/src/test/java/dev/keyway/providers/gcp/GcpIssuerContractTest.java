package dev.keyway.providers.gcp;

import dev.keyway.providers.upstream.Upstream;
import dev.keyway.spi.CredentialIssuer;
import dev.keyway.spi.GrantConfig;
import dev.keyway.spi.Identity;
import dev.keyway.spi.IssueRequest;
import dev.keyway.spi.IssuedCredential;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.contract.CredentialIssuerContract;
import dev.keyway.spi.contract.Nodes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;

/** The gcp grant keeps the promises every grant provider makes, against stand-in STS and IAM Credentials. */
class GcpIssuerContractTest extends CredentialIssuerContract {

    private static final StandInGoogle GOOGLE = new StandInGoogle();
    private final GcpIssuer issuer = new GcpIssuer(GOOGLE.transport(),
            new Upstream.Settings(3, Duration.ofMillis(1), 50f, 10, Duration.ofMinutes(1)), GoogleApis.Timeouts.DEFAULT);

    @AfterAll
    static void stop() {
        GOOGLE.close();
    }

    @Override
    protected CredentialIssuer provider() {
        return issuer;
    }

    @Override
    protected Node.Mapping validGrant() {
        return Nodes.map(
                "workload-identity-provider",
                "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/keyway/providers/keyway",
                "service-account", "deployer@acme-prod.iam.gserviceaccount.com",
                "scopes", List.of("cloud-platform"),
                "sts-endpoint", "https://sts.googleapis.com",
                "iam-endpoint", "https://iamcredentials.googleapis.com");
    }

    @Override
    protected IssuedCredential issue(GrantConfig grant) throws Exception {
        GOOGLE.stsIssues(3599);
        GOOGLE.iamIssues(Instant.now().plus(ttl()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        Identity identity = new Identity("ci", Map.of("sub", "repo:acme/api", "repository", "acme/api"), Map.of());
        return issuer.issue(new IssueRequest("contract", grant, identity, ttl(), Instant.now(), "req-1",
                Optional.empty(), Optional.empty(), "json", new FakeBroker()));
    }
}
