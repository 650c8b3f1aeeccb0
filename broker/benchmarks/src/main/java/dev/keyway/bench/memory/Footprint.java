package dev.keyway.bench.memory;

import dev.keyway.bench.fixtures.IssuerKey;
import dev.keyway.bench.fixtures.Policies;
import dev.keyway.broker.policy.PolicySet;
import dev.keyway.broker.store.MemoryReplayStore;
import dev.keyway.broker.store.StoreUnavailableException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Retained heap per compiled binding and per live entry of the memory replay store: heap in use
 * after full GCs with the structure held, minus before, divided by its size. Run with a fixed heap
 * (scripts/perf uses -Xms2g -Xmx2g) so the numbers are not the collector's sizing decisions.
 *
 * <pre>java -Xms2g -Xmx2g -cp broker/benchmarks/target/benchmarks.jar dev.keyway.bench.memory.Footprint [bindings...]</pre>
 */
public final class Footprint {

    private Footprint() {
    }

    public static void main(String[] args) throws Exception {
        int[] sizes = args.length == 0 ? new int[] {10_000, 100_000} : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        for (int n : sizes) {
            Path dir = Policies.generate(IssuerKey.generate("ES256"), n);
            try {
                Policies.compile(dir.resolve("policy")); // warm the compiler's classes and caches first
                long before = usedAfterGc();
                PolicySet policy = Policies.compile(dir.resolve("policy"));
                long after = usedAfterGc();
                System.out.printf(Locale.ROOT, "policy: %,d bindings retain %,.1f MiB: %,.0f bytes per binding%n", policy.bindings().size(),
                        (after - before) / 1048576.0, (after - before) / (double) n);
                reachabilityFence(policy);
            } finally {
                Policies.delete(dir);
            }
        }
        replayStore(500_000);
    }

    /** Keys shaped like ReplayKeys ("replay:" + 64 hex digits), each a first use. */
    private static void replayStore(int n) throws StoreUnavailableException {
        MemoryReplayStore store = new MemoryReplayStore(2 * n, Clock.systemUTC());
        long before = usedAfterGc();
        Instant until = Instant.now().plusSeconds(3600);
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            HexFormat hex = HexFormat.of();
            for (int i = 0; i < n; i++) {
                store.firstUse("replay:" + hex.formatHex(sha.digest(Integer.toString(i).getBytes())), until);
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long after = usedAfterGc();
        System.out.printf(Locale.ROOT, "replay store (memory): %,d live entries retain %,.1f MiB: %,.0f bytes per entry%n", n,
                (after - before) / 1048576.0, (after - before) / (double) n);
        reachabilityFence(store);
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void reachabilityFence(Object o) {
        java.lang.ref.Reference.reachabilityFence(o);
    }
}
