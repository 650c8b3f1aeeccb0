package dev.keyway.broker.issuer;

import dev.keyway.broker.policy.IssuerConfig;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A token whose signature, issuer, audience and times all checked out. Holds claims, never the token.
 * {@code acceptableUntil}: when it stops being accepted (before clock-skew leeway), its {@code exp}
 * or, sooner, {@code iat} plus the issuer's max-token-age.
 */
public record VerifiedToken(IssuerConfig issuer, Map<String, Object> claims, Optional<String> jti, Instant expiresAt,
                            Instant acceptableUntil) {

    public VerifiedToken {
        claims = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(claims));
    }
}
