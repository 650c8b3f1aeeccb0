package dev.keyway.providers.azure;

import dev.keyway.spi.CredentialIssuer;
import dev.keyway.spi.GrantConfig;
import dev.keyway.spi.IssuedCredential;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.contract.CredentialIssuerContract;
import dev.keyway.spi.contract.Nodes;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The azure grant keeps the promises every grant provider makes. Entra ID decides a token's
 * lifetime, not the caller's ttl; this stand-in grants 10 minutes (the shortest lifetime a token
 * lifetime policy allows), which fits the contract's "no longer than asked". Real tokens live
 * 60-90 minutes: see AzureIssuerTest.aRequestedTtlDoesNotShortenTheTokenEntraDecides.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AzureIssuerContractTest extends CredentialIssuerContract {

    private EntraStandIn entra;
    private AzureIssuer issuer;

    @BeforeAll
    void start() {
        entra = new EntraStandIn();
        entra.stub(EntraStandIn.tokenRequest().willReturn(EntraStandIn.token(
                "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjb250cmFjdCJ9.c2lnbmF0dXJlLWNvbnRyYWN0", 600)));
        issuer = entra.issuer();
    }

    @AfterAll
    void stop() {
        entra.close();
    }

    @Override
    protected CredentialIssuer provider() {
        return issuer;
    }

    @Override
    protected Node.Mapping validGrant() {
        return Nodes.map("tenant-id", EntraStandIn.TENANT, "client-id", EntraStandIn.CLIENT, "scope", EntraStandIn.SCOPE,
                "authority-host", "https://login.microsoftonline.com");
    }

    @Override
    protected IssuedCredential issue(GrantConfig grant) throws Exception {
        return issuer.issue(new dev.keyway.spi.IssueRequest("contract", grant, Grants.CALLER, ttl(), Instant.now(), "req-1",
                Optional.empty(), Optional.empty(), "json", new SigningBroker()));
    }
}
