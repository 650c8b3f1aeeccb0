package dev.keyway.broker.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every signature checked by verifiers Keyway does not use to sign: the JDK's own ECDSA and Nimbus. */
class Es256SignerTest {

    private static final ECKey KEY = generate();

    @Test
    void thousandsOfSignaturesVerifyWithTheJdkInJoseFormatIncludingOnesWithLeadingZeroBytes() throws Exception {
        Es256Signer signer = new Es256Signer(KEY.toECPrivateKey());
        Signature jdk = Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
        Random random = new Random(7);
        int leadingZero = 0;
        for (int i = 0; i < 3_000; i++) {
            byte[] input = new byte[random.nextInt(2_000)];
            random.nextBytes(input);
            byte[] signature = signer.signature(input);
            assertEquals(64, signature.length, "R and S, 32 bytes each");
            if (signature[0] == 0 || signature[32] == 0) {
                leadingZero++;
            }
            jdk.initVerify(KEY.toECPublicKey());
            jdk.update(input);
            assertTrue(jdk.verify(signature), "signature " + i);
        }
        // About 1 in 128 signatures has an R or S below 2^248; padding them is where encoders go wrong.
        assertTrue(leadingZero > 0, "the sample holds signatures whose R or S needs padding");
    }

    @Test
    void aSignatureDoesNotVerifyForOtherInputOrAnotherKey() throws Exception {
        Es256Signer signer = new Es256Signer(KEY.toECPrivateKey());
        byte[] input = "header.payload".getBytes(StandardCharsets.US_ASCII);
        Base64URL signature = signer.sign(new JWSHeader(JWSAlgorithm.ES256), input);

        ECDSAVerifier verifier = new ECDSAVerifier(KEY.toPublicJWK());
        assertTrue(verifier.verify(new JWSHeader(JWSAlgorithm.ES256), input, signature));
        assertFalse(verifier.verify(new JWSHeader(JWSAlgorithm.ES256), "header.payloaD".getBytes(StandardCharsets.US_ASCII), signature));
        assertFalse(new ECDSAVerifier(generate().toPublicJWK()).verify(new JWSHeader(JWSAlgorithm.ES256), input, signature));
    }

    @Test
    void theNonceIsFreshEachTime() throws Exception {
        Es256Signer signer = new Es256Signer(KEY.toECPrivateKey());
        byte[] input = "same input".getBytes(StandardCharsets.US_ASCII);
        Set<String> rs = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            rs.add(Base64URL.encode(java.util.Arrays.copyOf(signer.signature(input), 32)).toString());
        }
        assertEquals(200, rs.size(), "a repeated R would mean a repeated nonce, which gives the private key away");
    }

    @Test
    void threadsSignIndependently() throws Exception {
        Es256Signer signer = new Es256Signer(KEY.toECPrivateKey());
        byte[] input = "shared".getBytes(StandardCharsets.US_ASCII);
        Set<String> rs = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Thread[] threads = new Thread[4];
        java.util.concurrent.atomic.AtomicInteger invalid = new java.util.concurrent.atomic.AtomicInteger();
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                try {
                    Signature jdk = Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
                    for (int i = 0; i < 100; i++) {
                        byte[] signature = signer.signature(input);
                        rs.add(Base64URL.encode(java.util.Arrays.copyOf(signature, 32)).toString());
                        jdk.initVerify(KEY.toECPublicKey());
                        jdk.update(input);
                        if (!jdk.verify(signature)) {
                            invalid.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    invalid.incrementAndGet();
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(0, invalid.get());
        assertEquals(400, rs.size(), "no two threads drew the same nonce");
    }

    @Test
    void refusesToSignForAnotherAlgorithm() throws Exception {
        Es256Signer signer = new Es256Signer(KEY.toECPrivateKey());
        JOSEException refused = assertThrows(JOSEException.class,
                () -> signer.sign(new JWSHeader(JWSAlgorithm.ES384), new byte[] {1}));
        assertNotEquals(-1, refused.getMessage().indexOf("ES384"));
        assertEquals(Set.of(JWSAlgorithm.ES256), signer.supportedJWSAlgorithms());
    }

    @Test
    void refusesAKeyOnAnotherCurve() throws Exception {
        ECKey p384 = new ECKeyGenerator(Curve.P_384).generate();
        assertThrows(java.security.InvalidKeyException.class, () -> new Es256Signer(p384.toECPrivateKey()));
        java.security.Provider bc = com.nimbusds.jose.crypto.bc.BouncyCastleProviderSingleton.getInstance();
        ECKey k256 = new ECKeyGenerator(Curve.SECP256K1).provider(bc).generate();
        assertThrows(java.security.InvalidKeyException.class, () -> new Es256Signer(k256.toECPrivateKey(bc)),
                "secp256k1 has 256-bit numbers too, but not P-256's order");
    }

    private static ECKey generate() {
        try {
            return new ECKeyGenerator(Curve.P_256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
