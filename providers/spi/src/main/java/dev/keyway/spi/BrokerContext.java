package dev.keyway.spi;

import java.util.Map;

/** What the broker lends providers: its public identity and its signing key, never the key itself. */
public interface BrokerContext {

    /** The broker's issuer URL: {@code iss} of every token it mints. */
    String publicUrl();

    /** Signs a JWT with the broker's current key (header alg/kid chosen by the broker). */
    String signJwt(Map<String, Object> claims) throws IssueException;
}
