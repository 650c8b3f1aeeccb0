package dev.keyway.providers.aws;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.keyway.spi.CredentialIssuer;
import dev.keyway.spi.GrantConfig;
import dev.keyway.spi.IssueRequest;
import dev.keyway.spi.IssuedCredential;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.contract.CredentialIssuerContract;
import dev.keyway.spi.contract.Nodes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;

/** The aws grant keeps the promises every grant provider makes, against a WireMock STS. */
class AwsIssuerContractTest extends CredentialIssuerContract {

    private static final WireMockServer STS = start();

    private final AwsIssuer issuer = Fixtures.issuer(Duration.ofSeconds(5));

    private static WireMockServer start() {
        WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        return server;
    }

    @AfterAll
    static void stop() {
        STS.stop();
    }

    @Override
    protected CredentialIssuer provider() {
        return issuer;
    }

    @Override
    protected Node.Mapping validGrant() {
        return Nodes.map(
                "role-arn", "arn:aws:iam::123456789012:role/contract",
                "mode", "web-identity",
                "region", "eu-west-1",
                "session-name", "{{repository}}@{{run_id}}",
                "session-tags", Nodes.map("repo", "{{repository}}", "ref", "{{ref}}"),
                "transitive-tag-keys", List.of("repo"),
                "session-policy", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}",
                "source-identity", "{{actor}}",
                "sts-endpoint", "http://127.0.0.1:" + STS.port());
    }

    @Override
    protected IssuedCredential issue(GrantConfig grant) throws Exception {
        STS.resetAll();
        STS.stubFor(StsStub.action("AssumeRoleWithWebIdentity")
                .willReturn(StsStub.xml(200, StsStub.webIdentityResponse("contract", "acme-api@10283741123", ttl().toSeconds()))));
        return issuer.issue(new IssueRequest("contract", grant, Fixtures.caller(), ttl(), Instant.now(), "req-1",
                Optional.empty(), Optional.empty(), "json", new Fixtures.SigningBroker()));
    }
}
