package dev.keyway.providers.jwt;

import dev.keyway.spi.BrokerContext;
import dev.keyway.spi.CredentialIssuer;
import dev.keyway.spi.GrantConfig;
import dev.keyway.spi.Identity;
import dev.keyway.spi.IssueRequest;
import dev.keyway.spi.IssuedCredential;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.contract.CredentialIssuerContract;
import dev.keyway.spi.contract.Nodes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The jwt grant keeps the promises every grant provider makes. */
class JwtIssuerContractTest extends CredentialIssuerContract {

    private final JwtIssuer issuer = new JwtIssuer();

    @Override
    protected CredentialIssuer provider() {
        return issuer;
    }

    @Override
    protected Node.Mapping validGrant() {
        return Nodes.map("audience", "vault", "subject", "{{repository}}", "claims", Nodes.map("groups", List.of("ci")));
    }

    @Override
    protected IssuedCredential issue(GrantConfig grant) throws Exception {
        BrokerContext broker = new BrokerContext() {
            @Override
            public String publicUrl() {
                return "https://keyway.test";
            }

            @Override
            public String signJwt(Map<String, Object> claims) {
                return "eyJhbGciOiJFUzI1NiJ9.signed-contract-token-" + claims.get("jti");
            }
        };
        Identity identity = new Identity("ci", Map.of("sub", "repo:acme/api", "repository", "acme/api"), Map.of());
        return issuer.issue(new IssueRequest("contract", grant, identity, ttl(), Instant.now(), "req-1",
                Optional.empty(), Optional.empty(), "json", broker));
    }
}
