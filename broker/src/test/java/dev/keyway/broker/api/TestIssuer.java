package dev.keyway.broker.api;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** A token issuer for tests: an EC key, its public JWKS, and GitHub-shaped tokens with overridable claims. */
final class TestIssuer {

    final String iss;
    final String audience;
    private final ECKey key;

    TestIssuer(String iss, String audience) throws Exception {
        this.iss = iss;
        this.audience = audience;
        this.key = new ECKeyGenerator(Curve.P_256).keyID("test-" + UUID.randomUUID()).algorithm(JWSAlgorithm.ES256).generate();
    }

    String jwks() {
        return new JWKSet(key.toPublicJWK()).toString();
    }

    /** A valid token for acme/api main (repository_id 42) unless {@code overrides} say otherwise; null removes a claim. */
    String token(Map<String, Object> overrides) throws Exception {
        Instant now = Instant.now();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", iss);
        claims.put("aud", audience);
        claims.put("sub", "repo:acme/api:ref:refs/heads/main");
        claims.put("iat", now.getEpochSecond());
        claims.put("nbf", now.getEpochSecond());
        claims.put("exp", now.plusSeconds(300).getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("repository", "acme/api");
        claims.put("repository_id", "42");
        claims.put("repository_owner_id", "7");
        claims.put("ref", "refs/heads/main");
        claims.put("run_id", "1001");
        claims.putAll(overrides);
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
        claims.forEach((name, value) -> {
            if (value != null) {
                builder.claim(name, value);
            }
        });
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
                builder.build());
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    String token() throws Exception {
        return token(Map.of());
    }
}
