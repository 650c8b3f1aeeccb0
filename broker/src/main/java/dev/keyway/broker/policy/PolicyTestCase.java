package dev.keyway.broker.policy;

import dev.keyway.spi.config.Location;
import java.util.Map;

/** One case of a {@code PolicyTest} document: raw claims from an issuer, a binding, the expected outcome. */
public record PolicyTestCase(
        String suite,
        String name,
        String binding,
        String issuer,
        Map<String, Object> claims,
        boolean expectAllow,
        Location location) {

    public PolicyTestCase {
        claims = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(claims));
    }
}
