package dev.keyway.broker.issuer;

import java.time.Duration;

/** The checks that do not depend on the issuer: token size cap and clock leeway (CONTRACT §2 limits). */
public record VerificationLimits(int maxTokenBytes, Duration clockSkew) {

    public static final VerificationLimits DEFAULT = new VerificationLimits(16384, Duration.ofSeconds(60));
}
