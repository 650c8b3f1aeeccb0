package dev.keyway.broker.keys;

import com.nimbusds.jose.crypto.bc.BouncyCastleProviderSingleton;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;

/**
 * Bouncy Castle's provider as Keyway's elliptic-curve engine for incoming tokens' signatures and
 * the X.509 CA key. On Java 17 the JDK's ECDSA signs about six times and verifies about twelve
 * times slower (JMH, one core). Minted ES256 tokens skip the provider: see {@link Es256Signer}.
 *
 * <p>Keys must be Bouncy Castle keys, converted once: handed a JDK key, Bouncy Castle rebuilds the
 * curve, and with it the point-multiplication tables, on every signature (measured: 3,515 against
 * 9,652 ES256 JWTs/s). Re-decoding the standard encodings names the curve by OID, so every key
 * shares Bouncy Castle's one precomputed curve.
 */
public final class BouncyCastle {

    public static final Provider PROVIDER = BouncyCastleProviderSingleton.getInstance();

    private BouncyCastle() {
    }

    public static PrivateKey privateKey(PrivateKey key) throws GeneralSecurityException {
        return KeyFactory.getInstance(key.getAlgorithm(), PROVIDER).generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
    }

    public static PublicKey publicKey(PublicKey key) throws GeneralSecurityException {
        return KeyFactory.getInstance(key.getAlgorithm(), PROVIDER).generatePublic(new X509EncodedKeySpec(key.getEncoded()));
    }
}
