package dev.keyway.broker.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.keyway.broker.json.JsonBytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The broker's JWT signing keys: one file, {@code signing-keys.jwks.json} (owner-only), holding
 * for each algorithm the current key first and the previous one after it. Both are published, so
 * relying parties keep verifying tokens signed before a rotation.
 */
public final class SigningKeys {

    public static final String FILE = "signing-keys.jwks.json";
    public static final List<JWSAlgorithm> ALGORITHMS = List.of(JWSAlgorithm.ES256, JWSAlgorithm.RS256);

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final List<JWK> keys;
    private final Map<JWSAlgorithm, Signer> current = new LinkedHashMap<>();
    private final String publicJwks;

    /** A current key's signer and its JWS header (constant per key), also base64url-encoded. */
    private record Signer(JWSSigner signer, JWSHeader header, String encodedHeader) {
        static Signer of(JWSAlgorithm alg, JWK key) throws JOSEException {
            JWSHeader header = new JWSHeader.Builder(alg).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build();
            return new Signer(SigningKeys.signer(key), header, header.toBase64URL().toString());
        }
    }

    private SigningKeys(List<JWK> keys) throws JOSEException {
        this.keys = List.copyOf(keys);
        for (JWK key : keys) {
            JWSAlgorithm alg = JWSAlgorithm.parse(key.getAlgorithm().getName());
            if (!current.containsKey(alg)) {
                current.put(alg, Signer.of(alg, key));
            }
        }
        this.publicJwks = new JWKSet(keys).toPublicJWKSet().toString();
    }

    /** ES256 signs with {@link Es256Signer} (Bouncy Castle's curve math); RSA stays with the JDK, which is as fast. */
    private static JWSSigner signer(JWK key) throws JOSEException {
        if (key instanceof ECKey ec) {
            try {
                return new Es256Signer(ec.toECPrivateKey());
            } catch (GeneralSecurityException e) {
                throw new JOSEException("cannot load ES256 key " + ec.getKeyID() + " (curve " + ec.getCurve() + "): " + e.getMessage(), e);
            }
        }
        return new RSASSASigner((RSAKey) key);
    }

    /** Loads the key set; a missing or unreadable file says how to create one. */
    public static SigningKeys load(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new IOException("no signing keys at " + file + "; create them with: java -jar keyway-broker.jar keys init " + dir);
        }
        try {
            List<JWK> keys = JWKSet.parse(Files.readString(file)).getKeys();
            for (JWK key : keys) {
                if (!key.isPrivate() || key.getAlgorithm() == null || !ALGORITHMS.contains(JWSAlgorithm.parse(key.getAlgorithm().getName()))) {
                    throw new IOException(file + ": key " + key.getKeyID() + " must be a private ES256 or RS256 key with alg set");
                }
            }
            if (keys.isEmpty()) {
                throw new IOException(file + " holds no keys; run: keys init " + dir);
            }
            return new SigningKeys(keys);
        } catch (ParseException | JOSEException e) {
            throw new IOException(file + " is not a valid JWK set: " + e.getMessage(), e);
        }
    }

    /** Creates a fresh key set (one ES256 and one RS256 key); refuses to overwrite an existing one. */
    public static SigningKeys init(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (Files.exists(file)) {
            throw new IOException(file + " already exists; use keys rotate to add a new key");
        }
        KeyFiles.ensureOwnerOnlyDirectory(dir);
        List<JWK> keys = new ArrayList<>();
        for (JWSAlgorithm alg : ALGORITHMS) {
            keys.add(generate(alg));
        }
        KeyFiles.writePrivate(file, new JWKSet(keys).toString(false));
        return load(dir);
    }

    /** Adds a new current key per algorithm and keeps the previous one published; older keys are dropped. */
    public static SigningKeys rotate(Path dir) throws IOException {
        SigningKeys existing = load(dir);
        List<JWK> keys = new ArrayList<>();
        for (JWSAlgorithm alg : ALGORITHMS) {
            keys.add(generate(alg));
            existing.keys.stream().filter(k -> alg.getName().equals(k.getAlgorithm().getName())).findFirst().ifPresent(keys::add);
        }
        KeyFiles.writePrivate(dir.resolve(FILE), new JWKSet(keys).toString(false));
        return load(dir);
    }

    /** Loads the key set, creating it first when absent: demo mode only. */
    public static SigningKeys loadOrInit(Path dir) throws IOException {
        return Files.exists(dir.resolve(FILE)) ? load(dir) : init(dir);
    }

    private static JWK generate(JWSAlgorithm alg) throws IOException {
        try {
            JWK key = alg.equals(JWSAlgorithm.ES256)
                    ? new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(alg).generate()
                    : new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(alg).generate();
            // RFC 7638 thumbprint as kid: stable, derived from the key, reveals nothing else.
            String kid = key.computeThumbprint().toString();
            return key instanceof ECKey ec ? new ECKey.Builder(ec).keyID(kid).build() : new RSAKey.Builder((RSAKey) key).keyID(kid).build();
        } catch (JOSEException e) {
            throw new IOException("cannot generate a " + alg + " key: " + e.getMessage(), e);
        }
    }

    /** Signs with the current key of {@code alg} (default ES256). */
    public String sign(Map<String, Object> claims, Optional<JWSAlgorithm> alg) throws JOSEException {
        Signer signer = current.get(alg.orElse(JWSAlgorithm.ES256));
        if (signer == null) {
            throw new JOSEException("no " + alg.orElse(JWSAlgorithm.ES256) + " signing key; run keys rotate to add one");
        }
        // The compact form built here rather than by SignedJWT: Nimbus encodes with a constant-time
        // base64 codec (3% of an exchange's CPU) and its claims set serializes through Gson after
        // copying the map (another 3%); nothing in a minted token's header or claims is secret.
        String signingInput = signer.encodedHeader() + '.' + BASE64URL.encodeToString(json(claims));
        return signingInput + '.' + signer.signer().sign(signer.header(), signingInput.getBytes(StandardCharsets.US_ASCII));
    }

    /** The claims as a JSON object; like {@code JWTClaimsSet.toString()}, a claim whose value is null is left out. */
    private static byte[] json(Map<String, Object> claims) throws JOSEException {
        try {
            return JsonBytes.of(out -> {
                out.writeStartObject();
                for (Map.Entry<String, Object> claim : claims.entrySet()) {
                    JsonBytes.fieldIfPresent(out, claim.getKey(), claim.getValue());
                }
                out.writeEndObject();
            });
        } catch (java.io.UncheckedIOException e) {
            throw new JOSEException("cannot serialize the claims of a token to sign: " + e.getCause().getMessage(), e);
        }
    }

    /** The public JWKS document, current and previous keys: computed once. */
    public String publicJwks() {
        return publicJwks;
    }

    public List<String> algorithms() {
        return current.keySet().stream().map(JWSAlgorithm::getName).toList();
    }

    public List<String> keyIds() {
        return keys.stream().map(JWK::getKeyID).toList();
    }
}
