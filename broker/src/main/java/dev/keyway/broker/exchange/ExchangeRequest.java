package dev.keyway.broker.exchange;

import java.util.Optional;

/**
 * One parsed {@code /v1/exchange} or {@code /v1/explain} request (CONTRACT §4), plus what the
 * server knows about the caller. The token is held only for verification and never logged.
 */
public record ExchangeRequest(
        String binding,
        String token,
        Optional<String> ttl,
        Optional<String> csr,
        Optional<String> publicKey,
        Format format,
        String requestId,
        String clientIp) {

    /** Never print the token: this record can end up in a log by accident. */
    @Override
    public String toString() {
        return "ExchangeRequest[binding=" + binding + ", format=" + format + ", requestId=" + requestId + "]";
    }
}
