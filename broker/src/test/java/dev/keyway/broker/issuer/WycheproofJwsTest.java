package dev.keyway.broker.issuer;

import static dev.keyway.broker.issuer.VerifierFixtures.TESTDATA;
import static dev.keyway.broker.issuer.VerifierFixtures.issuer;
import static dev.keyway.broker.issuer.VerifierFixtures.policy;
import static dev.keyway.broker.problem.ErrorCode.ISSUER_UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.Header;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.keyway.broker.policy.IssuerConfig;
import dev.keyway.broker.policy.PolicySet;
import dev.keyway.broker.problem.KeywayException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Project Wycheproof's JSON Web Signature and JSON Web Key vectors against Keyway's verdict. The
 * vectors' payloads are not JWT claim sets ("foo", "Test", ...), so the verdict is composed of the
 * two layers a real token passes, each exercised through Keyway's own code:
 * <ol>
 *   <li>header rules: the vector's header and signature are put around a valid claims set whose iss
 *       is not configured, and given to {@link TokenVerifier}; reaching issuer_unknown means every
 *       header rule passed (header checks come before issuer selection), any other code is a refusal;
 *   <li>signature: the group's key set is loaded by {@link IssuerKeys} as a jwks-file, keys are
 *       selected with the matcher TokenVerifier uses ({@code JWKMatcher.forJWSHeader}) and verified
 *       with {@link Algorithms#verifier}.
 * </ol>
 * For the algorithms Keyway accepts the verdict must equal Wycheproof's; everything else must be refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WycheproofJwsTest {

    private static final Path WYCHEPROOF = TESTDATA.resolve("wycheproof");
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Set<String> ACCEPTED = Algorithms.ACCEPTED.stream().map(JWSAlgorithm::getName).collect(Collectors.toSet());

    /**
     * Vectors where Keyway deliberately differs from Wycheproof, with the reason. Each is still
     * asserted: Keyway must give the opposite verdict, so a change of behaviour shows up here.
     */
    private static final Map<String, String> DELIBERATE = Map.of(
            "json_web_signature_test.json#346", "RFC 7520 Figure 20: a PS384 signature by a key published with alg PS256."
                    + " Keyway honours the key's alg (RFC 7517 §4.4), as Wycheproof's own WrongPrimitive vectors 331-340 demand",
            "json_web_signature_test.json#350", "same as #346, key additionally carries key_ops [verify]");

    @TempDir
    Path dir;

    /** Verdicts are deterministic; the tally reuses those the vectors computed (one instance for the class). */
    private final Map<String, Boolean> verdicts = new HashMap<>();

    static Stream<Vector> vectors() throws Exception {
        List<Vector> vectors = new ArrayList<>();
        vectors.addAll(read("json_web_signature_test.json"));
        vectors.addAll(read("json_web_key_test.json"));
        return vectors.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void keywayAgreesWithWycheproof(Vector vector) throws Exception {
        boolean accepted = keywayAccepts(vector);
        String deliberate = DELIBERATE.get(vector.id());
        if (!vector.keywayAlgorithm()) {
            assertTrue(!accepted, vector + ": an algorithm Keyway does not accept must be refused");
        } else if (vector.result().equals("acceptable")) {
            return; // Wycheproof leaves these to the implementation
        } else if (deliberate != null) {
            assertEquals(!vector.result().equals("valid"), accepted, vector + ": deliberate difference changed: " + deliberate);
        } else {
            assertEquals(vector.result().equals("valid"), accepted, vector + ": Wycheproof says " + vector.result());
        }
    }

    @Test
    void tally() throws Exception {
        Map<String, Integer> tally = new TreeMap<>();
        List<String> disagreements = new ArrayList<>();
        for (Vector vector : vectors().toList()) {
            boolean accepted = keywayAccepts(vector);
            String bucket;
            if (!vector.keywayAlgorithm()) {
                bucket = accepted ? "other algorithm ACCEPTED" : "other algorithm refused";
            } else if (vector.result().equals("acceptable")) {
                bucket = "acceptable, " + (accepted ? "accepted" : "refused");
            } else {
                bucket = vector.result() + (accepted ? " accepted" : " refused");
            }
            tally.merge(vector.file() + ": " + bucket, 1, Integer::sum);
            boolean agrees = !vector.keywayAlgorithm() ? !accepted
                    : vector.result().equals("acceptable") || accepted == vector.result().equals("valid");
            if (!agrees) {
                disagreements.add(vector + (DELIBERATE.containsKey(vector.id()) ? " (deliberate)" : ""));
            }
        }
        System.out.println("Wycheproof JWS/JWK tally:");
        tally.forEach((bucket, count) -> System.out.println("  " + bucket + ": " + count));
        System.out.println("  disagreements: " + disagreements);
        assertEquals(vectors().count(), tally.values().stream().mapToInt(Integer::intValue).sum());
    }

    private boolean keywayAccepts(Vector vector) throws Exception {
        Boolean known = verdicts.get(vector.id());
        if (known == null) {
            known = verdict(vector);
            verdicts.put(vector.id(), known);
        }
        return known;
    }

    /** Keyway's verdict: the header passes TokenVerifier's rules and a key of the group verifies the signature. */
    private boolean verdict(Vector vector) throws Exception {
        Path groupDir = Files.createTempDirectory(dir, "tc" + vector.tcId());
        Path jwks = groupDir.resolve("jwks.json");
        Files.writeString(jwks, vector.keySet());
        PolicySet policy = policy(groupDir.resolve("policy"), issuer("wycheproof", "oidc", "https://wycheproof.example",
                Map.of("jwks-file", jwks.toString())));
        IssuerKeys keys = VerifierFixtures.keys();
        return headerPasses(vector, policy, keys) && signatureVerifies(vector, policy.issuer("wycheproof").orElseThrow(), keys);
    }

    private static boolean headerPasses(Vector vector, PolicySet policy, IssuerKeys keys) {
        TokenVerifier verifier = VerifierFixtures.verifier(NOW, keys);
        String[] parts = vector.jws().split("\\.", -1);
        if (parts.length != 3) {
            assertThrows(KeywayException.class, () -> verifier.verify(vector.jws(), policy), vector + ": not three parts");
            return false;
        }
        JWTClaimsSet probe = new JWTClaimsSet.Builder().issuer("https://not-configured.example").audience("x")
                .expirationTime(Date.from(NOW.plusSeconds(60))).build();
        String transplanted = parts[0] + "." + Base64URL.encode(probe.toString()) + "." + parts[2];
        KeywayException refused = assertThrows(KeywayException.class, () -> verifier.verify(transplanted, policy));
        return refused.code() == ISSUER_UNKNOWN;
    }

    private static boolean signatureVerifies(Vector vector, IssuerConfig issuer, IssuerKeys keys) throws Exception {
        JWSObject jws;
        try {
            jws = JWSObject.parse(vector.jws());
        } catch (java.text.ParseException e) {
            return false;
        }
        List<JWK> candidates;
        try {
            candidates = keys.source(issuer).get(new JWKSelector(JWKMatcher.forJWSHeader(jws.getHeader())), null);
        } catch (KeySourceException e) {
            return false; // the key set itself is unusable: TokenVerifier answers unavailable
        }
        for (JWK key : candidates) {
            try {
                Optional<JWSVerifier> verifier = Algorithms.verifier(jws.getHeader().getAlgorithm(), key);
                if (verifier.isPresent() && jws.verify(verifier.get())) {
                    return true;
                }
            } catch (com.nimbusds.jose.JOSEException e) {
                // as TokenVerifier: a key that cannot build a verifier or verify is a wrong key
            }
        }
        return false;
    }

    /** One Wycheproof vector with its group's key set (public keys when given, else the private ones). */
    record Vector(String file, int tcId, String comment, String jws, String result, String keySet, Optional<String> alg) {

        String id() {
            return file + "#" + tcId;
        }

        /** Whether the algorithm under test is one Keyway accepts: the header's, or for an unreadable header the key's. */
        boolean keywayAlgorithm() {
            return alg.map(ACCEPTED::contains).orElse(false);
        }

        @Override
        public String toString() {
            return file.replace("_test.json", "") + " #" + tcId + " " + comment + " [" + alg.orElse("?") + ", " + result + "]";
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Vector> read(String file) throws Exception {
        Map<String, Object> root = JSONObjectUtils.parse(Files.readString(WYCHEPROOF.resolve(file)));
        List<Vector> vectors = new ArrayList<>();
        for (Object g : (List<Object>) root.get("testGroups")) {
            Map<String, Object> group = (Map<String, Object>) g;
            Map<String, Object> keys = (Map<String, Object>) (group.containsKey("public") ? group.get("public") : group.get("private"));
            // JWS groups carry one JWK, JWK groups a key set.
            Map<String, Object> keySet = keys.containsKey("keys") ? keys : Map.of("keys", List.of(keys));
            Optional<String> keyAlg = ((List<Map<String, Object>>) keySet.get("keys")).stream()
                    .map(k -> (String) k.get("alg")).filter(a -> a != null).findFirst();
            for (Object t : (List<Object>) group.get("tests")) {
                Map<String, Object> test = (Map<String, Object>) t;
                String jws = (String) test.get("jws");
                vectors.add(new Vector(file, ((Number) test.get("tcId")).intValue(), (String) test.get("comment"), jws,
                        (String) test.get("result"), JSONObjectUtils.toJSONString(new LinkedHashMap<>(keySet)),
                        headerAlg(jws).or(() -> keyAlg)));
            }
        }
        return vectors;
    }

    private static Optional<String> headerAlg(String jws) {
        try {
            return Optional.ofNullable(Header.parse(new Base64URL(jws.substring(0, jws.indexOf('.')))).getAlgorithm())
                    .map(a -> a.getName());
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
