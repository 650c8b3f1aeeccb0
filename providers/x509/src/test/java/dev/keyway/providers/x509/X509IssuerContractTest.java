package dev.keyway.providers.x509;

import dev.keyway.spi.CertificateAuthority;
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

/** The x509 grant keeps the promises every grant provider makes. */
class X509IssuerContractTest extends CredentialIssuerContract {

    private final X509Issuer issuer = new X509Issuer();

    @Override
    protected CredentialIssuer provider() {
        return issuer;
    }

    @Override
    protected Node.Mapping validGrant() {
        return Nodes.map("spiffe-id", "spiffe://acme.example/ci/{{repository}}", "dns-names", List.of("api.acme.example"),
                "usage", List.of("client", "server"));
    }

    @Override
    protected IssuedCredential issue(GrantConfig grant) throws Exception {
        CertificateAuthority ca = TestPki.rootCa(Duration.ofDays(30));
        Identity identity = new Identity("ci", Map.of("sub", "repo:acme/api", "repository", "acme/api"), Map.of());
        return issuer.issue(new IssueRequest("contract", grant, identity, ttl(), Instant.now(), "req-1",
                Optional.of(TestPki.csrPem(TestPki.keyPair("P-256"))), Optional.empty(), "json", TestPki.broker(Optional.of(ca))));
    }
}
