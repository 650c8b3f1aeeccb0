package dev.keyway.broker.issuer;

import static dev.keyway.broker.issuer.VerifierFixtures.TESTDATA;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Wycheproof's raw signature vectors for the primitives behind ES256, ES384, RS256 and PS256, fed
 * to the JWS verifiers {@link Algorithms#verifier} builds: the signature layer every token reaches,
 * tried on hundreds of malformed signatures no JWS vector carries. Only the files whose signature
 * encoding is the one JWS uses (IEEE P1363 r||s for ECDSA; the DER-encoded ECDSA file is not).
 */
class WycheproofSignaturesTest {

    /** File, the JWS algorithm its primitive is, and the group member holding the public JWK. */
    private static final List<Object[]> FILES = List.of(
            new Object[] {"ecdsa_secp256r1_sha256_p1363_test.json", JWSAlgorithm.ES256, "publicKeyJwk"},
            new Object[] {"ecdsa_secp384r1_sha384_p1363_test.json", JWSAlgorithm.ES384, "publicKeyJwk"},
            new Object[] {"rsa_signature_2048_sha256_test.json", JWSAlgorithm.RS256, "keyJwk"},
            new Object[] {"rsa_signature_3072_sha256_test.json", JWSAlgorithm.RS256, "keyJwk"},
            new Object[] {"rsa_signature_4096_sha256_test.json", JWSAlgorithm.RS256, "keyJwk"},
            // PS256 is RSASSA-PSS with SHA-256, MGF1 with SHA-256 and a 32-byte salt: exactly this file.
            new Object[] {"rsa_pss_2048_sha256_mgf1_32_test.json", JWSAlgorithm.PS256, "publicKeyJwk"});

    record Vector(String file, JWSAlgorithm alg, int tcId, String comment, String result, Map<String, Object> jwk,
                  byte[] msg, byte[] sig) {
        @Override
        public String toString() {
            return file.replace("_test.json", "") + " #" + tcId + " " + comment + " [" + result + "]";
        }
    }

    static Stream<Vector> vectors() throws Exception {
        List<Vector> vectors = new ArrayList<>();
        HexFormat hex = HexFormat.of();
        for (Object[] f : FILES) {
            String file = (String) f[0];
            Map<String, Object> root = JSONObjectUtils.parse(Files.readString(TESTDATA.resolve("wycheproof").resolve(file)));
            for (Map<String, Object> group : JSONObjectUtils.getJSONObjectArray(root, "testGroups")) {
                Map<String, Object> jwk = group.containsKey(f[2]) ? JSONObjectUtils.getJSONObject(group, (String) f[2])
                        : ecJwk(JSONObjectUtils.getJSONObject(group, "publicKey"));
                for (Map<String, Object> test : JSONObjectUtils.getJSONObjectArray(group, "tests")) {
                    vectors.add(new Vector(file, (JWSAlgorithm) f[1], ((Number) test.get("tcId")).intValue(),
                            (String) test.get("comment"), (String) test.get("result"), jwk,
                            hex.parseHex((String) test.get("msg")), hex.parseHex((String) test.get("sig"))));
                }
            }
        }
        return vectors.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void theVerifierAgreesWithWycheproof(Vector vector) {
        // Includes the valid signatures whose x(R) lies in [n, p), which SunEC (17.0.x) refuses: ECDSA goes through Bouncy Castle.
        if (!vector.result().equals("acceptable")) {
            assertEquals(vector.result().equals("valid"), verifies(vector), vector.toString());
        }
    }

    @Test
    void tally() throws Exception {
        Map<String, Integer> tally = new TreeMap<>();
        vectors().forEach(v -> tally.merge(v.file() + ": " + v.result() + (verifies(v) ? " accepted" : " refused"), 1, Integer::sum));
        System.out.println("Wycheproof signature tally:");
        tally.forEach((bucket, count) -> System.out.println("  " + bucket + ": " + count));
    }

    /** A few ECDSA groups have no JWK form in the file (only wx, wy): build it, padding to the field size. */
    private static Map<String, Object> ecJwk(Map<String, Object> publicKey) {
        int size = ((Number) publicKey.get("keySize")).intValue() / 8;
        String crv = publicKey.get("curve").equals("secp256r1") ? "P-256" : "P-384";
        return Map.of("kty", "EC", "crv", crv, "x", coordinate((String) publicKey.get("wx"), size),
                "y", coordinate((String) publicKey.get("wy"), size));
    }

    private static String coordinate(String hex, int size) {
        byte[] bytes = new java.math.BigInteger(hex, 16).toByteArray();
        byte[] fixed = new byte[size];
        int copy = Math.min(bytes.length, size);
        System.arraycopy(bytes, bytes.length - copy, fixed, size - copy, copy);
        return Base64URL.encode(fixed).toString();
    }

    /** Keyway's signature layer: a verifier for the key and alg, then JWS verification of msg. */
    private static boolean verifies(Vector vector) {
        try {
            Optional<JWSVerifier> verifier = Algorithms.verifier(vector.alg(), JWK.parse(vector.jwk()));
            return verifier.isPresent()
                    && verifier.get().verify(new JWSHeader(vector.alg()), vector.msg(), Base64URL.encode(vector.sig()));
        } catch (JOSEException | java.text.ParseException e) {
            return false;
        }
    }
}
