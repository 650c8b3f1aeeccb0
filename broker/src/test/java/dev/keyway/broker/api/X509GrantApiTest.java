package dev.keyway.broker.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyway.broker.keys.SshCa;
import dev.keyway.broker.keys.X509Ca;
import dev.keyway.providers.x509.X509Issuer;
import dev.keyway.spi.BrokerContext;
import dev.keyway.spi.CertificateAuthority;
import dev.keyway.spi.ClaimCatalog;
import dev.keyway.spi.GrantDefinition;
import dev.keyway.spi.Identity;
import dev.keyway.spi.IssueRequest;
import dev.keyway.spi.config.Fields;
import dev.keyway.spi.config.Location;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.config.Problems;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The x509 grant over HTTP against a started broker whose CA was rotated once, proven with the
 * tools that consume its certificates: openssl, and JSSE doing mutual TLS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class X509GrantApiTest {

    private static final String ARC = "1.3.6.1.4.1.99999.1.";

    @TempDir
    static Path dir;

    private TestIssuer ci;
    private TestBroker broker;
    private CertificateAuthority previousCa;

    @BeforeAll
    void start() throws Exception {
        Path keys = dir.resolve("keys");
        previousCa = X509Ca.init(keys, Instant.now()).authority();
        X509Ca.rotate(keys, Instant.now());
        SshCa.init(keys);
        ci = new TestIssuer("https://ci.test", "https://keyway.test");
        broker = TestBroker.trusting(dir, ci, "", """
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: svid-client}
                spec:
                  issuer: ci
                  match: {repository_id: "42"}
                  grant:
                    type: x509
                    max-ttl: 1h
                    spiffe-id: "spiffe://acme.test/gh/{{repository}}/{{ref}}"
                ---
                apiVersion: keyway.dev/v1
                kind: Binding
                metadata: {name: svid-server}
                spec:
                  issuer: ci
                  match: {repository_id: "42"}
                  grant:
                    type: x509
                    max-ttl: 1h
                    spiffe-id: "spiffe://acme.test/svc/{{repository_id}}"
                    dns-names: [api.acme.test]
                    usage: server
                """, Map.of());
    }

    @AfterAll
    void stop() {
        broker.close();
    }

    private HttpResponse<String> exchange(String binding, String token, Map<String, String> fields) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("binding", binding);
        body.put("token", token);
        body.putAll(fields);
        return broker.post("/v1/exchange", TestBroker.JSON.writeValueAsString(body));
    }

    private JsonNode credentials(String binding, Map<String, String> fields) throws Exception {
        HttpResponse<String> response = exchange(binding, ci.token(), fields);
        assertEquals(200, response.statusCode(), response.body());
        return TestBroker.json(response).get("credentials");
    }

    private static String csr(KeyPair keys) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=job"), keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        }
        return out.toString();
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    private static List<X509Certificate> certificates(String pem) throws Exception {
        List<X509Certificate> out = new ArrayList<>();
        for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(
                new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
            out.add((X509Certificate) c);
        }
        return out;
    }

    // --- the trust bundle ------------------------------------------------------------------------------

    @Test
    void theBundleServesTheCurrentAndThePreviousRootAsAPemChain() throws Exception {
        HttpResponse<String> response = broker.get("/v1/ca/x509");
        assertEquals(200, response.statusCode());
        assertEquals("application/pem-certificate-chain", response.headers().firstValue("Content-Type").orElseThrow());
        List<X509Certificate> bundle = certificates(response.body());
        assertEquals(2, bundle.size(), "current and previous root");
        assertEquals(previousCa.certificate(), bundle.get(1));
        assertEquals(response.body(), credentials("svid-client", Map.of("csr", csr(ec()))).get("trustBundle").asText(),
                "every SVID response carries the same bundle");
    }

    // --- openssl -----------------------------------------------------------------------------------------

    @Test
    void opensslVerifiesTheLeafAgainstTheServedBundleAndShowsItsSpiffeIdAndUsage() throws Exception {
        Path work = Files.createDirectories(dir.resolve("openssl"));
        Tools.ok(work, "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "job.key");
        Tools.ok(work, "openssl", "req", "-new", "-key", "job.key", "-subj", "/CN=ignored/O=Evil", "-addext",
                "subjectAltName=DNS:evil.example,URI:spiffe://acme.test/admin", "-out", "job.csr");
        JsonNode credentials = credentials("svid-client", Map.of("csr", Files.readString(work.resolve("job.csr")), "ttl", "10m"));
        Files.writeString(work.resolve("leaf.pem"), credentials.get("certificate").asText());
        Files.writeString(work.resolve("bundle.pem"), broker.get("/v1/ca/x509").body());

        assertEquals("leaf.pem: OK", Tools.ok(work, "openssl", "verify", "-CAfile", "bundle.pem", "-purpose", "sslclient", "leaf.pem").strip());
        String purposeMismatch = Tools.fails(work, "openssl", "verify", "-CAfile", "bundle.pem", "-purpose", "sslserver", "leaf.pem");
        assertTrue(purposeMismatch.contains("unsuitable certificate purpose"), "a client SVID is not a server: " + purposeMismatch);

        String text = Tools.ok(work, "openssl", "x509", "-in", "leaf.pem", "-text", "-noout");
        assertTrue(text.contains("X509v3 Subject Alternative Name: critical\n                URI:spiffe://acme.test/gh/acme_2Fapi/refs_2Fheads_2Fmain\n"),
                text);
        assertFalse(text.contains("evil.example") || text.contains("spiffe://acme.test/admin") || text.contains("O = Evil"),
                "names the CSR asked for are ignored: " + text);
        assertTrue(text.contains("TLS Web Client Authentication"), text);
        assertFalse(text.contains("TLS Web Server Authentication"), text);
        assertTrue(text.contains("CA:FALSE"), text);
        assertTrue(text.contains("X509v3 Key Usage: critical\n                Digital Signature\n"), text);
        assertTrue(text.contains("X509v3 Subject Key Identifier"), text);
        assertTrue(text.contains("X509v3 Authority Key Identifier"), text);
        assertTrue(text.contains(ARC + "4:") && text.contains("acme/api"), "the repository fact: " + text);
        assertEquals("spiffe://acme.test/gh/acme_2Fapi/refs_2Fheads_2Fmain", credentials.get("spiffeId").asText());

        String certificateKey = Tools.ok(work, "openssl", "x509", "-in", "leaf.pem", "-pubkey", "-noout");
        String jobKey = Tools.ok(work, "openssl", "pkey", "-in", "job.key", "-pubout");
        assertEquals(jobKey, certificateKey, "the certificate's key is the CSR's key");

        X509Certificate leaf = certificates(credentials.get("certificate").asText()).get(0);
        assertEquals(600 + 60, Duration.between(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant()).toSeconds(),
                "the asked ttl, plus the 60s backdate");
    }

    @Test
    void aLeafFromThePreviousCaStillVerifiesAgainstTheBundle() throws Exception {
        Path work = Files.createDirectories(dir.resolve("previous"));
        X509Issuer issuer = new X509Issuer();
        Problems problems = new Problems();
        Map<String, Node> entries = Map.of("spiffe-id", new Node.Scalar("spiffe://acme.test/old", Node.Scalar.ScalarType.STRING,
                new Location("t", 1)));
        var grant = issuer.compile(new GrantDefinition("old", new Fields(new Node.Mapping(entries, Map.of(), new Location("t", 1)),
                "grant", problems), ClaimCatalog.ANY, Duration.ofHours(1)), problems).orElseThrow();
        BrokerContext beforeRotation = new BrokerContext() {
            @Override
            public String publicUrl() {
                return "https://keyway.test";
            }

            @Override
            public String signJwt(Map<String, Object> claims) {
                throw new AssertionError();
            }

            @Override
            public Optional<CertificateAuthority> x509Authority() {
                return Optional.of(previousCa);
            }
        };
        var old = issuer.issue(new IssueRequest("old", grant, new Identity("ci", Map.of(), Map.of()), Duration.ofMinutes(5),
                Instant.now(), "r", Optional.of(csr(ec())), Optional.empty(), "json", beforeRotation));
        Files.writeString(work.resolve("old.pem"), (String) old.credentials().get("certificate"));
        Files.writeString(work.resolve("bundle.pem"), broker.get("/v1/ca/x509").body());
        assertEquals("old.pem: OK", Tools.ok(work, "openssl", "verify", "-CAfile", "bundle.pem", "old.pem").strip());
    }

    @Test
    void theEnvFormatIsSourceableAndItsCertificateVerifies() throws Exception {
        Path work = Files.createDirectories(dir.resolve("env"));
        HttpResponse<String> response = exchange("svid-server", ci.token(), Map.of("csr", csr(ec()), "format", "env"));
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().startsWith("KEYWAY_CERTIFICATE='-----BEGIN CERTIFICATE-----\n"), response.body());
        assertTrue(response.body().contains("\nKEYWAY_SPIFFE_ID=spiffe://acme.test/svc/42\n"), response.body());
        Files.writeString(work.resolve("keyway.env"), response.body());
        Files.writeString(work.resolve("bundle.pem"), broker.get("/v1/ca/x509").body());
        Tools.ok(work, "sh", "-c", "set -a; . ./keyway.env; printf '%s' \"$KEYWAY_CERTIFICATE\" > leaf.pem;"
                + " printf '%s' \"$KEYWAY_CHAIN\" > chain.pem; printf '%s' \"$KEYWAY_TRUST_BUNDLE\" > trust.pem");
        assertEquals("leaf.pem: OK", Tools.ok(work, "openssl", "verify", "-CAfile", "bundle.pem", "-untrusted", "chain.pem",
                "-purpose", "sslserver", "leaf.pem").strip());
        assertEquals(Files.readString(work.resolve("bundle.pem")), Files.readString(work.resolve("trust.pem")));
    }

    // --- mutual TLS ----------------------------------------------------------------------------------------

    private record Svid(KeyPair keys, List<X509Certificate> chain) {
    }

    private Svid svid(String binding) throws Exception {
        KeyPair keys = ec();
        JsonNode credentials = credentials(binding, Map.of("csr", csr(keys)));
        List<X509Certificate> chain = new ArrayList<>(certificates(credentials.get("certificate").asText()));
        for (JsonNode pem : credentials.get("chain")) {
            chain.addAll(certificates(pem.asText()));
        }
        return new Svid(keys, chain);
    }

    private SSLContext tls(Svid svid) throws Exception {
        char[] password = "keyway-test".toCharArray();
        KeyStore identity = KeyStore.getInstance("PKCS12");
        identity.load(null, null);
        identity.setKeyEntry("svid", svid.keys().getPrivate(), password, svid.chain().toArray(Certificate[]::new));
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance("PKIX");
        keyManagers.init(identity, password);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        List<X509Certificate> bundle = certificates(broker.get("/v1/ca/x509").body());
        for (int i = 0; i < bundle.size(); i++) {
            trust.setCertificateEntry("keyway-" + i, bundle.get(i));
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    private static String spiffeId(Certificate certificate) throws Exception {
        for (List<?> san : ((X509Certificate) certificate).getSubjectAlternativeNames()) {
            if ((Integer) san.get(0) == 6) {
                return (String) san.get(1);
            }
        }
        throw new AssertionError("no URI SAN");
    }

    /** Server and client each present a Keyway SVID and trust only the served bundle; returns what each saw. */
    /** What the server side of the last handshake saw, or why it failed. */
    private volatile String lastServerResult;

    private List<String> handshake(Svid server, Svid client) throws Exception {
        try (SSLServerSocket listener = (SSLServerSocket) tls(server).getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setNeedClientAuth(true);
            CompletableFuture<String> serverSaw = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.setSoTimeout(10_000);
                    String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
                    PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
                    out.println("hello " + spiffeId(socket.getSession().getPeerCertificates()[0]));
                    return line + " from " + spiffeId(socket.getSession().getPeerCertificates()[0]);
                } catch (Exception e) {
                    return "server failed: " + e;
                }
            });
            try (SSLSocket socket = (SSLSocket) tls(client).getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                    listener.getLocalPort())) {
                socket.setSoTimeout(10_000);
                socket.startHandshake();
                PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.UTF_8);
                out.println("ping");
                String reply = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
                return List.of(serverSaw.get(15, TimeUnit.SECONDS), reply, socket.getSession().getProtocol(),
                        spiffeId(socket.getSession().getPeerCertificates()[0]));
            } finally {
                lastServerResult = serverSaw.get(15, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void twoKeywaySvidsCompleteAMutualTlsHandshakeTrustingOnlyTheBundle() throws Exception {
        Svid server = svid("svid-server");
        Svid client = svid("svid-client");
        List<String> seen = handshake(server, client);
        assertEquals("ping from spiffe://acme.test/gh/acme_2Fapi/refs_2Fheads_2Fmain", seen.get(0), "the server authenticated the client");
        assertEquals("hello spiffe://acme.test/gh/acme_2Fapi/refs_2Fheads_2Fmain", seen.get(1));
        assertEquals("TLSv1.3", seen.get(2));
        assertEquals("spiffe://acme.test/svc/42", seen.get(3), "the client authenticated the server");
    }

    @Test
    void aServerOnlySvidCannotAuthenticateAsAClient() throws Exception {
        Svid server = svid("svid-server");
        Svid serverUsedAsClient = svid("svid-server");
        // The client sees the refusal as an SSL alert or, depending on timing, as the server closing the socket.
        assertThrows(java.io.IOException.class, () -> {
            List<String> seen = handshake(server, serverUsedAsClient);
            throw new AssertionError("handshake should have failed, saw " + seen);
        });
        assertTrue(lastServerResult.startsWith("server failed: javax.net.ssl.SSLHandshakeException"),
                "the server refused the certificate: " + lastServerResult);
    }

    // --- refusals over HTTP --------------------------------------------------------------------------------

    @Test
    void refusalsAreInvalidRequestWithOneAuditEventEach() throws Exception {
        Path work = Files.createDirectories(dir.resolve("weak"));
        Tools.ok(work, "openssl", "genrsa", "-out", "weak.key", "1024");
        Tools.ok(work, "openssl", "req", "-new", "-key", "weak.key", "-subj", "/CN=job", "-out", "weak.csr");
        String good = csr(ec());
        String tampered = good.replace(good.substring(good.length() - 40, good.length() - 30), "AAAAAAAAAA");
        Map<String, Map<String, String>> cases = new LinkedHashMap<>();
        cases.put("a 1024-bit RSA key", Map.of("csr", Files.readString(work.resolve("weak.csr"))));
        cases.put("garbage", Map.of("csr", "-----BEGIN CERTIFICATE REQUEST-----\nbm90IGEgY3Ny\n-----END CERTIFICATE REQUEST-----\n"));
        cases.put("a CSR with a broken signature", Map.of("csr", tampered));
        cases.put("no key at all", Map.of());
        for (Map.Entry<String, Map<String, String>> c : cases.entrySet()) {
            int before = broker.auditEvents().size();
            HttpResponse<String> response = exchange("svid-client", ci.token(), c.getValue());
            assertEquals(400, response.statusCode(), c.getKey() + ": " + response.body());
            assertEquals("invalid_request", TestBroker.json(response).get("code").asText(), c.getKey());
            List<JsonNode> events = broker.auditEvents();
            assertEquals(before + 1, events.size());
            assertEquals("invalid_request", events.get(events.size() - 1).get("code").asText());
        }
    }

    @Test
    void aClaimThatWouldBeADotDotSegmentIsRefusedAndOneWithSlashesStaysInItsSegment() throws Exception {
        HttpResponse<String> dotDot = exchange("svid-client", ci.token(Map.of("ref", "..")), Map.of("csr", csr(ec())));
        assertEquals(400, dotDot.statusCode(), dotDot.body());
        assertEquals("invalid_request", TestBroker.json(dotDot).get("code").asText());
        HttpResponse<String> slashes = exchange("svid-client", ci.token(Map.of("ref", "a/../../b")), Map.of("csr", csr(ec())));
        assertEquals(200, slashes.statusCode(), slashes.body());
        assertEquals("spiffe://acme.test/gh/acme_2Fapi/a_2F.._2F.._2Fb",
                TestBroker.json(slashes).get("credentials").get("spiffeId").asText());
    }

    @Test
    void theAuditEventRecordsTheSerialAndNoCertificate() throws Exception {
        HttpResponse<String> response = exchange("svid-client", ci.token(), Map.of("csr", csr(ec())));
        X509Certificate leaf = certificates(TestBroker.json(response).get("credentials").get("certificate").asText()).get(0);
        List<JsonNode> events = broker.auditEvents();
        JsonNode event = events.get(events.size() - 1);
        assertEquals(leaf.getSerialNumber().toString(16), event.get("credential").get("id").asText());
        assertFalse(Files.readString(broker.auditFile).contains("BEGIN CERTIFICATE"));
    }
}
