package dev.keyway.broker.issuer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import dev.keyway.broker.keys.BouncyCastle;
import java.security.GeneralSecurityException;
import java.security.interfaces.ECPublicKey;
import java.util.Optional;
import java.util.Set;

/**
 * The signature algorithms Keyway accepts from issuers, and the verifier for a key. Asymmetric
 * only: {@code none} and HS* can never be accepted (an issuer's public key is public, so a MAC
 * keyed with it proves nothing).
 */
final class Algorithms {

    static final Set<JWSAlgorithm> ACCEPTED = Set.of(
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.EdDSA);

    /** RSA keys shorter than this are refused, whatever the issuer publishes. */
    static final int MIN_RSA_BITS = 2048;

    private Algorithms() {
    }

    static String accepted() {
        return "RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, EdDSA";
    }

    /** A verifier when {@code key} is the right type, curve and size for {@code alg}; empty otherwise. */
    static Optional<JWSVerifier> verifier(JWSAlgorithm alg, JWK key) throws JOSEException {
        if (key.getKeyOperations() != null && !key.getKeyOperations().contains(KeyOperation.VERIFY)) {
            return Optional.empty(); // RFC 7517 §4.3: the issuer published this key for something else
        }
        if (JWSAlgorithm.Family.RSA.contains(alg) && key instanceof RSAKey rsa) {
            return rsa.size() >= MIN_RSA_BITS && !Roca.fingerprinted(rsa.getModulus().decodeToBigInteger())
                    ? Optional.of(new RSASSAVerifier(rsa)) : Optional.empty();
        }
        if (key instanceof ECKey ec && (alg.equals(JWSAlgorithm.ES256) && ec.getCurve().equals(Curve.P_256)
                || alg.equals(JWSAlgorithm.ES384) && ec.getCurve().equals(Curve.P_384))) {
            return Optional.of(ecdsaVerifier(ec));
        }
        if (alg.equals(JWSAlgorithm.EdDSA) && key instanceof OctetKeyPair okp && okp.getCurve().equals(Curve.Ed25519)) {
            return Optional.of(new Ed25519Verifier(okp.toPublicJWK()));
        }
        return Optional.empty();
    }

    /**
     * ECDSA verifies through {@link BouncyCastle}: twelve times the JDK's speed on Java 17, and it
     * reduces x(R) mod n as the standard says, where SunEC refuses a few valid signatures.
     */
    private static JWSVerifier ecdsaVerifier(ECKey key) throws JOSEException {
        try {
            ECDSAVerifier verifier = new ECDSAVerifier((ECPublicKey) BouncyCastle.publicKey(key.toECPublicKey()));
            verifier.getJCAContext().setProvider(BouncyCastle.PROVIDER);
            return verifier;
        } catch (GeneralSecurityException e) {
            throw new JOSEException("cannot load EC key into Bouncy Castle: " + e.getMessage(), e);
        }
    }
}
