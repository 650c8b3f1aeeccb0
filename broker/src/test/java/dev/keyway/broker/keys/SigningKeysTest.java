package dev.keyway.broker.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Minted tokens read back with Nimbus: what relying parties use, not the code that wrote them. */
class SigningKeysTest {

    @TempDir
    Path dir;

    @Test
    void mintedClaimsReadBackAsTheyWereGivenWithoutNullValuedOnes() throws Exception {
        SigningKeys keys = SigningKeys.init(dir);
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", "https://keyway.example.com");
        claims.put("sub", "repo:acme/api:ref:refs/heads/main");
        claims.put("aud", "sts.amazonaws.com");
        claims.put("exp", 1_900_000_000L);
        claims.put("groups", List.of("a", "b"));
        claims.put("keyway", Map.of("repository", "acme/api", "run_id", 42L));
        claims.put("quote", "\"</script>\u00e9\u2028");
        claims.put("absent", null);

        SignedJWT jwt = SignedJWT.parse(keys.sign(claims, Optional.empty()));

        ECKey es256 = (ECKey) JWKSet.parse(keys.publicJwks()).getKeys().stream()
                .filter(k -> JWSAlgorithm.ES256.getName().equals(k.getAlgorithm().getName())).findFirst().orElseThrow();
        assertTrue(jwt.verify(new ECDSAVerifier(es256)));
        assertEquals(JWSAlgorithm.ES256, jwt.getHeader().getAlgorithm());
        assertEquals(es256.getKeyID(), jwt.getHeader().getKeyID());
        assertEquals(JOSEObjectType.JWT, jwt.getHeader().getType());
        assertEquals(List.of("iss", "sub", "aud", "exp", "groups", "keyway", "quote"),
                List.copyOf(jwt.getPayload().toJSONObject().keySet()), "the order given");
        Map<String, Object> read = jwt.getJWTClaimsSet().toJSONObject();
        assertFalse(read.containsKey("absent"));
        assertEquals("sts.amazonaws.com", read.get("aud"));
        assertEquals(1_900_000_000L, read.get("exp"));
        assertEquals(List.of("a", "b"), read.get("groups"));
        assertEquals(Map.of("repository", "acme/api", "run_id", 42L), read.get("keyway"));
        assertEquals("\"</script>\u00e9\u2028", read.get("quote"));
    }

    @Test
    void rs256TokensVerifyWithThePublishedRsaKey() throws Exception {
        SigningKeys keys = SigningKeys.init(dir);
        SignedJWT jwt = SignedJWT.parse(keys.sign(Map.of("sub", "s", "aud", List.of("x", "y")), Optional.of(JWSAlgorithm.RS256)));
        RSAKey rsa = (RSAKey) JWKSet.parse(keys.publicJwks()).getKeys().stream()
                .filter(k -> JWSAlgorithm.RS256.getName().equals(k.getAlgorithm().getName())).findFirst().orElseThrow();
        assertTrue(jwt.verify(new RSASSAVerifier(rsa)));
        assertEquals(List.of("x", "y"), jwt.getJWTClaimsSet().getAudience());
    }

    @Test
    void anEs256KeyOnAnotherCurveIsRefusedWhenLoaded() throws Exception {
        ECKey p384 = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_384)
                .algorithm(JWSAlgorithm.ES256).keyID("wrong-curve").generate();
        java.nio.file.Files.writeString(dir.resolve(SigningKeys.FILE), new JWKSet(p384).toString(false));

        java.io.IOException refused = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> SigningKeys.load(dir));
        assertTrue(refused.getMessage().contains("ES256 needs P-256"), refused.getMessage());
        assertFalse(refused.getMessage().contains(p384.getD().toString()), "no private key material in the message");
    }
}
