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

    /** Claims about the incoming token itself, not about who the caller is. */
    private static final java.util.Set<String> NOT_IDENTITY = java.util.Set.of("aud", "exp", "iat", "nbf", "jti", "azp");

    /**
     * {@code <binding>:<caller's sub>}, the subject every Keyway-minted token carries unless a grant
     * says otherwise: binding names hold no ':', so the first colon splits it unambiguously, and
     * two bindings never produce one subject for the same caller. Empty when the token has no sub.
     */
    public Optional<String> bindingSubject() {
        String sub = ClaimValue.of(identity.claims().get("sub")).scalar().orElse(null);
        return sub == null || sub.isEmpty() ? Optional.empty() : Optional.of(binding + ":" + sub);
    }

    /** The caller's normalized identity for the {@code keyway} claim, so relying parties can audit or map it. */
    public java.util.Map<String, Object> identityClaim() {
        // One pass over the claims (the scalar ones as scalarClaims() gives them): this runs on every mint.
        java.util.Map<String, String> claims = new java.util.LinkedHashMap<>();
        identity.claims().forEach((name, value) -> {
            if (!NOT_IDENTITY.contains(name)) {
                ClaimValue.of(value).scalar().ifPresent(text -> claims.put(name, text));
            }
        });
        java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("binding", binding);
        out.put("issuer", identity.issuer());
        out.put("claims", claims);
        return out;
    }
}
