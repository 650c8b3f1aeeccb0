package dev.keyway.spi;

import java.security.KeyPair;
import java.util.Map;
import java.util.Optional;

/** What the broker lends providers: its public identity and its signing keys. Providers never read key files. */
public interface BrokerContext {

    /** The broker's issuer URL: {@code iss} of every token it mints. */
    String publicUrl();

    /** Signs a JWT with the broker's current key (header alg/kid chosen by the broker). */
    String signJwt(Map<String, Object> claims) throws IssueException;

    /** The current X.509 CA, loaded once at startup; empty when {@code keys.dir} has none. */
    default Optional<CertificateAuthority> x509Authority() {
        return Optional.empty();
    }

    /** The current SSH user CA key pair, loaded once at startup; empty when {@code keys.dir} has none. */
    default Optional<KeyPair> sshAuthority() {
        return Optional.empty();
    }
}
