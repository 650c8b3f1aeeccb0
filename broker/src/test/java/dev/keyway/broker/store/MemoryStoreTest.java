package dev.keyway.broker.store;

import java.time.Clock;

class MemoryStoreTest extends StoreContract {

    private final MemoryReplayStore replay = new MemoryReplayStore(10_000, Clock.systemUTC());
    private final MemoryRateLimiter limiter = new MemoryRateLimiter(Clock.systemUTC());

    @Override
    ReplayStore replay() {
        return replay;
    }

    @Override
    RateLimiter limiter() {
        return limiter;
    }
}
