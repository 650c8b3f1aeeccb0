package dev.keyway.broker.store;

import java.time.Instant;

/**
 * Remembers which tokens were already exchanged. In memory here; Redis for several replicas.
 * Implementations must be atomic: of two concurrent calls with one key, exactly one is first.
 */
public interface ReplayStore {

    /** True when {@code key} was not seen before; it is then remembered until {@code forgetAfter}. */
    boolean firstUse(String key, Instant forgetAfter) throws StoreUnavailableException;
}
