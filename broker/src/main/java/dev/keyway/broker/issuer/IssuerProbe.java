package dev.keyway.broker.issuer;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import dev.keyway.broker.policy.IssuerConfig;
import dev.keyway.broker.policy.PolicyHolder;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fetches every configured issuer's keys in the background (at startup, after reloads, and
 * periodically), so caches are warm before the first exchange and readiness can say which issuer
 * is unavailable without touching the network itself. Exchanges never wait on this.
 */
@Singleton
public class IssuerProbe {

    private final PolicyHolder policies;
    private final IssuerKeys keys;
    private final AtomicReference<Map<String, String>> statuses = new AtomicReference<>(Map.of());

    public IssuerProbe(PolicyHolder policies, IssuerKeys keys) {
        this.policies = policies;
        this.keys = keys;
    }

    @Scheduled(fixedDelay = "${keyway.issuers.probe-interval:30s}", initialDelay = "1s")
    public void probe() {
        Map<String, String> result = new TreeMap<>();
        policies.current().ifPresent(policy -> {
            keys.afterReload(policy.issuers());
            for (IssuerConfig issuer : policy.issuers()) {
                result.put(issuer.name(), status(issuer));
            }
        });
        statuses.set(Map.copyOf(result));
    }

    private String status(IssuerConfig issuer) {
        try {
            int found = keys.source(issuer).get(new JWKSelector(new JWKMatcher.Builder().build()), null).size();
            return found > 0 ? "ok" : "unavailable: the issuer publishes no keys";
        } catch (KeySourceException | RuntimeException e) {
            return "unavailable: " + e.getMessage();
        }
    }

    /** Issuer name → "ok" or "unavailable: reason", as of the last probe. */
    public Map<String, String> statuses() {
        return statuses.get();
    }
}
