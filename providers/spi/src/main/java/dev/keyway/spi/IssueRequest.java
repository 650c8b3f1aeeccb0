package dev.keyway.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Everything a provider needs to mint one credential. {@code ttl} is already capped by the
 * binding's max-ttl. {@code csr}/{@code publicKey} are the caller's, for certificate grants.
 * {@code format} is the response format the caller asked for ({@code json}, {@code env},
 * {@code gcp-executable}, ...): a provider may mint differently for one, e.g. hand back the
 * subject token for a client library to exchange itself.
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
        String format,
        BrokerContext broker) {
}
