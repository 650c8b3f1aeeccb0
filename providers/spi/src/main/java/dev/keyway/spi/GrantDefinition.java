package dev.keyway.spi;

import dev.keyway.spi.config.Fields;
import java.time.Duration;

/**
 * One binding's {@code spec.grant} handed to its provider: the fields other than {@code type} and
 * {@code max-ttl} (already read by the broker), the claims templates may use, and the binding it
 * belongs to, for messages.
 */
public record GrantDefinition(String binding, Fields fields, ClaimCatalog claims, Duration maxTtl) {
}
