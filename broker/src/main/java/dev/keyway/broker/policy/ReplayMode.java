package dev.keyway.broker.policy;

import java.util.Arrays;
import java.util.Optional;

/** How often one token may be exchanged: keyed on (iss, jti) or (iss, jti, binding), or not at all. */
public enum ReplayMode {
    SINGLE_USE("single-use"),
    PER_BINDING("per-binding"),
    OFF("off");

    private final String id;

    ReplayMode(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    static Optional<ReplayMode> byId(String id) {
        return Arrays.stream(values()).filter(m -> m.id.equals(id)).findFirst();
    }
}
