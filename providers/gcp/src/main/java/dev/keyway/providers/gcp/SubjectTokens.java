package dev.keyway.providers.gcp;

import dev.keyway.spi.IssueException;
import dev.keyway.spi.IssueRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JWT Keyway presents to Google STS: {@code iss} the broker, {@code aud} the workload identity
 * pool provider, {@code sub} a stable subject, and the caller's identity under {@code keyway} for
 * attribute mappings ({@code attribute.repository=assertion.keyway.claims.repository}).
 */
final class SubjectTokens {

    static final String IDENTITY_CLAIM = "keyway";
    /** google.subject may hold at most 127 bytes; a longer subject would make every exchange fail. */
    static final int MAX_SUBJECT_BYTES = 127;
    /** Claims about the incoming token itself, not about who the caller is. */

    private SubjectTokens() {
    }

    /**
     * {@code <binding>:<caller's sub>}, like the jwt grant's default; binding names hold no ':', so
     * the first colon splits it. Over 127 bytes it becomes {@code sha256:<hex of that subject>}:
     * still stable and unique per binding and caller, and within Google's limit.
     */
    static String subject(IssueRequest request) throws IssueException {
        String subject = request.bindingSubject().orElseThrow(() -> new IssueException("invalid_request",
                "gcp grant: the token has no sub claim, so there is no stable subject to present to Google"));
        if (subject.getBytes(StandardCharsets.UTF_8).length <= MAX_SUBJECT_BYTES) {
            return subject;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(subject.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static Map<String, Object> claims(IssueRequest request, GcpGrant grant, String subject, Instant issuedAt,
                                      Instant expiresAt, String jti) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", request.broker().publicUrl());
        claims.put("sub", subject);
        claims.put("aud", grant.provider());
        claims.put("iat", issuedAt.getEpochSecond());
        claims.put("exp", expiresAt.getEpochSecond());
        claims.put("jti", jti);
        claims.put(IDENTITY_CLAIM, request.identityClaim());
        return claims;
    }
}
