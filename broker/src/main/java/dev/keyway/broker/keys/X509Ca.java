package dev.keyway.broker.keys;

import dev.keyway.spi.CertificateAuthority;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * The broker's X.509 CA in {@code keys.dir}, three PEM files:
 * <ul>
 *   <li>{@value #KEY_FILE} (owner-only): the signing CA's private key, PKCS#8 (or SEC1/PKCS#1), unencrypted;</li>
 *   <li>{@value #CHAIN_FILE}: the signing CA's certificate first, then its issuers, ending with the root;</li>
 *   <li>{@value #PREVIOUS_FILE}: roots of earlier CAs, published until they expire.</li>
 * </ul>
 * {@code keys init} and {@code keys rotate} generate a self-signed EC P-256 root for one year; an
 * operator may instead put an intermediate issued by their own PKI in the first two files.
 */
public final class X509Ca {

    public static final String KEY_FILE = "x509-ca.key.pem";
    public static final String CHAIN_FILE = "x509-ca.pem";
    public static final String PREVIOUS_FILE = "x509-ca.previous.pem";
    static final Duration VALIDITY = Duration.ofDays(365);
    /** The root starts an hour early, so leaves backdated for clock skew still nest inside it. */
    static final Duration BACKDATE = Duration.ofHours(1);
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    /** The loaded CA and the trust bundle it publishes (current root first, then earlier roots not yet expired). */
    public record Loaded(CertificateAuthority authority, List<X509Certificate> bundle, boolean generatedRoot) {
    }

    private X509Ca() {
    }

    public static boolean exists(Path dir) {
        return Files.exists(dir.resolve(KEY_FILE)) || Files.exists(dir.resolve(CHAIN_FILE));
    }

    /** The CA in {@code dir}, or empty when there is none; a half or inconsistent CA is an error that says why. */
    public static Optional<Loaded> load(Path dir, Instant now) throws IOException {
        Path keyFile = dir.resolve(KEY_FILE);
        Path chainFile = dir.resolve(CHAIN_FILE);
        if (!Files.exists(keyFile) && !Files.exists(chainFile)) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(keyFile) || !Files.isRegularFile(chainFile)) {
            throw new IOException("an X.509 CA needs both " + keyFile + " and " + chainFile + "; run keys rotate " + dir
                    + " to generate a new one");
        }
        PrivateKey key = readKey(keyFile);
        List<X509Certificate> chain = readCertificates(chainFile);
        if (chain.isEmpty()) {
            throw new IOException(chainFile + " holds no certificate");
        }
        checkChain(chainFile, key, chain);
        X509Certificate root = chain.get(chain.size() - 1);
        List<X509Certificate> bundle = new ArrayList<>(List.of(root));
        Path previousFile = dir.resolve(PREVIOUS_FILE);
        if (Files.isRegularFile(previousFile)) {
            for (X509Certificate previous : readCertificates(previousFile)) {
                if (previous.getNotAfter().toInstant().isAfter(now) && !contains(bundle, previous)) {
                    bundle.add(previous);
                }
            }
        }
        boolean generated = chain.size() == 1;
        return Optional.of(new Loaded(new CertificateAuthority(signingKey(keyFile, key), chain, bundle), List.copyOf(bundle), generated));
    }

    /** Creates a fresh CA; refuses to overwrite one. */
    public static Loaded init(Path dir, Instant now) throws IOException {
        if (exists(dir)) {
            throw new IOException(dir.resolve(CHAIN_FILE) + " already exists; use keys rotate to add a new CA");
        }
        KeyFiles.ensureOwnerOnlyDirectory(dir);
        generate(dir, now);
        return load(dir, now).orElseThrow();
    }

    /**
     * Adds a new current root and keeps the previous one (and older ones not yet expired) in the
     * bundle. An operator's intermediate is left alone: its rotation belongs to their PKI.
     */
    public static Rotation rotate(Path dir, Instant now) throws IOException {
        Optional<Loaded> current = exists(dir) ? load(dir, now) : Optional.empty();
        if (current.isPresent() && !current.get().generatedRoot()) {
            return new Rotation(current.get(), false);
        }
        KeyFiles.ensureOwnerOnlyDirectory(dir);
        if (current.isPresent()) {
            List<X509Certificate> keep = current.get().bundle().stream().filter(c -> c.getNotAfter().toInstant().isAfter(now)).toList();
            KeyFiles.writePublic(dir.resolve(PREVIOUS_FILE), pem(keep));
        }
        generate(dir, now);
        return new Rotation(load(dir, now).orElseThrow(), true);
    }

    /** What rotate did: {@code rotated} false when it kept an operator-supplied intermediate. */
    public record Rotation(Loaded ca, boolean rotated) {
    }

    /** Loads the CA, creating it first when absent: demo mode only. */
    public static Loaded loadOrInit(Path dir, Instant now) throws IOException {
        Optional<Loaded> loaded = load(dir, now);
        return loaded.isPresent() ? loaded.get() : init(dir, now);
    }

    /** Key first, chain second, each written atomically; a crash in between leaves a mismatch that load names. */
    private static void generate(Path dir, Instant now) throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            X509Certificate root = selfSigned(keys, now);
            StringWriter key = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(key)) {
                writer.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null));
            }
            KeyFiles.writePrivate(dir.resolve(KEY_FILE), key.toString());
            KeyFiles.writePublic(dir.resolve(CHAIN_FILE), pem(List.of(root)));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot generate the X.509 CA: " + e.getMessage(), e);
        }
    }

    private static X509Certificate selfSigned(KeyPair keys, Instant now) throws GeneralSecurityException, OperatorCreationException,
            IOException {
        X500Name name = new X500Name("O=Keyway,CN=Keyway X.509 CA " + NAME_TIME.format(now));
        byte[] serial = new byte[16];
        new SecureRandom().nextBytes(serial);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, new BigInteger(1, serial).setBit(0),
                Date.from(now.minus(BACKDATE)), Date.from(now.plus(VALIDITY)), name, keys.getPublic());
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
        builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(keys.getPublic()));
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    }

    /** The CA key as a Bouncy Castle key, which the grant signs with: see {@link BouncyCastle}. */
    private static PrivateKey signingKey(Path file, PrivateKey key) throws IOException {
        try {
            return BouncyCastle.privateKey(key);
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": Bouncy Castle cannot load this key: " + e.getMessage(), e);
        }
    }

    private static PrivateKey readKey(Path file) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(Files.readString(file)))) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (object instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new IOException(file + " is encrypted; the broker needs the key unencrypted (protect the file, not the key)");
            }
            throw new IOException(file + " holds no PEM private key");
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IOException(file + " is not a readable PEM private key: " + e.getMessage(), e);
        }
    }

    static List<X509Certificate> readCertificates(Path file) throws IOException {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            List<X509Certificate> out = new ArrayList<>();
            try (var in = Files.newInputStream(file)) {
                for (var certificate : factory.generateCertificates(in)) {
                    out.add((X509Certificate) certificate);
                }
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " is not a PEM certificate list: " + e.getMessage(), e);
        }
    }

    /** The key signs for the first certificate, which is a CA; each certificate is signed by the next; the last is a root. */
    private static void checkChain(Path file, PrivateKey key, List<X509Certificate> chain) throws IOException {
        X509Certificate ca = chain.get(0);
        if (!matches(key, ca.getPublicKey())) {
            throw new IOException(file + ": its first certificate is not for the key in " + KEY_FILE);
        }
        if (ca.getBasicConstraints() < 0 || ca.getKeyUsage() != null && !ca.getKeyUsage()[5]) {
            throw new IOException(file + ": its first certificate is not a CA allowed to sign certificates (CA:true, keyCertSign)");
        }
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate certificate = chain.get(i);
            X509Certificate issuer = i + 1 < chain.size() ? chain.get(i + 1) : certificate;
            try {
                certificate.verify(issuer.getPublicKey());
            } catch (GeneralSecurityException e) {
                throw new IOException(file + ": certificate " + (i + 1) + " (" + certificate.getSubjectX500Principal() + ") is not "
                        + (issuer == certificate ? "self-signed; end the chain with the root" : "signed by the certificate after it"));
            }
        }
    }

    private static boolean matches(PrivateKey key, PublicKey publicKey) {
        try {
            String algorithm = switch (publicKey.getAlgorithm()) {
                case "EC" -> "SHA256withECDSA";
                case "RSA" -> "SHA256withRSA";
                default -> publicKey.getAlgorithm(); // Ed25519, EdDSA
            };
            byte[] probe = "keyway ca key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean contains(List<X509Certificate> list, X509Certificate certificate) throws IOException {
        try {
            for (X509Certificate c : list) {
                if (Arrays.equals(c.getEncoded(), certificate.getEncoded())) {
                    return true;
                }
            }
            return false;
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    public static String pem(Collection<X509Certificate> certificates) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (X509Certificate certificate : certificates) {
                writer.writeObject(certificate);
            }
        }
        return out.toString();
    }
}
