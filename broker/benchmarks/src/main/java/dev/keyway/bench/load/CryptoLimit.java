package dev.keyway.bench.load;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JVM's crypto limit for an exchange: how many (verify an RS256 signature + make an ES256
 * signature) chains per second this JVM manages with one thread per core, using the providers the
 * broker uses (the JDK's RSA, Bouncy Castle's ECDSA). No JSON, no HTTP: an exchange can never beat
 * this, so {@code exchanges/s ÷ crypto limit} says how much of the machine the rest of the
 * pipeline takes, and survives a noisy machine better than either number alone.
 */
final class CryptoLimit {

    /** The result: chains per second, median of {@code runs}, and each run. */
    record Limit(double chainsPerSecond, double[] runs, int threads) {
    }

    private CryptoLimit() {
    }

    static Limit measure(int threads, double warmupSeconds, double seconds, int runs) throws Exception {
        Provider bc = new org.bouncycastle.jce.provider.BouncyCastleProvider();
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

        run(threads, warmupSeconds, input, rsa, ec, rsaSignature, bc);
        double[] results = new double[runs];
        for (int r = 0; r < runs; r++) {
            results[r] = run(threads, seconds, input, rsa, ec, rsaSignature, bc);
        }
        double[] sorted = results.clone();
        Arrays.sort(sorted);
        return new Limit(sorted[runs / 2], results, threads);
    }

    private static double run(int threads, double seconds, byte[] input, KeyPair rsa, KeyPair ec, byte[] rsaSignature, Provider bc)
            throws InterruptedException {
        AtomicLong chains = new AtomicLong();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    Signature verify = Signature.getInstance("SHA256withRSA");
                    verify.initVerify(rsa.getPublic());
                    Signature sign = Signature.getInstance("SHA256withECDSA", bc);
                    sign.initSign(ec.getPrivate());
                    long n = 0;
                    while (System.nanoTime() < end) {
                        verify.update(input);
                        if (!verify.verify(rsaSignature)) {
                            throw new IllegalStateException("RSA signature did not verify");
                        }
                        sign.update(input);
                        sign.sign();
                        n++;
                    }
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
        return chains.get() / ((System.nanoTime() - start) / 1e9);
    }
}
