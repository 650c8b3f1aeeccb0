package dev.keyway.broker.policy;

import dev.keyway.broker.profile.Profile;
import dev.keyway.spi.config.Location;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A trusted token issuer (an {@code Issuer} document). {@code audiences} empty means the broker's
 * own {@code keyway.audience}. Keys come from discovery on {@code issuer}, or {@code jwksUri}, or
 * {@code jwksFile}.
 */
public record IssuerConfig(
        String name,
        Profile profile,
        String issuer,
        List<String> audiences,
        Optional<String> jwksUri,
        Optional<String> jwksFile,
        Optional<Duration> maxTokenAge,
        ReplayMode replay,
        Location location) {

    public IssuerConfig {
        audiences = List.copyOf(audiences);
    }
}
