package dev.keyway.broker.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Single-instance replay store. Bounded: entries leave when their token could no longer be
 * accepted anyway; when full of live entries it refuses (fails closed) rather than forget one.
 *
 * <p>Entries are small (about 100 bytes of heap: a 128-bit key and an expiry), because a busy broker holds
 * one per exchange for a token's whole life: an hour for GitLab and Kubernetes tokens. When full,
 * expired entries are swept at most once a second, so a store full of live tokens refuses in
 * constant time instead of scanning itself on every request.
 */
public final class MemoryReplayStore implements ReplayStore {

    /** Default capacity: a quarter of the heap at about 100 bytes an entry, within sane bounds. */
    public static int defaultCapacity() {
        long byHeap = Runtime.getRuntime().maxMemory() / 4 / 100;
        return (int) Math.max(100_000, Math.min(20_000_000, byHeap));
    }

    private static final long SWEEP_INTERVAL_MILLIS = 1_000;
    private static final String PREFIX = "replay:";
    private static final long NEVER = Long.MIN_VALUE;

    /** The first 128 bits of the key's SHA-256: collisions need ~2^64 live entries. */
    private record Key(long high, long low) {
    }

    private final Map<Key, Long> seen = new ConcurrentHashMap<>();
    private final int capacity;
    private final Clock clock;
    private final AtomicLong lastSweep = new AtomicLong(NEVER);

    public MemoryReplayStore(int capacity, Clock clock) {
        this.capacity = capacity;
        this.clock = clock;
    }

    @Override
    public boolean firstUse(String key, Instant forgetAfter) throws StoreUnavailableException {
        long now = clock.millis();
        if (seen.size() >= capacity) {
            sweepExpired(now);
            if (seen.size() >= capacity) {
                throw new StoreUnavailableException("replay store is full (" + capacity + " live tokens); "
                        + "use the redis store, or a larger heap, for this rate", null);
            }
        }
        long expiry = forgetAfter.toEpochMilli();
        boolean[] first = {false};
        seen.compute(compact(key), (k, previous) -> {
            if (previous == null || previous <= now) {
                first[0] = true;
                return expiry;
            }
            return previous;
        });
        return first[0];
    }

    /** One thread sweeps, at most once per interval; the others go on (and refuse if still full). */
    private void sweepExpired(long now) {
        long last = lastSweep.get();
        if (last != NEVER && now - last < SWEEP_INTERVAL_MILLIS || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        for (Iterator<Long> it = seen.values().iterator(); it.hasNext(); ) {
            if (it.next() <= now) {
                it.remove();
            }
        }
    }

    /** ReplayKeys' keys are already SHA-256 in hex: read them; hash anything else. */
    private static Key compact(String key) {
        if (key.length() == PREFIX.length() + 64 && key.startsWith(PREFIX)) {
            try {
                return new Key(HexFormat.fromHexDigitsToLong(key, PREFIX.length(), PREFIX.length() + 16),
                        HexFormat.fromHexDigitsToLong(key, PREFIX.length() + 16, PREFIX.length() + 32));
            } catch (IllegalArgumentException notHex) {
                // fall through to hashing
            }
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            ByteBuffer bytes = ByteBuffer.wrap(digest);
            return new Key(bytes.getLong(0), bytes.getLong(8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    int size() {
        return seen.size();
    }
}
