package dev.keyway.broker.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code rediss://} to a real TLS-only redis-server whose certificate comes from a private CA. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisTlsTest extends StoreContract {

    private Process server;
    private RedisStore store;
    private int port;
    private Path ca;

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory("keyway-redis-tls");
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair pair = generator.generateKeyPair();
        X500Name name = new X500Name("CN=redis-test");
        var cert = new JcaX509v3CertificateBuilder(name, BigInteger.TEN, Date.from(Instant.now().minusSeconds(60)),
                Date.from(Instant.now().plusSeconds(3600)), name, pair.getPublic())
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")))
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
        ca = dir.resolve("ca.pem");
        Files.writeString(ca, pem(new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(cert)));
        Path key = dir.resolve("key.pem");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n"); // PKCS#8, which OpenSSL 3 reads
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        server = new ProcessBuilder("redis-server", "--port", "0", "--tls-port", Integer.toString(port), "--bind", "127.0.0.1",
                "--tls-cert-file", ca.toString(), "--tls-key-file", key.toString(), "--tls-auth-clients", "no",
                "--save", "", "--appendonly", "no")
                .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        store = RedisStore.create("rediss://127.0.0.1:" + port, Duration.ofSeconds(2), Optional.of(ca));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!store.healthy() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    private static String pem(Object object) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }

    @AfterAll
    void stop() {
        store.close();
        server.destroy();
    }

    @Override
    ReplayStore replay() {
        return store;
    }

    @Override
    RateLimiter limiter() {
        return store;
    }

    @Test
    void aServerTheStoreDoesNotTrustIsRefused() throws Exception {
        assertTrue(store.healthy(), "with the private CA the TLS connection works");
        try (RedisStore untrusting = RedisStore.create("rediss://127.0.0.1:" + port, Duration.ofSeconds(2))) {
            assertFalse(untrusting.healthy(), "the JVM's trust store does not know the private CA");
            assertThrows(StoreUnavailableException.class, () -> untrusting.firstUse("replay:" + UUID.randomUUID(),
                    Instant.now().plusSeconds(60)));
        }
    }
}
