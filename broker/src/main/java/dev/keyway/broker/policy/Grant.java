package dev.keyway.broker.policy;

import dev.keyway.spi.CredentialIssuer;
import dev.keyway.spi.GrantConfig;
import java.time.Duration;

/** A binding's compiled grant: its type, lifetime cap, the provider's compiled config and the provider. */
public record Grant(String type, Duration maxTtl, GrantConfig config, CredentialIssuer provider) {
}
