package dev.keyway.broker.issuer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An incoming token's claims, read from the decoded payload with Jackson in one pass. Nimbus's
 * {@code JWTClaimsSet} parsed them with Gson into a map, copied that into a claims set and back
 * into a map (4.5% of a broker's CPU at saturation, as much as the rest of verification outside
 * the RSA math). The rules are Nimbus's: one JSON object and nothing after it, duplicate names
 * refused, {@code iss}, {@code sub} and {@code jti} strings, {@code aud} a string or an array of
 * strings, {@code exp}, {@code nbf} and {@code iat} numbers of seconds (here also between 1970
 * and 9999, so no later arithmetic can overflow). The map keeps what {@code toJSONObject()} gave:
 * times as whole seconds, a one-element audience as a string, no null-valued claims, integers as
 * {@code Long}.
 */
record TokenClaims(Map<String, Object> json, String issuer, List<String> audience, Instant expiresAt,
                   Instant notBefore, Instant issuedAt, String jti) {

    /** Built once: resolving the target type per call took an eighth of the parse. */
    private static final ObjectReader JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .readerFor(new TypeReference<LinkedHashMap<String, Object>>() {
            });

    /** Thrown for a payload that is not a claims set; carries no part of it. */
    static final class NotAClaimsSet extends Exception {
        NotAClaimsSet() {
            super("token payload is not a JSON claims set", null, false, false);
        }
    }

    static TokenClaims parse(byte[] payload) throws NotAClaimsSet {
        LinkedHashMap<String, Object> json;
        try {
            json = JSON.readValue(payload);
        } catch (IOException e) {
            throw new NotAClaimsSet();
        }
        if (json == null) {
            throw new NotAClaimsSet();
        }
        json.values().removeIf(java.util.Objects::isNull);
        String issuer = string(json, "iss");
        string(json, "sub");
        String jti = string(json, "jti");
        List<String> audience = audience(json);
        Instant expiresAt = seconds(json, "exp");
        Instant notBefore = seconds(json, "nbf");
        Instant issuedAt = seconds(json, "iat");
        return new TokenClaims(Collections.unmodifiableMap(json), issuer, audience, expiresAt, notBefore, issuedAt, jti);
    }

    private static String string(Map<String, Object> json, String name) throws NotAClaimsSet {
        Object value = json.get(name);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new NotAClaimsSet();
    }

    private static List<String> audience(Map<String, Object> json) throws NotAClaimsSet {
        Object value = json.get("aud");
        if (value == null) {
            return null;
        }
        if (value instanceof String single) {
            return List.of(single);
        }
        if (!(value instanceof List<?> list)) {
            throw new NotAClaimsSet();
        }
        List<String> audience = new ArrayList<>(list.size());
        for (Object item : list) {
            if (!(item instanceof String s)) {
                throw new NotAClaimsSet();
            }
            audience.add(s);
        }
        if (audience.size() == 1) {
            json.put("aud", audience.get(0));
        }
        return Collections.unmodifiableList(audience);
    }

    /** Year 9999: times past it are refused, so adding leeway or max-token-age can never overflow. */
    private static final long LATEST_SECOND = 253_402_300_799L;

    /** Whole seconds, as Nimbus reads them ({@code longValue()} of any JSON number), between 1970 and 9999. */
    private static Instant seconds(Map<String, Object> json, String name) throws NotAClaimsSet {
        Object value = json.get(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Number number)) {
            throw new NotAClaimsSet();
        }
        long seconds = number.longValue();
        if (seconds < 0 || seconds > LATEST_SECOND) {
            throw new NotAClaimsSet();
        }
        json.put(name, seconds);
        return Instant.ofEpochSecond(seconds);
    }
}
