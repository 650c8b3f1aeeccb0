package dev.keyway.broker.store;

import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Single-instance replay store. Bounded: entries leave when their token could no longer be
 * accepted anyway; when full of live entries it refuses (fails closed) rather than forget one.
 */
public final class MemoryReplayStore implements ReplayStore {

    private final Map<String, Long> seen = new ConcurrentHashMap<>();
    private final int capacity;
    private final Clock clock;

    public MemoryReplayStore(int capacity, Clock clock) {
        this.capacity = capacity;
        this.clock = clock;
    }

    @Override
    public boolean firstUse(String key, Instant forgetAfter) throws StoreUnavailableException {
        long now = clock.millis();
        if (seen.size() >= capacity) {
            purgeExpired(now);
            if (seen.size() >= capacity) {
                throw new StoreUnavailableException("replay store is full (" + capacity + " live tokens)", null);
            }
        }
        long expiry = forgetAfter.toEpochMilli();
        boolean[] first = {false};
        seen.compute(key, (k, previous) -> {
            if (previous == null || previous <= now) {
                first[0] = true;
                return expiry;
            }
            return previous;
        });
        return first[0];
    }

    private void purgeExpired(long now) {
        for (Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue() <= now) {
                it.remove();
            }
        }
    }

    int size() {
        return seen.size();
    }
}
