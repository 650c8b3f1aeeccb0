package dev.keyway.broker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dev-token}: a real ES256 JWT that the published dev JWKS verifies, with the caller's claims. */
class DevTokenCliIT {

    @TempDir
    Path dir;

    @Test
    void mintsATokenThatTheDevJwksVerifies() throws Exception {
        Jar.Run run = Jar.run(dir, "dev-token", "--claims", "{\"repository\":\"acme/api\",\"ref\":\"refs/heads/main\",\"run_id\":42}",
                "--issuer-key", "keys");
        assertEquals(0, run.exit(), run.err());
        SignedJWT jwt = SignedJWT.parse(run.out().strip());
        assertEquals(JWSAlgorithm.ES256, jwt.getHeader().getAlgorithm());
        JWKSet jwks = JWKSet.load(dir.resolve("keys/dev-issuer.jwks.json").toFile());
        assertTrue(jwt.verify(new ECDSAVerifier(jwks.getKeyByKeyId(jwt.getHeader().getKeyID()).toECKey())));
        var claims = jwt.getJWTClaimsSet();
        assertEquals("https://dev.keyway.invalid", claims.getIssuer());
        assertEquals("repo:acme/api:ref:refs/heads/main", claims.getSubject());
        assertEquals(42L, claims.getLongClaim("run_id"));
        assertEquals("http://127.0.0.1:8080", claims.getAudience().get(0));
        assertTrue(claims.getExpirationTime().after(claims.getIssueTime()));
        assertFalse(jwks.getKeys().get(0).isPrivate(), "the published JWKS must hold only the public key");
    }

    @Test
    void keepsTheKeyOwnerOnlyAndReusesIt() throws Exception {
        Jar.Run first = Jar.run(dir, "dev-token", "--issuer-key", "keys");
        Jar.Run second = Jar.run(dir, "dev-token", "--issuer-key", "keys", "--claims", "{\"iss\":\"https://elsewhere\"}");
        assertEquals(0, first.exit(), first.err());
        assertEquals(0, second.exit(), second.err());
        assertEquals(SignedJWT.parse(first.out().strip()).getHeader().getKeyID(),
                SignedJWT.parse(second.out().strip()).getHeader().getKeyID());
        assertEquals("https://elsewhere", SignedJWT.parse(second.out().strip()).getJWTClaimsSet().getIssuer(),
                "given claims win, so tests can mint tokens from a foreign issuer");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("keys/dev-issuer.jwk"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("keys"))));
    }

    @Test
    void badClaimsJsonIsAUsageErrorThatSaysWhatToWrite() throws Exception {
        Jar.Run run = Jar.run(dir, "dev-token", "--claims", "[1,2]", "--issuer-key", "keys");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("--claims must be a JSON object"), run.err());
        assertTrue(run.out().isEmpty(), "no token on a usage error");
    }
}
