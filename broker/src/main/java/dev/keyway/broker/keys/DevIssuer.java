package dev.keyway.broker.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.Map;
import java.util.UUID;

/**
 * The built-in development issuer: an ES256 key in the keys directory that mints GitHub-shaped
 * tokens for demos and tests. The demo policy trusts it through its public JWKS file. Never use it
 * for anything real: whoever can read the directory can mint tokens.
 */
public final class DevIssuer {

    /** The {@code iss} of every dev token; the demo policy's Issuer document names it. */
    public static final String ISSUER = "https://dev.keyway.invalid";
    public static final String PRIVATE_KEY_FILE = "dev-issuer.jwk";
    public static final String JWKS_FILE = "dev-issuer.jwks.json";

    private final ECKey key;

    private DevIssuer(ECKey key) {
        this.key = key;
    }

    /** Loads the dev issuer key from {@code dir}, creating it (and the directory, owner-only) on first use. */
    public static DevIssuer loadOrCreate(Path dir) throws IOException {
        Path privateFile = dir.resolve(PRIVATE_KEY_FILE);
        Path jwksFile = dir.resolve(JWKS_FILE);
        try {
            if (Files.isRegularFile(privateFile)) {
                ECKey key = ECKey.parse(Files.readString(privateFile));
                if (!Files.isRegularFile(jwksFile)) {
                    KeyFiles.writePublic(jwksFile, new JWKSet(key.toPublicJWK()).toString());
                }
                return new DevIssuer(key);
            }
            KeyFiles.ensureOwnerOnlyDirectory(dir);
            ECKey key = new ECKeyGenerator(Curve.P_256)
                    .keyID("dev-" + UUID.randomUUID().toString().substring(0, 8))
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256)
                    .generate();
            KeyFiles.writePrivate(privateFile, key.toJSONString());
            KeyFiles.writePublic(jwksFile, new JWKSet(key.toPublicJWK()).toString());
            return new DevIssuer(key);
        } catch (ParseException e) {
            throw new IOException(privateFile + " is not a JWK; delete it to generate a new dev issuer key", e);
        } catch (JOSEException e) {
            throw new IOException("cannot generate the dev issuer key: " + e.getMessage(), e);
        }
    }

    /** Signs {@code claims} as they are: callers decide every claim, including broken ones for tests. */
    public String mint(Map<String, Object> claims) throws IOException {
        try {
            JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
            claims.forEach(builder::claim);
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256)
                    .keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), builder.build());
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IOException("cannot sign the dev token: " + e.getMessage(), e);
        }
    }

    public String keyId() {
        return key.getKeyID();
    }
}
