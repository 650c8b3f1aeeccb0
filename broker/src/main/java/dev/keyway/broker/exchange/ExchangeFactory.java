package dev.keyway.broker.exchange;

import dev.keyway.broker.audit.AuditLog;
import dev.keyway.broker.config.KeywayConfiguration;
import dev.keyway.broker.issuer.IssuerKeys;
import dev.keyway.broker.issuer.TokenVerifier;
import dev.keyway.broker.issuer.VerificationLimits;
import dev.keyway.broker.keys.CertificateAuthorities;
import dev.keyway.broker.keys.SigningKeys;
import dev.keyway.broker.policy.PolicyHolder;
import dev.keyway.broker.store.RateConfiguration;
import dev.keyway.broker.store.StoreConfiguration;
import dev.keyway.broker.store.StoreFactory;
import dev.keyway.spi.BrokerContext;
import dev.keyway.spi.CertificateAuthority;
import dev.keyway.spi.IssueException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Wires the exchange pipeline from configuration: every part is built once, at startup. */
@Factory
public class ExchangeFactory {

    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Outside demo mode a missing key set is a startup error that says how to create one (hence eager). */
    @Context
    SigningKeys signingKeys(KeywayConfiguration configuration, KeywayConfiguration.Keys keys) throws IOException {
        Path dir = Path.of(keys.getDir());
        return configuration.isDemo() ? SigningKeys.loadOrInit(dir) : SigningKeys.load(dir);
    }

    @Singleton
    BrokerContext brokerContext(KeywayConfiguration configuration, SigningKeys keys, CertificateAuthorities authorities) {
        String publicUrl = configuration.getPublicUrl();
        return new BrokerContext() {
            @Override
            public Optional<CertificateAuthority> x509Authority() {
                return authorities.x509Authority();
            }

            @Override
            public Optional<KeyPair> sshAuthority() {
                return authorities.sshAuthority();
            }

            @Override
            public String publicUrl() {
                return publicUrl;
            }

            @Override
            public String signJwt(Map<String, Object> claims) throws IssueException {
                try {
                    return keys.sign(claims, Optional.empty());
                } catch (com.nimbusds.jose.JOSEException e) {
                    throw new IssueException("unavailable", "cannot sign with the broker key: " + e.getMessage(), e);
                }
            }
        };
    }

    /** Key fetches are counted per host and outcome: a failing issuer shows up before its cache runs dry. */
    @Singleton
    IssuerKeys issuerKeys(MeterRegistry registry, KeywayConfiguration.Issuers issuers) {
        var breakers = io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry.ofDefaults();
        io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(registry);
        IssuerKeys.Settings settings = new IssuerKeys.Settings(IssuerKeys.Settings.DEFAULT.cacheTtl(),
                IssuerKeys.Settings.DEFAULT.rateLimit(), issuers.getMaxKeyStaleness(), IssuerKeys.Settings.DEFAULT.fetchTimeout(),
                IssuerKeys.Settings.DEFAULT.maxBytes());
        return new IssuerKeys(settings, (host, ok) -> io.micrometer.core.instrument.Counter
                .builder("keyway.jwks.fetches").description("Discovery and JWKS fetches from issuers")
                .tag("host", host).tag("outcome", ok ? "ok" : "failed").register(registry).increment(), breakers);
    }

    @Singleton
    TokenVerifier tokenVerifier(KeywayConfiguration configuration, KeywayConfiguration.Limits limits, IssuerKeys keys, Clock clock) {
        List<String> defaultAudience = List.of(configuration.getAudience());
        return new TokenVerifier(new VerificationLimits(limits.getMaxTokenBytes(), limits.getClockSkew()), clock, keys::source,
                issuer -> issuer.audiences().isEmpty() ? defaultAudience : issuer.audiences());
    }

    @Singleton
    ExchangeMetrics exchangeMetrics(MeterRegistry registry, KeywayConfiguration.Metrics metrics) {
        return new ExchangeMetrics(registry, metrics.getBindingLabelLimit());
    }

    @Singleton
    ExchangeService exchangeService(PolicyHolder policies, TokenVerifier verifier, IssuerKeys issuerKeys, StoreFactory.Store store,
                                    StoreConfiguration storeConfiguration, RateConfiguration rates, AuditLog audit,
                                    BrokerContext broker, ExchangeMetrics metrics, Clock clock, KeywayConfiguration configuration,
                                    KeywayConfiguration.Limits limits) {
        Admission admission = new Admission(store.replay(), store.limiter(), store.redis(), rates.perIdentity(), rates.perBinding(),
                "allow-without-replay-check".equals(storeConfiguration.getOnFailure()), limits.getClockSkew());
        return new ExchangeService(policies, verifier, issuerKeys, admission, audit, broker, metrics, clock,
                "full".equals(configuration.getExplain()));
    }
}
