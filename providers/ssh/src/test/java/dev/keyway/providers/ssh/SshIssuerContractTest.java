package dev.keyway.providers.ssh;

import dev.keyway.spi.CredentialIssuer;
import dev.keyway.spi.GrantConfig;
import dev.keyway.spi.Identity;
import dev.keyway.spi.IssueRequest;
import dev.keyway.spi.IssuedCredential;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.contract.CredentialIssuerContract;
import dev.keyway.spi.contract.Nodes;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.io.TempDir;

/** The ssh grant keeps the promises every grant provider makes. */
class SshIssuerContractTest extends CredentialIssuerContract {

    private final SshIssuer issuer = new SshIssuer();

    @TempDir
    Path dir;

    @Override
    protected CredentialIssuer provider() {
        return issuer;
    }

    @Override
    protected Node.Mapping validGrant() {
        return Nodes.map("principals", List.of("deploy", "ci-{{repository_owner}}"), "key-id", "{{repository}}@{{run_id}}",
                "extensions", List.of("permit-pty", "permit-port-forwarding"),
                "critical-options", Nodes.map("force-command", "/usr/local/bin/deploy", "source-address", "10.0.0.0/8"));
    }

    /** The serial is the audit id on purpose: sshd logs it on every login. It is not a secret. */
    @Override
    protected Set<String> nonSecretFields() {
        return Set.of("serial");
    }

    @Override
    protected IssuedCredential issue(GrantConfig grant) throws Exception {
        Identity identity = new Identity("ci", Map.of("sub", "repo:acme/api", "repository", "acme/api", "repository_owner", "acme",
                "run_id", "42"), Map.of());
        return issuer.issue(new IssueRequest("contract", grant, identity, ttl(), Instant.now(), "req-1", Optional.empty(),
                Optional.of(SshTestKit.jobKey(dir, "id_ed25519", "ed25519", 0)), "json",
                SshTestKit.broker(Optional.of(KeyUtils.generateKeyPair("ssh-ed25519", 256)))));
    }
}
