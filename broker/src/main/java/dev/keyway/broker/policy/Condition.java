package dev.keyway.broker.policy;

import dev.keyway.spi.ClaimRef;
import dev.keyway.spi.ClaimValue;
import dev.keyway.spi.Identity;
import dev.keyway.spi.config.Location;

/**
 * One {@code match} entry: a claim and the matcher its value must satisfy. {@code name} is the
 * claim it is about for guards and lint: the claim name, or for a one-segment pointer such as
 * {@code /event_name} the top-level claim it reaches (so a pointer cannot sidestep a warning).
 */
public record Condition(ClaimRef claim, String name, Matcher matcher, Location location) {

    /** A missing or structured claim never holds, whatever the matcher (a {@code not} included). */
    public ConditionResult evaluate(Identity identity) {
        ClaimValue value = identity.value(claim);
        boolean held = value.scalar().map(matcher::matches).orElse(false);
        return new ConditionResult(claim.text(), value.describe(), held, null);
    }
}
