package dev.keyway.bench.load;

import dev.keyway.broker.keys.Es256Signer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JVM's crypto limit for an exchange: how many (verify an RS256 signature + make an ES256
 * signature) chains per second this JVM manages with one thread per core, the way the broker does
 * them (the JDK's RSA; for ES256 the JDK's SHA-256 and Bouncy Castle's curve math, {@link Es256Signer}). No JSON, no HTTP: an exchange can never beat
 * this, so {@code exchanges/s ÷ crypto limit} says how much of the machine the rest of the
 * pipeline takes, and survives a noisy machine better than either number alone.
 */
final class CryptoLimit {

    /**
     * The result: chains per second, median of {@code runs}, and each run; and the CPU time one
     * chain took on its thread (median), which a busy machine's stolen time does not inflate.
     */
    record Limit(double chainsPerSecond, double[] runs, int threads, double cpuMicrosPerChain) {
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CryptoLimit() {
    }

    static Limit measure(int threads, int maxWarmupSeconds, double seconds, int runs) throws Exception {
        byte[] input = new byte[1_450]; // a GitHub token's signing input
        new SecureRandom().nextBytes(input);
        KeyPairGenerator rsaGenerator = KeyPairGenerator.getInstance("RSA");
        rsaGenerator.initialize(2048);
        KeyPair rsa = rsaGenerator.generateKeyPair();
        KeyPairGenerator ecGenerator = KeyPairGenerator.getInstance("EC");
        ecGenerator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair ec = ecGenerator.generateKeyPair();
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(rsa.getPrivate());
        signer.update(input);
        byte[] rsaSignature = signer.sign();

        settle(threads, maxWarmupSeconds, input, rsa, ec, rsaSignature);
        double[] results = new double[runs];
        double[] cpu = new double[runs];
        for (int r = 0; r < runs; r++) {
            double[] cpuMicros = new double[1];
            results[r] = run(threads, seconds, input, rsa, ec, rsaSignature, cpuMicros);
            cpu[r] = cpuMicros[0];
        }
        return new Limit(LoadTest.median(results), results, threads, LoadTest.median(cpu));
    }

    /**
     * Unmeasured one-second runs until two in a row cost the same CPU per chain (within 5%), at most
     * {@code maxSeconds}. Right after the load test's warm-up this JVM's JIT compiler can still be
     * busy, and a fixed second was not always enough: one measured run came out at 4x the CPU per
     * chain of the next, which made that run's ratio 1.55.
     */
    private static void settle(int threads, int maxSeconds, byte[] input, KeyPair rsa, KeyPair ec, byte[] rsaSignature)
            throws InterruptedException {
        double previous = Double.NaN;
        for (int second = 0; second < maxSeconds; second++) {
            double[] cpuMicros = new double[1];
            run(threads, 1, input, rsa, ec, rsaSignature, cpuMicros);
            if (Math.abs(cpuMicros[0] - previous) <= 0.05 * previous) {
                return;
            }
            previous = cpuMicros[0];
        }
    }

    /** Chains per second; {@code cpuMicrosPerChain[0]} receives the threads' CPU time per chain. */
    private static double run(int threads, double seconds, byte[] input, KeyPair rsa, KeyPair ec, byte[] rsaSignature,
                              double[] cpuMicrosPerChain) throws InterruptedException {
        AtomicLong chains = new AtomicLong();
        AtomicLong cpuNanos = new AtomicLong();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    Signature verify = Signature.getInstance("SHA256withRSA");
                    verify.initVerify(rsa.getPublic());
                    Es256Signer sign = new Es256Signer(ec.getPrivate());
                    long n = 0;
                    long cpuStart = THREADS.getCurrentThreadCpuTime();
                    while (System.nanoTime() < end) {
                        verify.update(input);
                        if (!verify.verify(rsaSignature)) {
                            throw new IllegalStateException("RSA signature did not verify");
                        }
                        sign.signature(input);
                        n++;
                    }
                    cpuNanos.addAndGet(THREADS.getCurrentThreadCpuTime() - cpuStart);
                    chains.addAndGet(n);
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
            }, "crypto-limit-" + t);
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join();
        }
        cpuMicrosPerChain[0] = cpuNanos.get() / 1000.0 / Math.max(1, chains.get());
        return chains.get() / ((System.nanoTime() - start) / 1e9);
    }
}
