package dev.keyway.broker.policy;

import java.util.List;

/** The outcome of matching one identity against one binding, explaining itself condition by condition. */
public record Decision(String binding, boolean allowed, List<ConditionResult> conditions) {

    public Decision {
        conditions = List.copyOf(conditions);
    }

    /** The conditions that failed: what a denial reports. */
    public List<ConditionResult> mismatches() {
        return conditions.stream().filter(c -> !c.held()).toList();
    }
}
