package dev.keyway.broker.issuer;

import static dev.keyway.broker.problem.ErrorCode.ISSUER_UNKNOWN;
import static dev.keyway.broker.problem.ErrorCode.TOKEN_AUDIENCE_INVALID;
import static dev.keyway.broker.problem.ErrorCode.TOKEN_EXPIRED;
import static dev.keyway.broker.problem.ErrorCode.TOKEN_MALFORMED;
import static dev.keyway.broker.problem.ErrorCode.TOKEN_NOT_YET_VALID;
import static dev.keyway.broker.problem.ErrorCode.TOKEN_SIGNATURE_INVALID;
import static dev.keyway.broker.problem.ErrorCode.TOKEN_TOO_OLD;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import dev.keyway.broker.policy.IssuerConfig;
import dev.keyway.broker.policy.PolicySet;
import dev.keyway.broker.problem.ErrorCode;
import dev.keyway.broker.problem.KeywayException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Verifies a token against the issuer its unverified {@code iss} names, in an order that never
 * does work for a token that cannot pass: size, structure, header rules, issuer selection (no
 * network for an unknown issuer), signature, then claims. Every refusal names the rule.
 */
public final class TokenVerifier {

    /** Header parameters that would let a token choose its own verification key. */
    private static final Set<String> KEY_CARRYING_HEADERS = Set.of("jku", "x5u", "jwk", "x5c");
    private static final int MAX_CACHED_VERIFIERS = 256;
    private static final int MAX_CACHED_HEADERS = 256;

    private final VerificationLimits limits;
    private final Clock clock;
    private final Function<IssuerConfig, JWKSource<SecurityContext>> keys;
    private final Function<IssuerConfig, List<String>> audiences;
    private final Map<JWK, JWSVerifier> verifiers = new ConcurrentHashMap<>();
    private final Map<String, AcceptedHeader> headers = new ConcurrentHashMap<>();
    /** Bulkhead: how many requests may wait on one issuer's keys at once; a slow JWKS endpoint cannot take every worker. */
    private static final int MAX_WAITING_PER_ISSUER = 32;
    private final Map<String, java.util.concurrent.Semaphore> waiting = new ConcurrentHashMap<>();

    public TokenVerifier(VerificationLimits limits, Clock clock, Function<IssuerConfig, JWKSource<SecurityContext>> keys,
                         Function<IssuerConfig, List<String>> audiences) {
        this.limits = limits;
        this.clock = clock;
        this.keys = keys;
        this.audiences = audiences;
    }

    public VerifiedToken verify(String token, PolicySet policy) throws KeywayException {
        if (token.length() > limits.maxTokenBytes()) {
            throw refuse(TOKEN_MALFORMED, "token is larger than " + limits.maxTokenBytes() + " bytes (limits.max-token-bytes)");
        }
        Jws jws = parse(token);
        TokenClaims claims = claims(jws);
        String iss = claims.issuer();
        if (iss == null) {
            throw refuse(TOKEN_MALFORMED, "token has no iss claim");
        }
        IssuerConfig issuer = policy.issuerForIss(iss).orElseThrow(() -> refuse(ISSUER_UNKNOWN,
                "token issuer is not configured; Keyway only trusts the issuers its policy names"));
        checkSignature(jws, issuer);
        Instant expiresAt = checkTimes(claims, issuer);
        checkAudience(claims, issuer);
        return new VerifiedToken(issuer, claims.json(), Optional.ofNullable(claims.jti()), expiresAt,
                acceptableUntil(claims, issuer, expiresAt));
    }

    /** A JWS compact token in parts: its accepted header, the encoded payload and signature, and the bytes that were signed. */
    private record Jws(AcceptedHeader header, String payload, Base64URL signature, byte[] signingInput) {
    }

    /** A header that passed the header rules, with the key selector it implies: both depend on nothing but its text. */
    private record AcceptedHeader(JWSHeader header, JWKSelector keys) {
    }

    /**
     * Splits the token and accepts its header. Tokens of one issuer key share one header, so a
     * header is parsed and checked once and then found by its text (parsing it with Nimbus's JSON
     * reader for every token was 1.5% of an exchange's CPU). The signing input is the token's own
     * first two parts, byte for byte what {@code JWSObject} composed from them.
     */
    private Jws parse(String token) throws KeywayException {
        int dots = 0;
        for (int i = 0; i < token.length(); i++) {
            if (token.charAt(i) == '.') {
                dots++;
            }
        }
        if (dots != 2) {
            throw refuse(TOKEN_MALFORMED, dots == 4 ? "encrypted tokens (JWE) are not accepted"
                    : "token is not a JWS compact serialization (header.payload.signature)");
        }
        int first = token.indexOf('.');
        int second = token.indexOf('.', first + 1);
        String headerText = token.substring(0, first);
        String signature = token.substring(second + 1);
        AcceptedHeader header = headers.get(headerText);
        if (header == null) {
            JWSHeader parsed = parseHeader(headerText);
            if (signature.isBlank()) {
                throw refuse(TOKEN_MALFORMED, "token has an empty signature");
            }
            checkHeader(parsed);
            header = new AcceptedHeader(parsed, new JWKSelector(JWKMatcher.forJWSHeader(parsed)));
            if (headers.size() >= MAX_CACHED_HEADERS) {
                headers.clear(); // issuers use a handful of headers; a full reset is as good as an LRU here
            }
            headers.put(headerText, header);
        } else if (signature.isBlank()) {
            throw refuse(TOKEN_MALFORMED, "token has an empty signature");
        }
        return new Jws(header, token.substring(first + 1, second), new FastBase64URL(signature),
                token.substring(0, second).getBytes(StandardCharsets.UTF_8));
    }

    private static JWSHeader parseHeader(String headerText) throws KeywayException {
        try {
            return JWSHeader.parse(new FastBase64URL(headerText));
        } catch (ParseException e) {
            // An alg "none" header is a plain (unsecured) header, which JWSHeader.parse rejects with
            // "Not a JWS header": read the header on its own to name the rule that failed.
            if (declaresAlgNone(headerText)) {
                throw refuse(TOKEN_SIGNATURE_INVALID, "alg none is never accepted");
            }
            throw refuse(TOKEN_MALFORMED, "token header or payload is not valid base64url JSON");
        }
    }

    private static boolean declaresAlgNone(String headerText) {
        try {
            return Algorithm.NONE.equals(Header.parse(new Base64URL(headerText)).getAlgorithm());
        } catch (ParseException | RuntimeException e) {
            return false;
        }
    }

    private static void checkHeader(JWSHeader header) throws KeywayException {
        JWSAlgorithm alg = header.getAlgorithm();
        if (!Algorithms.ACCEPTED.contains(alg)) {
            throw refuse(TOKEN_SIGNATURE_INVALID, "alg " + alg + " is not accepted (accepted: " + Algorithms.accepted() + ")");
        }
        for (String name : header.getIncludedParams()) {
            if (KEY_CARRYING_HEADERS.contains(name)) {
                throw refuse(TOKEN_MALFORMED, "header parameter '" + name
                        + "' is refused: keys come only from the configured issuer's JWKS");
            }
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            throw refuse(TOKEN_MALFORMED, "critical header parameters " + header.getCriticalParams() + " are not understood");
        }
        if (!header.isBase64URLEncodePayload()) {
            throw refuse(TOKEN_MALFORMED, "unencoded payloads (b64: false) are not accepted; an ID token's claims are base64url JSON");
        }
    }

    private static TokenClaims claims(Jws jws) throws KeywayException {
        try {
            return TokenClaims.parse(new FastBase64URL(jws.payload()).decode());
        } catch (TokenClaims.NotAClaimsSet e) {
            throw refuse(TOKEN_MALFORMED, e.getMessage());
        }
    }

    private void checkSignature(Jws jws, IssuerConfig issuer) throws KeywayException {
        JWSHeader header = jws.header().header();
        List<JWK> candidates;
        java.util.concurrent.Semaphore bulkhead = waiting.computeIfAbsent(issuer.name(),
                n -> new java.util.concurrent.Semaphore(MAX_WAITING_PER_ISSUER));
        if (!bulkhead.tryAcquire()) {
            throw KeywayException.unavailable("too many requests are waiting for issuer '" + issuer.name() + "' keys",
                    Duration.ofSeconds(5), null);
        }
        try {
            candidates = keys.apply(issuer).get(jws.header().keys(), null);
        } catch (KeySourceException e) {
            throw KeywayException.unavailable("no usable keys for issuer '" + issuer.name() + "': " + e.getMessage(),
                    Duration.ofSeconds(30), e);
        } finally {
            bulkhead.release();
        }
        for (JWK key : candidates) {
            try {
                JWSVerifier verifier = verifierFor(header.getAlgorithm(), key);
                if (verifier != null && verifier.verify(header, jws.signingInput(), jws.signature())) {
                    return;
                }
            } catch (JOSEException | RuntimeException e) {
                // A key that cannot verify this token is no different from a wrong key: try the next.
                // (RuntimeException too, as JWSObject.verify turned any verifier failure into a JOSEException.)
            }
        }
        throw refuse(TOKEN_SIGNATURE_INVALID, candidates.isEmpty()
                ? "no key of issuer '" + issuer.name() + "' matches the token's kid and alg"
                : "signature does not verify with issuer '" + issuer.name() + "' keys");
    }

    /** Verifiers are cached per key: building one (key decoding, checks) costs more than a verification. */
    private JWSVerifier verifierFor(JWSAlgorithm alg, JWK key) throws JOSEException {
        JWSVerifier cached = verifiers.get(key);
        if (cached != null) {
            return cached;
        }
        Optional<JWSVerifier> built = Algorithms.verifier(alg, key);
        if (built.isEmpty()) {
            return null;
        }
        if (verifiers.size() >= MAX_CACHED_VERIFIERS) {
            verifiers.clear(); // keys rotate rarely; a full reset is simpler than an LRU and just as safe
        }
        verifiers.put(key, built.get());
        return built.get();
    }

    private Instant checkTimes(TokenClaims claims, IssuerConfig issuer) throws KeywayException {
        Instant now = clock.instant();
        Duration skew = limits.clockSkew();
        Instant exp = claims.expiresAt();
        if (exp == null) {
            throw refuse(TOKEN_MALFORMED, "token has no exp claim; Keyway never accepts tokens that do not expire");
        }
        if (exp.plus(skew).isBefore(now)) {
            throw refuse(TOKEN_EXPIRED, "token expired at " + exp);
        }
        Instant nbf = claims.notBefore();
        if (nbf != null && nbf.minus(skew).isAfter(now)) {
            throw refuse(TOKEN_NOT_YET_VALID, "token is not valid before " + nbf);
        }
        Instant iat = claims.issuedAt();
        if (iat != null && iat.minus(skew).isAfter(now)) {
            throw refuse(TOKEN_NOT_YET_VALID, "token was issued in the future (" + iat + ")");
        }
        if (issuer.maxTokenAge().isPresent()) {
            if (iat == null) {
                throw refuse(TOKEN_MALFORMED, "token has no iat claim, but issuer '" + issuer.name() + "' sets max-token-age");
            }
            if (iat.plus(issuer.maxTokenAge().get()).plus(skew).isBefore(now)) {
                throw refuse(TOKEN_TOO_OLD, "token was issued at " + iat + ", more than max-token-age ago");
            }
        }
        return exp;
    }

    /** max-token-age ends a token's acceptance before exp: a replay record need not outlive that. */
    private static Instant acceptableUntil(TokenClaims claims, IssuerConfig issuer, Instant expiresAt) {
        if (issuer.maxTokenAge().isEmpty()) {
            return expiresAt;
        }
        Instant ageLimit = claims.issuedAt().plus(issuer.maxTokenAge().get()); // checkTimes made sure iat is set
        return ageLimit.isBefore(expiresAt) ? ageLimit : expiresAt;
    }

    private void checkAudience(TokenClaims claims, IssuerConfig issuer) throws KeywayException {
        List<String> accepted = audiences.apply(issuer);
        List<String> aud = claims.audience();
        if (aud == null || aud.stream().noneMatch(accepted::contains)) {
            throw refuse(TOKEN_AUDIENCE_INVALID, "token audience " + (aud == null || aud.isEmpty() ? "is missing" : aud)
                    + "; issuer '" + issuer.name() + "' tokens must be minted for this broker's audience");
        }
    }

    private static KeywayException refuse(ErrorCode code, String message) {
        return new KeywayException(code, message);
    }
}
