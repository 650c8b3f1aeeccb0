package dev.keyway.providers.azure;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keyway.spi.BrokerContext;
import dev.keyway.spi.IssueException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A hand-written broker: signs real ES256 JWTs with a throwaway key and remembers what it signed. */
class SigningBroker implements BrokerContext {

    static final String PUBLIC_URL = "https://keyway.test";

    private final ECKey key;
    final List<String> signed = new ArrayList<>();

    SigningBroker() {
        try {
            key = new ECKeyGenerator(Curve.P_256).keyID("test-key").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String publicUrl() {
        return PUBLIC_URL;
    }

    @Override
    public String signJwt(Map<String, Object> claims) throws IssueException {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
        claims.forEach(builder::claim);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
                builder.build());
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IssueException("unavailable", "test signing failed", e);
        }
        String token = jwt.serialize();
        signed.add(token);
        return token;
    }

    /** The claims of a JWT this broker signed; fails (without printing the JWT) when the signature does not verify. */
    JWTClaimsSet verify(String jwt) throws ParseException, JOSEException {
        SignedJWT parsed = SignedJWT.parse(jwt);
        if (!parsed.verify(new ECDSAVerifier(key.toPublicJWK()))) {
            throw new AssertionError("the client assertion is not signed by the broker key");
        }
        return parsed.getJWTClaimsSet();
    }
}
