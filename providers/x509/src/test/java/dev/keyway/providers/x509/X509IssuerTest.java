package dev.keyway.providers.x509;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyway.spi.CertificateAuthority;
import dev.keyway.spi.ClaimCatalog;
import dev.keyway.spi.GrantConfig;
import dev.keyway.spi.GrantDefinition;
import dev.keyway.spi.Identity;
import dev.keyway.spi.IssueException;
import dev.keyway.spi.IssueRequest;
import dev.keyway.spi.IssuedCredential;
import dev.keyway.spi.config.Fields;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.config.Problem;
import dev.keyway.spi.config.Problems;
import dev.keyway.spi.contract.Nodes;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class X509IssuerTest {

    private static final ClaimCatalog GITHUB = new ClaimCatalog() {
        private final Set<String> names = Set.of("iss", "sub", "repository", "repository_id", "ref", "sha", "run_id",
                "job_workflow_ref", "environment", "actor");

        @Override
        public boolean knows(String claimName) {
            return names.contains(claimName);
        }

        @Override
        public String describe() {
            return "a github issuer";
        }
    };

    private static final Instant NOW = Instant.now();
    private static final String SPIFFE = "spiffe://acme.example/gh/{{repository}}/{{environment}}";

    private final X509Issuer issuer = new X509Issuer();

    private static Map<String, Object> claims(Object... more) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("iss", "https://token.actions.githubusercontent.com");
        claims.put("sub", "repo:acme/api:environment:production");
        claims.put("repository", "acme/api");
        claims.put("repository_id", "598421370");
        claims.put("ref", "refs/heads/main");
        claims.put("sha", "4f1c0ffee");
        claims.put("run_id", "10283741123");
        claims.put("job_workflow_ref", "acme/workflows/.github/workflows/deploy.yml@refs/tags/v1");
        claims.put("environment", "production");
        for (int i = 0; i + 1 < more.length; i += 2) {
            claims.put((String) more[i], more[i + 1]);
        }
        return claims;
    }

    private GrantConfig compile(Node.Mapping grant) {
        Problems problems = new Problems();
        Optional<GrantConfig> config = issuer.compile(new GrantDefinition("svid", new Fields(grant, "grant", problems), GITHUB,
                Duration.ofHours(1)), problems);
        assertEquals(List.of(), problems.all());
        return config.orElseThrow();
    }

    private GrantConfig grant() {
        return compile(Nodes.map("spiffe-id", SPIFFE, "dns-names", List.of("api.acme.example", "{{environment}}.api.acme.example"),
                "usage", List.of("client", "server")));
    }

    private IssuedCredential issue(GrantConfig grant, Map<String, Object> claims, Optional<String> csr, Optional<String> publicKey,
                                   CertificateAuthority ca, Duration ttl) throws IssueException {
        return issuer.issue(new IssueRequest("svid", grant, new Identity("github", claims, claims), ttl, NOW, "req-1", csr, publicKey,
                "json", TestPki.broker(Optional.ofNullable(ca))));
    }

    private static X509Certificate parse(String pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    private static List<String> sans(X509Certificate certificate, int type) throws Exception {
        List<String> out = new ArrayList<>();
        for (List<?> entry : certificate.getSubjectAlternativeNames()) {
            if ((Integer) entry.get(0) == type) {
                out.add((String) entry.get(1));
            }
        }
        return out;
    }

    private static String extension(X509Certificate certificate, String oid) throws Exception {
        byte[] value = certificate.getExtensionValue(oid);
        if (value == null) {
            return null;
        }
        return DERUTF8String.getInstance(ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(value).getOctets())).getString();
    }

    // --- compile ------------------------------------------------------------------------------------

    static Stream<Arguments> badGrants() {
        return Stream.of(
                Arguments.of("a placeholder in the trust domain", Nodes.map("spiffe-id", "spiffe://{{repository}}.example/ci"),
                        "trust domain must be literal"),
                Arguments.of("a placeholder as the whole trust domain", Nodes.map("spiffe-id", "spiffe://{{repository}}/ci"),
                        "trust domain must be literal"),
                Arguments.of("no path", Nodes.map("spiffe-id", "spiffe://acme.example"), "needs a path"),
                Arguments.of("a trailing slash", Nodes.map("spiffe-id", "spiffe://acme.example/ci/"), "empty segment"),
                Arguments.of("only a slash as the path", Nodes.map("spiffe-id", "spiffe://acme.example/"), "needs a path"),
                Arguments.of("an uppercase trust domain", Nodes.map("spiffe-id", "spiffe://Acme.example/ci"), "trust domain"),
                Arguments.of("a port in the trust domain", Nodes.map("spiffe-id", "spiffe://acme.example:443/ci"), "trust domain"),
                Arguments.of("another scheme", Nodes.map("spiffe-id", "https://acme.example/ci"), "spiffe://"),
                Arguments.of("a percent-encoded literal", Nodes.map("spiffe-id", "spiffe://acme.example/a%2Fb"), "path segments"),
                Arguments.of("a dot-dot segment", Nodes.map("spiffe-id", "spiffe://acme.example/ci/../admin"), "'..' segment"),
                Arguments.of("an empty segment", Nodes.map("spiffe-id", "spiffe://acme.example/ci//{{repository}}"), "empty segment"),
                Arguments.of("a query", Nodes.map("spiffe-id", "spiffe://acme.example/ci?x=1"), "path segments"),
                Arguments.of("a claim the profile lacks", Nodes.map("spiffe-id", "spiffe://acme.example/{{repo}}"), "does not have"),
                Arguments.of("no spiffe-id", Nodes.map("usage", "client"), "missing required field 'spiffe-id'"),
                Arguments.of("an unknown usage", Nodes.map("spiffe-id", "spiffe://acme.example/ci", "usage", "codeSigning"),
                        "not client or server"),
                Arguments.of("a usage twice", Nodes.map("spiffe-id", "spiffe://acme.example/ci", "usage", List.of("client", "client")),
                        "listed twice"),
                Arguments.of("a wildcard DNS name", Nodes.map("spiffe-id", "spiffe://acme.example/ci", "dns-names", "*.acme.example"),
                        "not a DNS label"),
                Arguments.of("an underscore DNS name", Nodes.map("spiffe-id", "spiffe://acme.example/ci", "dns-names", "a_b.example"),
                        "not a DNS label"),
                Arguments.of("an empty DNS label", Nodes.map("spiffe-id", "spiffe://acme.example/ci", "dns-names", "a..example"),
                        "not a DNS label"),
                Arguments.of("an unknown field", Nodes.map("spiffe-id", "spiffe://acme.example/ci", "spiffe", "x"),
                        "unknown field 'spiffe'"));
    }

    @ParameterizedTest(name = "{0} is a load error")
    @MethodSource("badGrants")
    void badGrantsAreLoadErrorsWithTheirLine(String sentence, Node.Mapping grant, String message) {
        Problems problems = new Problems();
        Optional<GrantConfig> config = issuer.compile(new GrantDefinition("svid", new Fields(grant, "grant", problems), GITHUB,
                Duration.ofHours(1)), problems);
        assertTrue(config.isEmpty());
        List<Problem> errors = problems.errors();
        assertTrue(errors.stream().anyMatch(p -> p.message().contains(message) && p.location().line() > 0), errors.toString());
    }

    @Test
    void usageDefaultsToClient() {
        GrantConfig grant = compile(Nodes.map("spiffe-id", "spiffe://acme.example/ci"));
        assertEquals("client", grant.describe().get("usage"));
    }

    // --- issue: the SVID -----------------------------------------------------------------------------

    @ParameterizedTest(name = "a {0} CSR gets an X509-SVID for its own key")
    @ValueSource(strings = {"P-256", "P-384", "Ed25519", "RSA-2048", "RSA-3072"})
    void aCsrGetsAnSvidForItsOwnKey(String kind) throws Exception {
        CertificateAuthority ca = TestPki.rootCa(Duration.ofDays(365));
        KeyPair keys = TestPki.keyPair(kind);
        IssuedCredential credential = issue(grant(), claims(), Optional.of(TestPki.csrPem(keys)), Optional.empty(), ca,
                Duration.ofMinutes(15));
        X509Certificate leaf = parse((String) credential.credentials().get("certificate"));

        assertArrayEquals(keys.getPublic().getEncoded(), leaf.getPublicKey().getEncoded(), "the certificate certifies the CSR's key");
        leaf.verify(ca.certificate().getPublicKey(), TestPki.BC);
        assertEquals(ca.certificate().getSubjectX500Principal(), leaf.getIssuerX500Principal());
        assertEquals(List.of("spiffe://acme.example/gh/acme_2Fapi/production"), sans(leaf, GeneralName.uniformResourceIdentifier));
        assertEquals(List.of("api.acme.example", "production.api.acme.example"), sans(leaf, GeneralName.dNSName));
        assertEquals("", leaf.getSubjectX500Principal().getName(), "X509-SVIDs carry their identity in the SAN only");
        assertTrue(leaf.getCriticalExtensionOIDs().containsAll(Set.of("2.5.29.17", "2.5.29.19", "2.5.29.15")),
                "SAN (empty subject), basic constraints and key usage are critical");
        assertEquals(-1, leaf.getBasicConstraints(), "not a CA");
        boolean[] keyUsage = leaf.getKeyUsage();
        assertTrue(keyUsage[0], "digitalSignature");
        assertEquals(kind.startsWith("RSA"), keyUsage[2], "keyEncipherment only for an RSA server key");
        assertFalse(keyUsage[5], "never keyCertSign");
        assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2").stream().sorted().toList(),
                leaf.getExtendedKeyUsage().stream().sorted().toList());
        assertTrue(leaf.getExtensionValue("2.5.29.14") != null, "SKI");
        assertTrue(leaf.getExtensionValue("2.5.29.35") != null, "AKI");

        assertEquals(NOW.plus(Duration.ofMinutes(15)).getEpochSecond(), leaf.getNotAfter().toInstant().getEpochSecond());
        assertEquals(NOW.minus(X509Issuer.BACKDATE).getEpochSecond(), leaf.getNotBefore().toInstant().getEpochSecond());
        assertEquals(leaf.getNotAfter().toInstant(), credential.expiresAt());
        assertEquals(leaf.getSerialNumber().toString(16), credential.id());
        assertEquals(1, leaf.getSerialNumber().signum());
        assertTrue(leaf.getSerialNumber().bitLength() <= 128 && leaf.getSerialNumber().bitLength() > 64);

        assertEquals("spiffe://acme.example/gh/acme_2Fapi/production", credential.credentials().get("spiffeId"));
        assertEquals(List.of(TestPki.pem(ca.certificate())), credential.credentials().get("chain"));
        assertEquals(TestPki.pem(ca.certificate()), credential.credentials().get("trustBundle"));
    }

    @Test
    void afterTheCaChangesCertificatesAreSignedByTheNewKey() throws Exception {
        // Whatever the grant keeps per CA, a rotation must not leave it signing with the old key.
        CertificateAuthority first = TestPki.rootCa(Duration.ofDays(365));
        CertificateAuthority second = TestPki.rootCa(Duration.ofDays(365));
        String csr = TestPki.csrPem(TestPki.keyPair("P-256"));
        for (CertificateAuthority ca : List.of(first, second, first, second)) {
            X509Certificate leaf = parse((String) issue(grant(), claims(), Optional.of(csr), Optional.empty(), ca, Duration.ofMinutes(5))
                    .credentials().get("certificate"));
            leaf.verify(ca.certificate().getPublicKey(), TestPki.BC);
            CertificateAuthority other = ca == first ? second : first;
            assertThrows(java.security.SignatureException.class, () -> leaf.verify(other.certificate().getPublicKey(), TestPki.BC));
        }
    }

    @Test
    void serialsAreRandomAndDistinct() throws Exception {
        CertificateAuthority ca = TestPki.rootCa(Duration.ofDays(365));
        Set<BigInteger> serials = new java.util.HashSet<>();
        String csr = TestPki.csrPem(TestPki.keyPair("P-256"));
        for (int i = 0; i < 20; i++) {
            serials.add(parse((String) issue(grant(), claims(), Optional.of(csr), Optional.empty(), ca, Duration.ofMinutes(5))
                    .credentials().get("certificate")).getSerialNumber());
        }
        assertEquals(20, serials.size());
    }

    @Test
    void aBarePublicKeyGetsTheSameCertificate() throws Exception {
        CertificateAuthority ca = TestPki.rootCa(Duration.ofDays(365));
        KeyPair keys = TestPki.keyPair("Ed25519");
        IssuedCredential credential = issue(grant(), claims(), Optional.empty(), Optional.of(TestPki.pem(keys.getPublic())), ca,
                Duration.ofMinutes(15));
        X509Certificate leaf = parse((String) credential.credentials().get("certificate"));
        assertArrayEquals(keys.getPublic().getEncoded(), leaf.getPublicKey().getEncoded());
    }

    @Test
    void theNamesAndExtensionsACsrAsksForAreIgnored() throws Exception {
        CertificateAuthority ca = TestPki.rootCa(Duration.ofDays(365));
        KeyPair keys = TestPki.keyPair("P-256");
        PKCS10CertificationRequest csr = TestPki.csr(keys, "CN=admin,O=Evil", List.of(
                new GeneralName(GeneralName.dNSName, "evil.example"),
                new GeneralName(GeneralName.uniformResourceIdentifier, "spiffe://acme.example/admin")));
        X509Certificate leaf = parse((String) issue(compile(Nodes.map("spiffe-id", "spiffe://acme.example/ci")), claims(),
                Optional.of(TestPki.pem(csr)), Optional.empty(), ca, Duration.ofMinutes(5)).credentials().get("certificate"));
        assertEquals(List.of("spiffe://acme.example/ci"), sans(leaf, GeneralName.uniformResourceIdentifier));
        assertEquals(List.of(), sans(leaf, GeneralName.dNSName));
        assertEquals("", leaf.getSubjectX500Principal().getName());
        assertEquals(-1, leaf.getBasicConstraints(), "a CSR asking for CA:true still gets CA:false");
        assertEquals(List.of("1.3.6.1.5.5.7.3.2"), leaf.getExtendedKeyUsage(), "client only by default");
    }

    @Test
    void theCallersFactsAreExtensionsUnderKeywaysArc() throws Exception {
        CertificateAuthority ca = TestPki.rootCa(Duration.ofDays(365));
        X509Certificate leaf = parse((String) issue(grant(), claims(), Optional.of(TestPki.csrPem(TestPki.keyPair("P-256"))),
                Optional.empty(), ca, Duration.ofMinutes(5)).credentials().get("certificate"));
        String arc = "1.3.6.1.4.1.99999.1.";
        assertEquals("https://token.actions.githubusercontent.com", extension(leaf, arc + "1"));
        assertEquals("repo:acme/api:environment:production", extension(leaf, arc + "2"));
        assertEquals("svid", extension(leaf, arc + "3"));
        assertEquals("acme/api", extension(leaf, arc + "4"));
        assertEquals("598421370", extension(leaf, arc + "5"));
        assertEquals("refs/heads/main", extension(leaf, arc + "6"));
        assertEquals("4f1c0ffee", extension(leaf, arc + "7"));
        assertEquals("acme/workflows/.github/workflows/deploy.yml@refs/tags/v1", extension(leaf, arc + "8"));
        assertEquals("10283741123", extension(leaf, arc + "9"));
        assertEquals("production", extension(leaf, arc + "10"));
        assertFalse(leaf.getCriticalExtensionOIDs().stream().anyMatch(oid -> oid.startsWith("1.3.6.1.4.1.99999.")), "never critical");
    }

    @Test
    void aFactTheTokenLacksIsLeftOut() throws Exception {
        CertificateAuthority ca = TestPki.rootCa(Duration.ofDays(365));
        Map<String, Object> claims = claims();
        claims.remove("sha");
        X509Certificate leaf = parse((String) issue(grant(), claims, Optional.of(TestPki.csrPem(TestPki.keyPair("P-256"))),
                Optional.empty(), ca, Duration.ofMinutes(5)).credentials().get("certificate"));
        assertEquals(null, extension(leaf, "1.3.6.1.4.1.99999.1.7"));
    }

    @Test
    void validityNeverOutlivesTheCa() throws Exception {
        KeyPair keys = TestPki.keyPair("P-256");
        Instant start = NOW.minus(Duration.ofDays(1));
        X509Certificate cert = TestPki.caCertificate("CN=Expiring", keys, null, null, start, Duration.ofDays(1).plusMinutes(5));
        CertificateAuthority ca = new CertificateAuthority(keys.getPrivate(), List.of(cert));
        IssuedCredential credential = issue(grant(), claims(), Optional.of(TestPki.csrPem(TestPki.keyPair("P-256"))), Optional.empty(),
                ca, Duration.ofMinutes(15));
        X509Certificate leaf = parse((String) credential.credentials().get("certificate"));
        assertEquals(cert.getNotAfter(), leaf.getNotAfter());
        assertEquals(cert.getNotAfter().toInstant(), credential.expiresAt());
    }

    @Test
    void anExpiredCaIsUnavailableNotACertificate() throws Exception {
        KeyPair keys = TestPki.keyPair("P-256");
        X509Certificate cert = TestPki.caCertificate("CN=Expired", keys, null, null, NOW.minus(Duration.ofDays(2)), Duration.ofDays(1));
        IssueException e = assertThrows(IssueException.class, () -> issue(grant(), claims(),
                Optional.of(TestPki.csrPem(TestPki.keyPair("P-256"))), Optional.empty(),
                new CertificateAuthority(keys.getPrivate(), List.of(cert)), Duration.ofMinutes(15)));
        assertEquals("unavailable", e.code());
        assertTrue(e.getMessage().contains("keys rotate"), e.getMessage());
    }

    @Test
    void withoutACaTheGrantIsUnavailable() throws Exception {
        IssueException e = assertThrows(IssueException.class, () -> issue(grant(), claims(),
                Optional.of(TestPki.csrPem(TestPki.keyPair("P-256"))), Optional.empty(), null, Duration.ofMinutes(15)));
        assertEquals("unavailable", e.code());
        assertEquals("no X.509 CA in keys.dir; run keys init/rotate", e.getMessage());
    }

    // --- issue: refusals ---------------------------------------------------------------------------

    static Stream<Arguments> weakOrForeignKeys() {
        return Stream.of(
                Arguments.of("RSA-1024", "2048 to 16384 bits, not 1024"),
                Arguments.of("P-192", "P-256 or P-384"),
                Arguments.of("P-521", "P-256 or P-384"),
                Arguments.of("secp256k1", "P-256 or P-384"),
                Arguments.of("Ed448", "not accepted"),
                Arguments.of("DSA-2048", "not accepted"));
    }

    @ParameterizedTest(name = "a {0} key is invalid_request")
    @MethodSource("weakOrForeignKeys")
    void weakAndForeignKeysAreRefused(String kind, String message) throws Exception {
        CertificateAuthority ca = TestPki.rootCa(Duration.ofDays(365));
        KeyPair keys = TestPki.keyPair(kind);
        for (boolean asCsr : new boolean[] {true, false}) {
            IssueException e = assertThrows(IssueException.class, () -> issue(grant(), claims(),
                    asCsr ? Optional.of(TestPki.csrPem(keys)) : Optional.empty(),
                    asCsr ? Optional.empty() : Optional.of(TestPki.pem(keys.getPublic())), ca, Duration.ofMinutes(5)));
            assertEquals("invalid_request", e.code());
            assertTrue(e.getMessage().contains(message), e.getMessage());
        }
    }

    static Stream<Arguments> badInputs() throws Exception {
        KeyPair keys = TestPki.keyPair("P-256");
        String csr = TestPki.csrPem(keys);
        PKCS10CertificationRequest request = TestPki.csr(keys, "CN=job", List.of());
        byte[] der = request.getEncoded();
        der[der.length - 5] ^= 0x01; // inside the signature value
        String tampered = "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END CERTIFICATE REQUEST-----\n";
        // A CSR whose signature was made by another key: a caller asking for a key it does not hold.
        KeyPair other = TestPki.keyPair("P-256");
        PKCS10CertificationRequest foreign = new PKCS10CertificationRequest(new org.bouncycastle.asn1.pkcs.CertificationRequest(
                request.toASN1Structure().getCertificationRequestInfo(), request.getSignatureAlgorithm(),
                new org.bouncycastle.asn1.DERBitString(TestPki.csr(other, "CN=job", List.of()).getSignature())));
        CertificateAuthority ca = TestPki.rootCa(Duration.ofDays(1));
        return Stream.of(
                Arguments.of("garbage instead of a CSR", Optional.of("not a csr"), Optional.empty(), "PEM"),
                Arguments.of("a certificate instead of a CSR", Optional.of(TestPki.pem(ca.certificate())), Optional.empty(),
                        "PKCS#10"),
                Arguments.of("a CSR with a flipped signature bit", Optional.of(tampered), Optional.empty(), "signature"),
                Arguments.of("a CSR signed by another key", Optional.of(TestPki.pem(foreign)), Optional.empty(), "signature"),
                Arguments.of("a truncated CSR", Optional.of(csr.substring(0, 120) + "\n-----END CERTIFICATE REQUEST-----\n"),
                        Optional.empty(), "PEM"),
                Arguments.of("two CSRs in one field", Optional.of(csr + csr), Optional.empty(), "exactly one"),
                Arguments.of("both a CSR and a public key", Optional.of(csr), Optional.of(TestPki.pem(keys.getPublic())), "not both"),
                Arguments.of("neither a CSR nor a public key", Optional.empty(), Optional.empty(), "needs the job's key"),
                Arguments.of("a CSR as the public key", Optional.empty(), Optional.of(csr), "PEM public key"),
                Arguments.of("an OpenSSH key as the public key", Optional.empty(),
                        Optional.of("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINaTYl1FEJyvX8NleMBlu9AWeTskKVUXW2b6DVJCX6Fj job"), "PEM"));
    }

    @ParameterizedTest(name = "{0} is invalid_request")
    @MethodSource("badInputs")
    void badInputsAreRefused(String sentence, Optional<String> csr, Optional<String> publicKey, String message) throws Exception {
        CertificateAuthority ca = TestPki.rootCa(Duration.ofDays(365));
        IssueException e = assertThrows(IssueException.class, () -> issue(grant(), claims(), csr, publicKey, ca, Duration.ofMinutes(5)));
        assertEquals("invalid_request", e.code());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    static Stream<Arguments> pathInjections() {
        return Stream.of(
                Arguments.of("a slash stays inside its segment", "x/y", "spiffe://acme.example/gh/x_2Fy/production"),
                Arguments.of("dot-dot between slashes stays inside its segment", "a/../b",
                        "spiffe://acme.example/gh/a_2F.._2Fb/production"),
                Arguments.of("an underscore is doubled, so escapes cannot be forged", "a_2Fb", "spiffe://acme.example/gh/a__2Fb/production"),
                Arguments.of("a percent sign is escaped, never passed through", "a%2Fb", "spiffe://acme.example/gh/a_252Fb/production"),
                Arguments.of("non-ASCII is escaped byte by byte", "é", "spiffe://acme.example/gh/_C3_A9/production"),
                Arguments.of("query and fragment characters are escaped", "a?b#c", "spiffe://acme.example/gh/a_3Fb_23c/production"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pathInjections")
    void claimValuesCannotAddPathSegments(String sentence, String repository, String expected) throws Exception {
        CertificateAuthority ca = TestPki.rootCa(Duration.ofDays(365));
        IssuedCredential credential = issue(compile(Nodes.map("spiffe-id", SPIFFE)), claims("repository", repository),
                Optional.of(TestPki.csrPem(TestPki.keyPair("P-256"))), Optional.empty(), ca, Duration.ofMinutes(5));
        assertEquals(expected, credential.credentials().get("spiffeId"));
        X509Certificate leaf = parse((String) credential.credentials().get("certificate"));
        assertEquals(List.of(expected), sans(leaf, GeneralName.uniformResourceIdentifier));
        assertEquals(6, expected.split("/").length, "spiffe:, '', trust domain and exactly the template's three segments");
    }

    static Stream<Arguments> unrenderable() {
        return Stream.of(
                Arguments.of("a claim that is a whole '..' segment", Nodes.map("spiffe-id", SPIFFE), claims("environment", ".."),
                        "'..' segment"),
                Arguments.of("a claim that is a whole '.' segment", Nodes.map("spiffe-id", SPIFFE), claims("environment", "."),
                        "'.' segment"),
                Arguments.of("an empty claim making an empty segment", Nodes.map("spiffe-id", SPIFFE), claims("environment", ""),
                        "empty segment"),
                Arguments.of("a missing claim", Nodes.map("spiffe-id", SPIFFE), claims("environment", null), "lacks a scalar value"),
                Arguments.of("an array claim", Nodes.map("spiffe-id", SPIFFE), claims("environment", List.of("a")),
                        "lacks a scalar value"),
                Arguments.of("a claim adding a DNS label", Nodes.map("spiffe-id", "spiffe://acme.example/ci", "dns-names",
                        "{{environment}}.acme.example"), claims("environment", "evil.example.com"), "cannot add labels"),
                Arguments.of("a claim with a space in a DNS name", Nodes.map("spiffe-id", "spiffe://acme.example/ci", "dns-names",
                        "{{environment}}.acme.example"), claims("environment", "a b"), "cannot add labels"),
                Arguments.of("a claim making an overlong DNS label", Nodes.map("spiffe-id", "spiffe://acme.example/ci", "dns-names",
                        "{{environment}}.acme.example"), claims("environment", "a".repeat(64)), "not a DNS label"));
    }

    @ParameterizedTest(name = "{0} is invalid_request")
    @MethodSource("unrenderable")
    void claimsThatCannotMakeAValidNameAreRefused(String sentence, Node.Mapping grant, Map<String, Object> claims, String message)
            throws Exception {
        CertificateAuthority ca = TestPki.rootCa(Duration.ofDays(365));
        Map<String, Object> withoutNulls = new HashMap<>(claims);
        withoutNulls.values().removeIf(v -> v == null);
        IssueException e = assertThrows(IssueException.class, () -> issue(compile(grant), withoutNulls,
                Optional.of(TestPki.csrPem(TestPki.keyPair("P-256"))), Optional.empty(), ca, Duration.ofMinutes(5)));
        assertEquals("invalid_request", e.code());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void dnsClaimValuesAreLowercased() throws Exception {
        CertificateAuthority ca = TestPki.rootCa(Duration.ofDays(365));
        IssuedCredential credential = issue(compile(Nodes.map("spiffe-id", "spiffe://acme.example/ci", "dns-names",
                "{{environment}}.acme.example")), claims("environment", "Prod-1"), Optional.of(TestPki.csrPem(TestPki.keyPair("P-256"))),
                Optional.empty(), ca, Duration.ofMinutes(5));
        assertEquals(List.of("prod-1.acme.example"), sans(parse((String) credential.credentials().get("certificate")), GeneralName.dNSName));
    }

    // --- real tools ----------------------------------------------------------------------------------

    @Test
    void opensslVerifiesALeafUnderAnOperatorsIntermediate(@TempDir Path dir) throws Exception {
        CertificateAuthority ca = TestPki.intermediateCa();
        IssuedCredential credential = issue(grant(), claims(), Optional.of(TestPki.csrPem(TestPki.keyPair("P-256"))), Optional.empty(),
                ca, Duration.ofMinutes(5));
        @SuppressWarnings("unchecked")
        List<String> chain = (List<String>) credential.credentials().get("chain");
        assertEquals(2, chain.size(), "intermediate, then root");
        Files.writeString(dir.resolve("leaf.pem"), (String) credential.credentials().get("certificate"));
        Files.writeString(dir.resolve("chain.pem"), String.join("", chain));
        Files.writeString(dir.resolve("bundle.pem"), (String) credential.credentials().get("trustBundle"));
        String verified = run(dir, "openssl", "verify", "-CAfile", "bundle.pem", "-untrusted", "chain.pem", "-purpose", "sslclient",
                "leaf.pem");
        assertEquals("leaf.pem: OK", verified.strip());
        String withoutChain = runExpectingFailure(dir, "openssl", "verify", "-CAfile", "bundle.pem", "leaf.pem");
        assertTrue(withoutChain.contains("unable to get local issuer certificate"), withoutChain);
    }

    static String run(Path dir, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }

    static String runExpectingFailure(Path dir, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertFalse(process.exitValue() == 0, String.join(" ", command) + " should fail: " + out);
        return out;
    }

    /** A JVM-wide BC would become the JCA fallback for keys the JDK refuses: the grant uses its own instance. */
    @Test
    void bouncyCastleStaysOutOfTheJvmWideProviderList() throws Exception {
        issue(grant(), claims(), Optional.of(TestPki.csrPem(TestPki.keyPair("Ed25519"))), Optional.empty(),
                TestPki.rootCa(Duration.ofDays(1)), Duration.ofMinutes(5));
        assertEquals(null, java.security.Security.getProvider("BC"));
    }
}
