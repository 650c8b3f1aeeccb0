package dev.keyway.broker.exchange;

import dev.keyway.broker.config.KeywayConfiguration;
import dev.keyway.broker.keys.CertificateAuthorities;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the X.509 and SSH CAs once, at startup. A missing CA is not an error (a jwt-only broker
 * needs none; x509 and ssh grants answer 503 and the log says how to fix it); a broken one is,
 * so a bad file fails the start instead of every certificate request.
 */
@Factory
public class AuthorityFactory {

    private static final Logger LOG = LoggerFactory.getLogger(AuthorityFactory.class);

    @Context
    CertificateAuthorities certificateAuthorities(KeywayConfiguration configuration, KeywayConfiguration.Keys keys, Clock clock)
            throws IOException {
        Path dir = Path.of(keys.getDir());
        CertificateAuthorities authorities = configuration.isDemo()
                ? CertificateAuthorities.loadOrInit(dir, clock.instant())
                : CertificateAuthorities.load(dir, clock.instant());
        authorities.describe(clock.instant()).forEach(LOG::info);
        return authorities;
    }
}
