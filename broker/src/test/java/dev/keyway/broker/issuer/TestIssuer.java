package dev.keyway.broker.issuer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * A hand-written token issuer for tests: real keys of every type Keyway accepts (and two it must
 * not), and a minter for signed tokens with any header and claims.
 */
final class TestIssuer {

    final RSAKey rsa;
    final ECKey ec;
    final OctetKeyPair ed;
    final ECKey p384;
    /** 1024 bits: below Algorithms.MIN_RSA_BITS, published anyway by a careless issuer. */
    final RSAKey rsa1024;

    private TestIssuer(RSAKey rsa, ECKey ec, OctetKeyPair ed, ECKey p384, RSAKey rsa1024) {
        this.rsa = rsa;
        this.ec = ec;
        this.ed = ed;
        this.p384 = p384;
        this.rsa1024 = rsa1024;
    }

    static TestIssuer generate() {
        try {
            KeyPairGenerator weak = KeyPairGenerator.getInstance("RSA");
            weak.initialize(1024);
            KeyPair pair = weak.generateKeyPair();
            return new TestIssuer(
                    new RSAKeyGenerator(2048).keyID("rsa").generate(),
                    new ECKeyGenerator(Curve.P_256).keyID("ec").generate(),
                    new OctetKeyPairGenerator(Curve.Ed25519).keyID("ed").generate(),
                    new ECKeyGenerator(Curve.P_384).keyID("p384").generate(),
                    new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate())
                            .keyID("rsa-1024").build());
        } catch (JOSEException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the issuer publishes: the public halves of every key. */
    JWKSet publicJwks() {
        return new JWKSet(List.<JWK>of(rsa, ec, ed, p384, rsa1024)).toPublicJWKSet();
    }

    /** A claims set every check passes for at {@code now}: issued now, valid five minutes, for {@code audience}. */
    static JWTClaimsSet.Builder claims(String iss, String audience, Instant now) {
        return new JWTClaimsSet.Builder()
                .issuer(iss)
                .subject("repo:acme/api:ref:refs/heads/main")
                .audience(audience)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .jwtID(UUID.randomUUID().toString());
    }

    /** A header for {@code alg} naming {@code key}'s kid. */
    static JWSHeader.Builder header(JWSAlgorithm alg, JWK key) {
        return new JWSHeader.Builder(alg).keyID(key.getKeyID()).type(JOSEObjectType.JWT);
    }

    static String sign(JWSHeader header, JWTClaimsSet claims, JWK key) {
        try {
            SignedJWT jwt = new SignedJWT(header, claims);
            jwt.sign(signer(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sign(JWSAlgorithm alg, JWTClaimsSet claims, JWK key) {
        return sign(header(alg, key).build(), claims, key);
    }

    /** Signing input and signature, joined: for tokens no Nimbus signer will produce. */
    static String compact(JWSHeader header, JWTClaimsSet claims, byte[] signature) {
        return header.toBase64URL() + "." + Base64URL.encode(claims.toString()) + "." + Base64URL.encode(signature);
    }

    private static JWSSigner signer(JWK key) throws JOSEException {
        if (key instanceof RSAKey r) {
            // Nimbus refuses to sign with short RSA keys; the 1024-bit key needs the check off.
            return new RSASSASigner(r.toPrivateKey(), true);
        }
        if (key instanceof ECKey e) {
            return new ECDSASigner(e);
        }
        return new Ed25519Signer((OctetKeyPair) key);
    }
}
