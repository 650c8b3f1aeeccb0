package dev.keyway.broker.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Single-instance replay store. Bounded: entries leave when their token could no longer be
 * accepted anyway; when full of live entries it refuses (fails closed) rather than forget one.
 *
 * <p>A busy broker holds one entry per exchange for a token's whole life (an hour for GitLab and
 * Kubernetes tokens), so entries live in plain {@code long[]} tables: a 128-bit key and an expiry,
 * 24 bytes a slot, no object per entry. That is also what keeps garbage-collection pauses short:
 * a map of a million entry objects in the old generation made every young collection scan and
 * copy its changes (measured: ~8 ms of each 15 ms pause); arrays of longs hold no references to scan.
 *
 * <p>Shards, each with its own lock, keep threads from queuing on one monitor. A slot whose entry
 * has expired is reused as soon as an insert passes it; a shard full of live entries looks for
 * expired ones at most once a second, so a full store refuses in constant time instead of
 * scanning itself on every request.
 */
public final class MemoryReplayStore implements ReplayStore {

    /**
     * Default capacity: room for a quarter of the heap at 100 bytes an entry, within sane bounds.
     * An entry takes 32 to 64 bytes (24 a slot, tables three-eighths to three-quarters full), so a
     * full store uses at most a sixth of the heap.
     */
    public static int defaultCapacity() {
        long byHeap = Runtime.getRuntime().maxMemory() / 4 / 100;
        return (int) Math.max(100_000, Math.min(20_000_000, byHeap));
    }

    private static final String PREFIX = "replay:";
    /** Shards are only worth their overhead when each holds a thousand entries or more. */
    private static final int MAX_SHARDS = 64;
    private static final int ENTRIES_PER_SHARD = 1_024;

    private final Shard[] shards;
    private final int shardShift;
    private final int capacity;
    private final Clock clock;

    public MemoryReplayStore(int capacity, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
        this.clock = clock;
        int count = Math.max(1, Math.min(MAX_SHARDS, Integer.highestOneBit(capacity / ENTRIES_PER_SHARD)));
        this.shardShift = 64 - Integer.numberOfTrailingZeros(count);
        // Keys are SHA-256 bits, so shards fill evenly; four standard deviations of headroom make a
        // shard full before the whole store is all but impossible, and the total stays near capacity.
        double even = (double) capacity / count;
        int perShard = count == 1 ? capacity : (int) Math.ceil(even + 4 * Math.sqrt(even));
        this.shards = new Shard[count];
        for (int i = 0; i < count; i++) {
            shards[i] = new Shard(perShard);
        }
    }

    @Override
    public boolean firstUse(String key, Instant forgetAfter) throws StoreUnavailableException {
        long[] compact = compact(key);
        long high = compact[0];
        long low = compact[1];
        Shard shard = shards.length == 1 ? shards[0] : shards[(int) (high >>> shardShift)];
        // 0 marks an empty slot, so no real expiry may be 0.
        long expiry = Math.max(1, forgetAfter.toEpochMilli());
        Boolean first = shard.firstUse(high, low, expiry, clock.millis());
        if (first == null) {
            throw new StoreUnavailableException("replay store is full (" + capacity + " live tokens); "
                    + "use the redis store, or a larger heap, for this rate", null);
        }
        return first;
    }

    /** ReplayKeys' keys are already SHA-256 in hex: read them; hash anything else. */
    private static long[] compact(String key) {
        if (key.length() == PREFIX.length() + 64 && key.startsWith(PREFIX)) {
            try {
                return new long[] {HexFormat.fromHexDigitsToLong(key, PREFIX.length(), PREFIX.length() + 16),
                        HexFormat.fromHexDigitsToLong(key, PREFIX.length() + 16, PREFIX.length() + 32)};
            } catch (IllegalArgumentException notHex) {
                // fall through to hashing
            }
        }
        try {
            ByteBuffer digest = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
            return new long[] {digest.getLong(0), digest.getLong(8)};
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** How many live entries the store holds before it refuses. */
    public int capacity() {
        return capacity;
    }

    /**
     * Live entries, counted: one pass over each shard under its lock (a metrics scrape: 2.7 million
     * slots take a few milliseconds in all, each shard blocked for its own share).
     */
    public int size() {
        long now = clock.millis();
        int live = 0;
        for (Shard shard : shards) {
            live += shard.live(now);
        }
        return live;
    }

    /** How many times a full shard scanned itself for expired entries (tests). */
    int sweeps() {
        int sweeps = 0;
        for (Shard shard : shards) {
            sweeps += shard.sweeps;
        }
        return sweeps;
    }

    /**
     * An open-addressing table with linear probing; slot {@code i} is {@code table[3i..3i+2]} =
     * key high, key low, expiry (0: empty). Expired entries stay in place as reusable slots until
     * the table is rebuilt. Guarded by its own monitor.
     */
    private static final class Shard {

        private static final long SWEEP_INTERVAL_MILLIS = 1_000;
        private static final int MIN_SLOTS = 16;

        private final int maxEntries;
        private final int maxSlots;
        private long[] table = new long[3 * MIN_SLOTS];
        /** Slots that hold an entry, live or expired. */
        private int used;
        private long lastSweep = Long.MIN_VALUE;
        private int sweeps;

        Shard(int maxEntries) {
            this.maxEntries = maxEntries;
            // At most 2^29 slots: 3 longs each still fit one Java array.
            this.maxSlots = Math.max(MIN_SLOTS, Integer.highestOneBit((int) Math.min(1 << 28, maxEntries * 4L / 3)) << 1);
        }

        /** True: first use; false: a replay; null: full of live entries. */
        synchronized Boolean firstUse(long high, long low, long expiry, long now) {
            int slots = table.length / 3;
            int slot = (int) low & (slots - 1);
            int reusable = -1;
            while (table[3 * slot + 2] != 0) {
                long until = table[3 * slot + 2];
                if (table[3 * slot] == high && table[3 * slot + 1] == low) {
                    if (until > now) {
                        return false;
                    }
                    table[3 * slot + 2] = expiry;
                    return true;
                }
                if (reusable < 0 && until <= now) {
                    reusable = slot;
                }
                slot = (slot + 1) & (slots - 1);
            }
            if (reusable >= 0) {
                put(table, reusable, high, low, expiry);
                return true;
            }
            if (used >= threshold(slots)) {
                if (!makeRoom(now)) {
                    return null;
                }
                return firstUse(high, low, expiry, now); // the table changed: probe it again
            }
            put(table, slot, high, low, expiry);
            used++;
            return true;
        }

        /** Load factor 3/4, and never more entries than the shard's share of the capacity. */
        private int threshold(int slots) {
            return Math.min(slots / 4 * 3, maxEntries);
        }

        /** Grows the table, or drops expired entries; false when neither makes room. */
        private boolean makeRoom(long now) {
            int slots = table.length / 3;
            if (slots < maxSlots) {
                rebuild(Math.min(maxSlots, slots * 2), now);
                return true;
            }
            if (lastSweep != Long.MIN_VALUE && now - lastSweep < SWEEP_INTERVAL_MILLIS) {
                return false;
            }
            lastSweep = now;
            sweeps++;
            rebuild(slots, now);
            return used < threshold(slots);
        }

        /** Rehashes the live entries into a table of {@code slots}. */
        private void rebuild(int slots, long now) {
            long[] old = table;
            long[] fresh = new long[3 * slots];
            int kept = 0;
            for (int i = 0; i < old.length; i += 3) {
                if (old[i + 2] > now) {
                    int slot = (int) old[i + 1] & (slots - 1);
                    while (fresh[3 * slot + 2] != 0) {
                        slot = (slot + 1) & (slots - 1);
                    }
                    put(fresh, slot, old[i], old[i + 1], old[i + 2]);
                    kept++;
                }
            }
            table = fresh;
            used = kept;
        }

        private static void put(long[] table, int slot, long high, long low, long expiry) {
            table[3 * slot] = high;
            table[3 * slot + 1] = low;
            table[3 * slot + 2] = expiry;
        }

        synchronized int live(long now) {
            int live = 0;
            for (int i = 2; i < table.length; i += 3) {
                live += table[i] > now ? 1 : 0;
            }
            return live;
        }
    }
}
