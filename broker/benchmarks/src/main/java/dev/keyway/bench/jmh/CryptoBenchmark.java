package dev.keyway.bench.jmh;

import dev.keyway.broker.keys.Es256Signer;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The signature math alone (no JSON, no JOSE), JDK provider against Bouncy Castle's, on a
 * GitHub-token-sized signing input. This is the floor under every exchange: the broker verifies
 * one incoming signature (RS256 for GitHub, GitLab, Kubernetes) and makes one (ES256 by default).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CryptoBenchmark {

    /** JDK: the provider the JVM picks by default. BC: Bouncy Castle, as SigningKeys uses for ES256. */
    @Param({"JDK", "BC"})
    public String provider;

    private final byte[] input = new byte[1_450];
    private Signature rsaVerify;
    private Signature es256Sign;
    private Signature es256Verify;
    private Signature ed25519Sign;
    private Signature ed25519Verify;
    private Es256Signer keywayEs256;
    private Signature rsaSign;
    private byte[] rsaSignature;
    private byte[] es256Signature;
    private byte[] ed25519Signature;

    @Setup
    public void setup() throws GeneralSecurityException {
        new SecureRandom().nextBytes(input);
        Provider bc = new BouncyCastleProvider();
        KeyPair rsa = generate("RSA", null, 2048);
        KeyPair ec = generate("EC", new ECGenParameterSpec("secp256r1"), 0);
        KeyPair ed = generate("Ed25519", null, 0);
        rsaSign = signature("SHA256withRSA", bc);
        rsaSign.initSign(rsa.getPrivate());
        rsaSign.update(input);
        rsaSignature = rsaSign.sign();
        rsaVerify = signature("SHA256withRSA", bc);
        rsaVerify.initVerify(rsa.getPublic());
        es256Sign = signature("SHA256withECDSA", bc);
        es256Sign.initSign(ec.getPrivate());
        es256Sign.update(input);
        es256Signature = es256Sign.sign();
        es256Verify = signature("SHA256withECDSA", bc);
        es256Verify.initVerify(ec.getPublic());
        keywayEs256 = new Es256Signer(ec.getPrivate());
        ed25519Sign = signature("Ed25519", bc);
        ed25519Sign.initSign(ed.getPrivate());
        ed25519Sign.update(input);
        ed25519Signature = ed25519Sign.sign();
        ed25519Verify = signature("Ed25519", bc);
        ed25519Verify.initVerify(ed.getPublic());
    }

    private static KeyPair generate(String algorithm, ECGenParameterSpec spec, int bits) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        if (spec != null) {
            generator.initialize(spec);
        } else if (bits > 0) {
            generator.initialize(bits);
        }
        return generator.generateKeyPair();
    }

    private Signature signature(String algorithm, Provider bc) throws GeneralSecurityException {
        return provider.equals("BC") ? Signature.getInstance(algorithm, bc) : Signature.getInstance(algorithm);
    }

    @Benchmark
    public boolean rsa2048Verify() throws GeneralSecurityException {
        rsaVerify.update(input);
        return rsaVerify.verify(rsaSignature);
    }

    @Benchmark
    public byte[] rsa2048Sign() throws GeneralSecurityException {
        rsaSign.update(input);
        return rsaSign.sign();
    }

    @Benchmark
    public byte[] es256Sign() throws GeneralSecurityException {
        es256Sign.update(input);
        return es256Sign.sign();
    }

    /** What the broker signs ES256 tokens with: the JDK's SHA-256, Bouncy Castle's curve math (the provider parameter does not apply). */
    @Benchmark
    public byte[] es256SignKeyway() {
        return keywayEs256.signature(input);
    }

    @Benchmark
    public boolean es256Verify() throws GeneralSecurityException {
        es256Verify.update(input);
        return es256Verify.verify(es256Signature);
    }

    @Benchmark
    public byte[] ed25519Sign() throws GeneralSecurityException {
        ed25519Sign.update(input);
        return ed25519Sign.sign();
    }

    @Benchmark
    public boolean ed25519Verify() throws GeneralSecurityException {
        ed25519Verify.update(input);
        return ed25519Verify.verify(ed25519Signature);
    }
}
