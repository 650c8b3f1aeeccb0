package dev.keyway.broker.policy;

import dev.keyway.broker.profile.GuardOptIn;
import dev.keyway.spi.Identity;
import dev.keyway.spi.config.Location;
import java.util.ArrayList;
import java.util.List;

/** A compiled {@code Binding}: who may get which credential. Immutable; safe to share across threads. */
public record Binding(
        String name,
        IssuerConfig issuer,
        List<Condition> conditions,
        GuardOptIn guardOptIn,
        Grant grant,
        Location location) {

    public Binding {
        conditions = List.copyOf(conditions);
    }

    /**
     * Evaluates every condition (no short-circuit, so a denial names all failed claims), then the
     * issuer profile's guard. Allowed only when all hold and the guard passes.
     */
    public Decision evaluate(Identity identity) {
        List<ConditionResult> results = new ArrayList<>(conditions.size() + 1);
        boolean allowed = true;
        for (Condition condition : conditions) {
            ConditionResult result = condition.evaluate(identity);
            allowed &= result.held();
            results.add(result);
        }
        var violation = issuer.profile().guard(identity, guardOptIn);
        if (violation.isPresent()) {
            allowed = false;
            results.add(new ConditionResult(violation.get().claim(), violation.get().actual(), false,
                    violation.get().reason()));
        }
        return new Decision(name, allowed, results);
    }
}
