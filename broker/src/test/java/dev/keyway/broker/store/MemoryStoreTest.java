package dev.keyway.broker.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyway.broker.Concurrently;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

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

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        final AtomicLong millis = new AtomicLong(Instant.parse("2026-12-03T10:00:00Z").toEpochMilli());

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void fullOfLiveTokensItRefusesAndOnceTheyExpireItAcceptsAgain() throws Exception {
        ManualClock clock = new ManualClock();
        MemoryReplayStore store = new MemoryReplayStore(3, clock);
        Instant forgetAfter = clock.instant().plusSeconds(60);
        for (int i = 0; i < 3; i++) {
            assertTrue(store.firstUse("token-" + i, forgetAfter));
        }
        StoreUnavailableException full = assertThrows(StoreUnavailableException.class, () -> store.firstUse("token-3", forgetAfter));
        assertTrue(full.getMessage().contains("replay store is full (3 live tokens)"), full.getMessage());

        clock.millis.addAndGet(61_000);
        assertTrue(store.firstUse("token-3", clock.instant().plusSeconds(60)), "expired entries were swept");
        assertEquals(1, store.size());
        assertTrue(store.firstUse("token-0", clock.instant().plusSeconds(60)), "a token past its life no longer blocks its key");
    }

    @Test
    void whileFullOfLiveTokensItSweepsAtMostOncePerSecond() throws Exception {
        ManualClock clock = new ManualClock();
        MemoryReplayStore store = new MemoryReplayStore(2, clock);
        assertTrue(store.firstUse("a", clock.instant().plusSeconds(60)));
        assertTrue(store.firstUse("b", clock.instant().plusSeconds(60)));
        assertThrows(StoreUnavailableException.class, () -> store.firstUse("c", clock.instant().plusSeconds(60)));
        assertEquals(1, store.sweeps(), "the first refusal looks for expired entries");

        clock.millis.addAndGet(600);
        for (int i = 0; i < 100; i++) {
            String key = "d" + i;
            assertThrows(StoreUnavailableException.class, () -> store.firstUse(key, clock.instant().plusSeconds(60)));
        }
        assertEquals(1, store.sweeps(), "within the second, refusals cost no scan");

        clock.millis.addAndGet(500);
        assertThrows(StoreUnavailableException.class, () -> store.firstUse("e", clock.instant().plusSeconds(60)));
        assertEquals(2, store.sweeps(), "a second later it looks again");
    }

    @Test
    void manyEntriesInManyShardsStayApartAndEachExpiredSlotIsReused() throws Exception {
        ManualClock clock = new ManualClock();
        MemoryReplayStore store = new MemoryReplayStore(200_000, clock);
        for (int i = 0; i < 150_000; i++) {
            assertTrue(store.firstUse("k" + i, clock.instant().plusSeconds(10)), "k" + i);
        }
        for (int i = 0; i < 150_000; i += 7) {
            assertFalse(store.firstUse("k" + i, clock.instant().plusSeconds(10)), "replay of k" + i);
        }
        assertEquals(150_000, store.size());
        clock.millis.addAndGet(11_000);
        for (int i = 0; i < 190_000; i++) {
            assertTrue(store.firstUse("n" + i, clock.instant().plusSeconds(10)), "n" + i);
        }
        assertEquals(190_000, store.size(), "expired entries gave their room to new ones");
        assertEquals(0, store.sweeps(), "a store below capacity never needs to sweep");
    }

    @Test
    void replayKeysAreStoredCompactlyAndStillTellTokensApart() throws Exception {
        HexFormat hex = HexFormat.of();
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        Instant later = Instant.now().plusSeconds(60);
        for (int i = 0; i < 1_000; i++) {
            String key = "replay:" + hex.formatHex(sha.digest(("token-" + i).getBytes()));
            assertTrue(replay.firstUse(key, later), key);
            assertFalse(replay.firstUse(key, later), key);
        }
        assertTrue(replay.firstUse("replay:" + "z".repeat(64), later), "a key that is not hex is hashed, not refused");
        assertFalse(replay.firstUse("replay:" + "z".repeat(64), later));
    }

    @Test
    void theDefaultCapacityFollowsTheHeap() {
        long expected = Math.max(100_000, Math.min(20_000_000, Runtime.getRuntime().maxMemory() / 400));
        assertEquals(expected, MemoryReplayStore.defaultCapacity());
    }

    @Test
    void theWaitForAPermitIsNeverLongerThanItsShareOfThePeriod() throws Exception {
        ManualClock clock = new ManualClock();
        MemoryRateLimiter limits = new MemoryRateLimiter(clock);
        RateLimit hourly = new RateLimit(1, Duration.ofHours(1));
        assertEquals(Optional.empty(), limits.acquire("one-an-hour", hourly));
        // Same millisecond: the whole hour, not an hour and a millisecond (1 / (1 / 3.6e6) rounds up).
        assertEquals(Optional.of(Duration.ofHours(1)), limits.acquire("one-an-hour", hourly));
        clock.millis.addAndGet(1);
        assertEquals(Optional.of(Duration.ofHours(1).minusMillis(1)), limits.acquire("one-an-hour", hourly));

        RateLimit sevenAMinute = new RateLimit(7, Duration.ofMinutes(1));
        for (int i = 0; i < 7; i++) {
            assertEquals(Optional.empty(), limits.acquire("seven-a-minute", sevenAMinute));
        }
        assertEquals(Optional.of(Duration.ofMillis(8_572)), limits.acquire("seven-a-minute", sevenAMinute), "60,000 / 7 = 8,571.4 ms, rounded up");
    }

    @Test
    void aBucketRefillsWithTimeAndManyThreadsNeverTakeMoreThanItHolds() throws Exception {
        ManualClock clock = new ManualClock();
        MemoryRateLimiter limits = new MemoryRateLimiter(clock);
        RateLimit sevenAMinute = new RateLimit(7, Duration.ofMinutes(1));
        AtomicInteger granted = new AtomicInteger();
        Concurrently.run(4, thread -> {
            for (int i = 0; i < 100; i++) {
                if (limits.acquire("shared", sevenAMinute).isEmpty()) {
                    granted.incrementAndGet();
                }
            }
        });
        assertEquals(7, granted.get(), "400 attempts, 7 permits");
        clock.millis.addAndGet(8_572);
        assertEquals(Optional.empty(), limits.acquire("shared", sevenAMinute), "one permit back after 1/7 of the minute");
        assertTrue(limits.acquire("shared", sevenAMinute).isPresent());
    }

    @Test
    void whileSweepsRunAmongManyThreadsNoCallerGetsMoreThanItsPermits() throws Exception {
        // The clock stands still, so a key can never be granted more than its permits in all: a
        // bucket is full only until its first permit, and only full buckets may be swept. A sweep
        // that dropped a bucket in use, or a caller that took its permit from a bucket the sweep had
        // just dropped (a narrow window: Bucket.removed), would hand the key its permits again.
        ManualClock clock = new ManualClock();
        RateLimit threeAMinute = new RateLimit(3, Duration.ofMinutes(1));
        for (int round = 0; round < 200; round++) {
            MemoryRateLimiter limits = new MemoryRateLimiter(clock, 4);
            Map<String, AtomicInteger> granted = new ConcurrentHashMap<>();
            Concurrently.run(4, thread -> {
                for (int i = 0; i < 40; i++) {
                    String key = "caller-" + ((i * 7 + thread * 3) % 12);
                    try {
                        if (limits.acquire(key, threeAMinute).isEmpty()) {
                            granted.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                        }
                    } catch (StoreUnavailableException noRoom) {
                        // four callers hold permits: the rest are refused, as designed
                    }
                }
            });
            granted.forEach((key, count) -> assertTrue(count.get() <= 3, key + " was granted " + count.get() + " permits of 3"));
        }
    }

    @Test
    void atItsBucketLimitItForgetsFullBucketsAndRefusesWhenNoneIsFull() throws Exception {
        ManualClock clock = new ManualClock();
        MemoryRateLimiter limits = new MemoryRateLimiter(clock, 3);
        RateLimit twoAMinute = new RateLimit(2, Duration.ofMinutes(1));
        for (String key : List.of("a", "b", "c")) {
            assertEquals(Optional.empty(), limits.acquire(key, twoAMinute));
        }
        clock.millis.addAndGet(30_000); // a, b and c each have their second permit back: full, nothing to remember
        assertEquals(Optional.empty(), limits.acquire("c", twoAMinute));
        assertEquals(Optional.empty(), limits.acquire("d", twoAMinute), "a and b were full and are dropped to make room");
        assertEquals(Optional.empty(), limits.acquire("e", twoAMinute));
        assertEquals(Optional.empty(), limits.acquire("c", twoAMinute), "c was not full: it was kept, with one permit left");
        assertTrue(limits.acquire("c", twoAMinute).isPresent(), "and now it has none");
        StoreUnavailableException full = assertThrows(StoreUnavailableException.class, () -> limits.acquire("f", twoAMinute),
                "c, d and e are all in use: a fourth caller cannot be tracked");
        assertTrue(full.getMessage().contains("too many callers"), full.getMessage());
    }
}
