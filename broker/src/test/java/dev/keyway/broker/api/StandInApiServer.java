package dev.keyway.broker.api;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A loopback HTTPS stand-in for a Kubernetes API server: it accepts a request only when its bearer
 * token is a Keyway JWT that the broker's published JWKS verifies, for the expected audience.
 */
final class StandInApiServer implements AutoCloseable {

    final HttpsServer server;
    final String caPem;
    final AtomicInteger accepted = new AtomicInteger();

    StandInApiServer(JWKSet brokerKeys, String audience) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair pair = generator.generateKeyPair();
        X509Certificate cert = selfSigned(pair);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("api", pair.getPrivate(), new char[0], new X509Certificate[] {cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, new char[0]);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String subject = verify(auth, brokerKeys, audience);
            byte[] body = (subject == null ? "{\"kind\":\"Status\",\"code\":401}"
                    : "{\"kind\":\"Status\",\"code\":200,\"message\":\"hello " + subject + "\"}").getBytes(StandardCharsets.UTF_8);
            if (subject != null) {
                accepted.incrementAndGet();
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(subject == null ? 401 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
            writer.writeObject(cert);
        }
        caPem = pem.toString();
    }

    String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    private static String verify(String authorization, JWKSet keys, String audience) {
        try {
            if (authorization == null || !authorization.startsWith("Bearer ")) {
                return null;
            }
            SignedJWT jwt = SignedJWT.parse(authorization.substring(7));
            boolean valid = jwt.verify(new ECDSAVerifier(keys.getKeyByKeyId(jwt.getHeader().getKeyID()).toECKey()))
                    && jwt.getJWTClaimsSet().getAudience().contains(audience)
                    && jwt.getJWTClaimsSet().getExpirationTime().after(new Date());
            return valid ? jwt.getJWTClaimsSet().getSubject() : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static X509Certificate selfSigned(KeyPair pair) throws Exception {
        X500Name name = new X500Name("CN=stand-in-apiserver");
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minusSeconds(60)),
                Date.from(now.plusSeconds(3600)), name, pair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    }

    @Override
    public void close() throws IOException {
        server.stop(0);
    }
}
