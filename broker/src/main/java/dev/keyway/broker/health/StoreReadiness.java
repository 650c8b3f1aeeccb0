package dev.keyway.broker.health;

import dev.keyway.broker.store.StoreConfiguration;
import dev.keyway.broker.store.StoreFactory;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * Ready only while the shared store answers, when failing closed: a replica that would refuse
 * every exchange is better out of rotation.
 */
@Singleton
@Readiness
public class StoreReadiness implements HealthIndicator {

    private final StoreFactory.Store store;
    private final boolean failClosed;

    public StoreReadiness(StoreFactory.Store store, StoreConfiguration configuration) {
        this.store = store;
        this.failClosed = !"allow-without-replay-check".equals(configuration.getOnFailure());
    }

    @Override
    public Publisher<HealthResult> getResult() {
        if (store.redis() == null) {
            return Publishers.just(HealthResult.builder("store", HealthStatus.UP).details(Map.of("type", "memory")).build());
        }
        boolean up = store.redis().healthy();
        // Failing open, a replica without Redis still serves (unchecked for replay), so it stays ready.
        HealthStatus status = up || !failClosed ? HealthStatus.UP : HealthStatus.DOWN;
        return Publishers.just(HealthResult.builder("store", status)
                .details(Map.of("type", "redis", "reachable", up, "onFailure", failClosed ? "deny" : "allow-without-replay-check"))
                .build());
    }
}
