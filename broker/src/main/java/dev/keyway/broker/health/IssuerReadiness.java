package dev.keyway.broker.health;

import dev.keyway.broker.issuer.IssuerProbe;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

/**
 * Which issuers have usable keys. An unreachable issuer does not make the broker unready: its
 * callers get 503, everyone else's exchanges work, and this shows which one is down.
 */
@Singleton
@Readiness
public class IssuerReadiness implements HealthIndicator {

    private final IssuerProbe probe;

    public IssuerReadiness(IssuerProbe probe) {
        this.probe = probe;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        return Publishers.just(HealthResult.builder("issuers", HealthStatus.UP).details(probe.statuses()).build());
    }
}
