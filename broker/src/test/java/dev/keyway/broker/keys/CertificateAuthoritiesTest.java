package dev.keyway.broker.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyway.spi.CertificateAuthority;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The X.509 and SSH CAs in keys.dir: what init, rotate and load write, keep, refuse and publish. */
class CertificateAuthoritiesTest {

    @TempDir
    Path dir;

    private static final Instant NOW = Instant.now();

    private String permissions(String file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(file)));
    }

    @Test
    void initWritesOwnerOnlyPrivateKeysAndReadablePublicFiles() throws Exception {
        List<String> report = KeySet.init(dir);
        assertEquals(3, report.size(), report.toString());
        assertEquals("rw-------", permissions(SigningKeys.FILE));
        assertEquals("rw-------", permissions(X509Ca.KEY_FILE));
        assertEquals("rw-------", permissions(SshCa.KEY_FILE));
        assertEquals("rw-r--r--", permissions(X509Ca.CHAIN_FILE));
        assertEquals("rw-r--r--", permissions(SshCa.PUBLIC_FILE));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertFalse(Files.exists(dir.resolve(X509Ca.PREVIOUS_FILE)));
        assertFalse(Files.exists(dir.resolve(SshCa.PREVIOUS_FILE)));
    }

    /** sshd would register BC JVM-wide, where it becomes the fallback for RSA keys the JDK refuses in token verification. */
    @Test
    void loadingTheCasLeavesBouncyCastleOutOfTheJvmWideProviderList() throws Exception {
        KeySet.init(dir);
        CertificateAuthorities.load(dir, NOW);
        KeySet.rotate(dir);
        assertEquals(null, java.security.Security.getProvider("BC"));
    }

    @Test
    void theGeneratedRootIsAP256CaForOneYearThatMaySignOnlyLeaves() throws Exception {
        X509Ca.Loaded ca = X509Ca.init(dir, NOW);
        X509Certificate root = ca.authority().certificate();
        assertEquals(1, ca.authority().chain().size());
        assertEquals(root.getSubjectX500Principal(), root.getIssuerX500Principal(), "self-signed");
        root.verify(root.getPublicKey());
        assertEquals("EC", root.getPublicKey().getAlgorithm());
        assertEquals(256, ((java.security.interfaces.ECPublicKey) root.getPublicKey()).getParams().getCurve().getField().getFieldSize());
        assertEquals(0, root.getBasicConstraints(), "CA:true, pathlen 0");
        assertTrue(root.getKeyUsage()[5], "keyCertSign");
        assertFalse(root.getKeyUsage()[0], "not digitalSignature: it signs certificates only");
        assertTrue(root.getExtensionValue(Extension.subjectKeyIdentifier.getId()) != null, "SKI");
        assertTrue(root.getCriticalExtensionOIDs().containsAll(List.of("2.5.29.19", "2.5.29.15")));
        Duration validity = Duration.between(root.getNotBefore().toInstant(), root.getNotAfter().toInstant());
        assertEquals(X509Ca.VALIDITY.plus(X509Ca.BACKDATE).toSeconds(), validity.toSeconds(), 1);
        assertEquals(List.of(root), ca.bundle());
    }

    @Test
    void initRefusesToOverwriteAnyPartOfTheKeySet() throws Exception {
        SshCa.init(dir);
        Exception e = assertThrows(java.io.IOException.class, () -> KeySet.init(dir));
        assertTrue(e.getMessage().contains("already exists; use keys rotate"), e.getMessage());
        assertFalse(Files.exists(dir.resolve(SigningKeys.FILE)), "nothing written when refusing");
        assertFalse(Files.exists(dir.resolve(X509Ca.KEY_FILE)));
    }

    @Test
    void rotateAddsANewCurrentCaAndKeepsThePreviousPublished() throws Exception {
        KeySet.init(dir);
        CertificateAuthorities first = CertificateAuthorities.load(dir, NOW);
        X509Certificate firstRoot = first.x509Authority().orElseThrow().certificate();
        KeyPair firstSsh = first.sshAuthority().orElseThrow();

        KeySet.rotate(dir);
        CertificateAuthorities second = CertificateAuthorities.load(dir, NOW);
        X509Certificate secondRoot = second.x509Authority().orElseThrow().certificate();
        assertFalse(secondRoot.equals(firstRoot), "a new current CA signs");
        assertEquals(List.of(secondRoot, firstRoot), second.x509Authority().orElseThrow().trustBundle(), "current root first, then previous");
        assertEquals(2, count(second.x509Bundle().orElseThrow(), "BEGIN CERTIFICATE"));
        String ssh = second.sshTrustedUserCaKeys().orElseThrow();
        assertEquals(2, ssh.lines().count());
        assertTrue(ssh.lines().toList().get(1).startsWith(SshCa.line(firstSsh.getPublic(), "").strip()), ssh);
        assertTrue(ssh.lines().toList().get(0).endsWith(" keyway-ssh-ca"));
        assertFalse(org.apache.sshd.common.config.keys.KeyUtils.compareKeys(firstSsh.getPublic(),
                second.sshAuthority().orElseThrow().getPublic()));
        assertEquals("rw-r--r--", permissions(X509Ca.PREVIOUS_FILE));
        assertEquals("rw-r--r--", permissions(SshCa.PREVIOUS_FILE));

        KeySet.rotate(dir);
        CertificateAuthorities third = CertificateAuthorities.load(dir, NOW);
        assertEquals(3, third.x509Authority().orElseThrow().trustBundle().size(), "X.509 roots stay until they expire");
        assertTrue(third.x509Authority().orElseThrow().trustBundle().containsAll(List.of(firstRoot, secondRoot)));
        assertEquals(2, third.sshTrustedUserCaKeys().orElseThrow().lines().count(), "SSH keeps only the previous CA");
        assertFalse(third.sshTrustedUserCaKeys().orElseThrow().contains(SshCa.line(firstSsh.getPublic(), "").strip()),
                "the SSH CA two rotations old is dropped");
        assertTrue(third.sshAuthorizedKeys().orElseThrow().lines().allMatch(l -> l.startsWith("cert-authority ssh-ed25519 ")));
    }

    @Test
    void rotateCreatesACaThatIsMissing() throws Exception {
        SigningKeys.init(dir); // a key set from before certificate grants existed
        KeySet.rotate(dir);
        CertificateAuthorities cas = CertificateAuthorities.load(dir, NOW);
        assertTrue(cas.x509Authority().isPresent());
        assertTrue(cas.sshAuthority().isPresent());
        assertEquals(1, cas.x509Authority().orElseThrow().trustBundle().size());
    }

    @Test
    void anExpiredPreviousRootIsNoLongerPublished() throws Exception {
        X509Ca.init(dir, NOW);
        KeyPair keys = ec();
        X509Certificate expired = certificate("CN=Old", keys, null, keys.getPrivate(), NOW.minus(Duration.ofDays(400)), Duration.ofDays(365), 0);
        Files.writeString(dir.resolve(X509Ca.PREVIOUS_FILE), X509Ca.pem(List.of(expired)));
        assertEquals(1, X509Ca.load(dir, NOW).orElseThrow().bundle().size());
        X509Ca.rotate(dir, NOW);
        assertFalse(Files.readString(dir.resolve(X509Ca.PREVIOUS_FILE)).contains(X509Ca.pem(List.of(expired)).strip()),
                "rotate prunes it from the file too");
    }

    @Test
    void anEmptyDirectoryHasNoCasAndThatIsNotAnError() throws Exception {
        CertificateAuthorities cas = CertificateAuthorities.load(dir.resolve("missing"), NOW);
        assertTrue(cas.x509Authority().isEmpty());
        assertTrue(cas.sshAuthority().isEmpty());
        assertTrue(cas.x509Bundle().isEmpty());
        assertTrue(cas.describe(NOW).get(0).contains("x509 grants answer 503 until keys init/rotate"));
    }

    @Test
    void demoModeCreatesWhatIsMissingOnce() throws Exception {
        CertificateAuthorities created = CertificateAuthorities.loadOrInit(dir, NOW);
        CertificateAuthorities again = CertificateAuthorities.loadOrInit(dir, NOW);
        assertEquals(created.x509Bundle(), again.x509Bundle());
        assertEquals(created.sshTrustedUserCaKeys(), again.sshTrustedUserCaKeys());
    }

    // --- an operator's intermediate ------------------------------------------------------------------

    @Test
    void anOperatorsIntermediateIsUsedAsGivenAndNotRotated() throws Exception {
        KeyPair rootKeys = ec();
        X509Certificate root = certificate("CN=Acme Root", rootKeys, null, rootKeys.getPrivate(), NOW.minus(Duration.ofDays(1)),
                Duration.ofDays(3650), 1);
        KeyPair intermediateKeys = rsa();
        X509Certificate intermediate = certificate("CN=Acme Keyway Intermediate", intermediateKeys, root, rootKeys.getPrivate(),
                NOW.minus(Duration.ofDays(1)), Duration.ofDays(365), 0);
        writeKey(intermediateKeys.getPrivate());
        Files.writeString(dir.resolve(X509Ca.CHAIN_FILE), X509Ca.pem(List.of(intermediate, root)));

        X509Ca.Loaded loaded = X509Ca.load(dir, NOW).orElseThrow();
        CertificateAuthority ca = loaded.authority();
        assertEquals(List.of(intermediate, root), ca.chain());
        assertEquals(List.of(root), ca.trustBundle(), "verifiers trust the operator's root");
        X509Ca.Rotation rotation = X509Ca.rotate(dir, NOW);
        assertFalse(rotation.rotated());
        assertEquals(List.of(intermediate, root), X509Ca.load(dir, NOW).orElseThrow().authority().chain(), "left alone");
    }

    @Test
    void aKeyThatDoesNotMatchTheCertificateIsAStartupError() throws Exception {
        X509Ca.init(dir, NOW);
        writeKey(ec().getPrivate());
        Exception e = assertThrows(java.io.IOException.class, () -> X509Ca.load(dir, NOW));
        assertTrue(e.getMessage().contains("is not for the key in x509-ca.key.pem"), e.getMessage());
    }

    @Test
    void aChainThatDoesNotEndInARootIsAStartupError() throws Exception {
        KeyPair rootKeys = ec();
        X509Certificate root = certificate("CN=Acme Root", rootKeys, null, rootKeys.getPrivate(), NOW, Duration.ofDays(10), 1);
        KeyPair intermediateKeys = ec();
        X509Certificate intermediate = certificate("CN=Acme Intermediate", intermediateKeys, root, rootKeys.getPrivate(), NOW,
                Duration.ofDays(10), 0);
        writeKey(intermediateKeys.getPrivate());
        Files.writeString(dir.resolve(X509Ca.CHAIN_FILE), X509Ca.pem(List.of(intermediate)));
        Exception e = assertThrows(java.io.IOException.class, () -> X509Ca.load(dir, NOW));
        assertTrue(e.getMessage().contains("end the chain with the root"), e.getMessage());
    }

    @Test
    void aLeafCertificateCannotBeTheCa() throws Exception {
        KeyPair keys = ec();
        writeKey(keys.getPrivate());
        Files.writeString(dir.resolve(X509Ca.CHAIN_FILE), X509Ca.pem(List.of(certificate("CN=leaf", keys, null, keys.getPrivate(), NOW,
                Duration.ofDays(1), -1))));
        Exception e = assertThrows(java.io.IOException.class, () -> X509Ca.load(dir, NOW));
        assertTrue(e.getMessage().contains("not a CA"), e.getMessage());
    }

    @Test
    void halfACaIsAStartupErrorNotASilentlyMissingCa() throws Exception {
        X509Ca.init(dir, NOW);
        Files.delete(dir.resolve(X509Ca.KEY_FILE));
        Exception e = assertThrows(java.io.IOException.class, () -> CertificateAuthorities.load(dir, NOW));
        assertTrue(e.getMessage().contains("needs both"), e.getMessage());
    }

    @Test
    void anEncryptedKeyIsRefusedWithAReason() throws Exception {
        X509Ca.init(dir, NOW);
        run("openssl", "pkey", "-in", X509Ca.KEY_FILE, "-aes256", "-passout", "pass:secret", "-out", "encrypted.pem");
        Files.move(dir.resolve("encrypted.pem"), dir.resolve(X509Ca.KEY_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Exception e = assertThrows(java.io.IOException.class, () -> X509Ca.load(dir, NOW));
        assertTrue(e.getMessage().contains("encrypted"), e.getMessage());
    }

    // --- real tools read what Keyway writes, Keyway reads what they write ------------------------------

    @Test
    void opensslAndSshKeygenReadTheGeneratedFiles() throws Exception {
        KeySet.init(dir);
        assertTrue(run("openssl", "pkey", "-in", X509Ca.KEY_FILE, "-noout", "-text").contains("ASN1 OID: prime256v1"));
        String x509 = run("openssl", "x509", "-in", X509Ca.CHAIN_FILE, "-noout", "-text");
        assertTrue(x509.contains("CA:TRUE, pathlen:0"), x509);
        assertTrue(x509.contains("Certificate Sign, CRL Sign"), x509);
        String derived = run("ssh-keygen", "-y", "-f", SshCa.KEY_FILE).strip();
        assertTrue(Files.readString(dir.resolve(SshCa.PUBLIC_FILE)).startsWith(derived), "ssh-ca.pub is ssh-ca's public key");
    }

    @Test
    void anSshCaMadeBySshKeygenIsUsed() throws Exception {
        run("ssh-keygen", "-q", "-t", "ecdsa", "-b", "384", "-N", "", "-C", "acme-ca", "-f", SshCa.KEY_FILE);
        SshCa.Loaded ca = SshCa.load(dir).orElseThrow();
        String fingerprint = run("ssh-keygen", "-l", "-f", SshCa.PUBLIC_FILE).split(" ")[1];
        assertEquals(fingerprint, ca.fingerprint());
    }

    @Test
    void aWeakOrEncryptedSshCaIsAStartupError() throws Exception {
        run("ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", SshCa.KEY_FILE);
        Exception weak = assertThrows(java.io.IOException.class, () -> SshCa.load(dir));
        assertTrue(weak.getMessage().contains("at least 3072 bits"), weak.getMessage());
        Files.delete(dir.resolve(SshCa.KEY_FILE));
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "secret", "-f", SshCa.KEY_FILE);
        Exception encrypted = assertThrows(java.io.IOException.class, () -> SshCa.load(dir));
        assertTrue(encrypted.getMessage().contains("not an unencrypted OpenSSH private key"), encrypted.getMessage());
    }

    // --- helpers ---------------------------------------------------------------------------------------

    private String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }

    private static int count(String text, String what) {
        return text.split(what, -1).length - 1;
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private void writeKey(PrivateKey key) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(new JcaPKCS8Generator(key, null));
        }
        Files.writeString(dir.resolve(X509Ca.KEY_FILE), out.toString());
    }

    /** pathLen -1: not a CA. */
    private static X509Certificate certificate(String subject, KeyPair keys, X509Certificate issuer, PrivateKey signer, Instant from,
                                               Duration validity, int pathLen) throws Exception {
        X500Name issuerName = issuer == null ? new X500Name(subject) : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName, BigInteger.valueOf(System.nanoTime()),
                Date.from(from), Date.from(from.plus(validity)), new X500Name(subject), keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, pathLen < 0 ? new BasicConstraints(false) : new BasicConstraints(pathLen));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(pathLen < 0 ? KeyUsage.digitalSignature : KeyUsage.keyCertSign));
        String algorithm = signer.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(signer)));
    }
}
