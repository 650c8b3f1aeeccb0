package dev.keyway.broker.health;

import dev.keyway.broker.policy.PolicyHolder;
import dev.keyway.spi.config.Problem;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * Ready once a policy is in force. A later broken policy file keeps the broker ready (the previous
 * policy still serves) but readiness lists the errors so operators see them.
 */
@Singleton
@Readiness
public class PolicyReadiness implements HealthIndicator {

    private final PolicyHolder holder;

    public PolicyReadiness(PolicyHolder holder) {
        this.holder = holder;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        PolicyHolder.Status status = holder.status();
        Map<String, Object> details = new LinkedHashMap<>();
        status.policy().ifPresent(policy -> {
            details.put("issuers", policy.issuers().size());
            details.put("bindings", policy.bindings().size());
            details.put("loadedAt", status.loadedAt().toString());
        });
        if (!status.errors().isEmpty()) {
            details.put("errors", status.errors().stream().map(Problem::toString).toList());
        }
        HealthStatus health = status.policy().isPresent() ? HealthStatus.UP : HealthStatus.DOWN;
        return Publishers.just(HealthResult.builder("policy", health).details(details).build());
    }
}
