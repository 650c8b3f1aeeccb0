package dev.keyway.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Everything a provider needs to mint one credential. {@code ttl} is already capped by the
 * binding's max-ttl. {@code csr}/{@code publicKey} are the caller's, for certificate grants.
 */
public record IssueRequest(
        String binding,
        GrantConfig grant,
        Identity identity,
        Duration ttl,
        Instant now,
        String requestId,
        Optional<String> csr,
        Optional<String> publicKey,
        BrokerContext broker) {
}
