package dev.keyway.broker.policy;

import dev.keyway.spi.ClaimRef;
import dev.keyway.spi.ClaimValue;
import dev.keyway.spi.Identity;
import dev.keyway.spi.config.Location;

/** One {@code match} entry: a claim and the matcher its value must satisfy. */
public record Condition(ClaimRef claim, Matcher matcher, Location location) {

    /** A missing or structured claim never holds, whatever the matcher (a {@code not} included). */
    public ConditionResult evaluate(Identity identity) {
        ClaimValue value = identity.value(claim);
        boolean held = value.scalar().map(matcher::matches).orElse(false);
        return new ConditionResult(claim.text(), value.describe(), held, null);
    }
}
