package dev.keyway.providers.aws;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The claims of the JWT Keyway presents to AssumeRoleWithWebIdentity. Session tags and source
 * identity travel in the claims AWS defines for OIDC providers:
 * {@code "https://aws.amazon.com/tags": {"principal_tags": {"k": ["v"]}, "transitive_tag_keys": ["k"]}}
 * and {@code "https://aws.amazon.com/source_identity"}.
 */
final class WebIdentityTokens {

    static final String AUDIENCE = "sts.amazonaws.com";
    static final String TAGS_CLAIM = "https://aws.amazon.com/tags";
    static final String SOURCE_IDENTITY_CLAIM = "https://aws.amazon.com/source_identity";
    /** The token is used once, at once: a short life limits what a copy of it is worth. */
    static final Duration LIFETIME = Duration.ofMinutes(5);

    private WebIdentityTokens() {
    }

    static Map<String, Object> claims(String issuer, String subject, Instant now, Map<String, String> tags,
                                      List<String> transitiveTagKeys, Optional<String> sourceIdentity) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("sub", subject);
        claims.put("aud", AUDIENCE);
        claims.put("iat", now.getEpochSecond());
        claims.put("nbf", now.getEpochSecond());
        claims.put("exp", now.plus(LIFETIME).getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        if (!tags.isEmpty()) {
            Map<String, Object> principalTags = new LinkedHashMap<>();
            tags.forEach((key, value) -> principalTags.put(key, List.of(value)));
            Map<String, Object> tagClaim = new LinkedHashMap<>();
            tagClaim.put("principal_tags", principalTags);
            if (!transitiveTagKeys.isEmpty()) {
                tagClaim.put("transitive_tag_keys", new ArrayList<>(transitiveTagKeys));
            }
            claims.put(TAGS_CLAIM, tagClaim);
        }
        sourceIdentity.ifPresent(s -> claims.put(SOURCE_IDENTITY_CLAIM, s));
        return claims;
    }
}
