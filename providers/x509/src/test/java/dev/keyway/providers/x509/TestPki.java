package dev.keyway.providers.x509;

import dev.keyway.spi.BrokerContext;
import dev.keyway.spi.CertificateAuthority;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Keys, CSRs and CAs for tests, built with Bouncy Castle the way a job's tooling or an operator would. */
final class TestPki {

    static final Provider BC = new BouncyCastleProvider();

    private TestPki() {
    }

    static KeyPair keyPair(String kind) throws Exception {
        KeyPairGenerator generator;
        switch (kind) {
            case "P-256", "P-384", "P-521", "P-192" -> {
                generator = KeyPairGenerator.getInstance("EC", BC);
                generator.initialize(new ECGenParameterSpec(switch (kind) {
                    case "P-256" -> "secp256r1";
                    case "P-384" -> "secp384r1";
                    case "P-521" -> "secp521r1";
                    default -> "secp192r1";
                }));
            }
            case "secp256k1" -> {
                generator = KeyPairGenerator.getInstance("EC", BC);
                generator.initialize(new ECGenParameterSpec("secp256k1"));
            }
            case "Ed25519", "Ed448" -> generator = KeyPairGenerator.getInstance(kind, BC);
            case "RSA-1024", "RSA-2048", "RSA-3072" -> {
                generator = KeyPairGenerator.getInstance("RSA", BC);
                generator.initialize(Integer.parseInt(kind.substring(4)));
            }
            case "DSA-2048" -> {
                generator = KeyPairGenerator.getInstance("DSA", BC);
                generator.initialize(2048);
            }
            default -> throw new IllegalArgumentException(kind);
        }
        return generator.generateKeyPair();
    }

    static String signatureAlgorithm(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "DSA" -> "SHA256withDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm().equals("EdDSA") ? "Ed25519" : key.getAlgorithm();
            default -> "SHA256withECDSA";
        };
    }

    static PKCS10CertificationRequest csr(KeyPair keys, String subject, List<GeneralName> requestedNames) throws Exception {
        JcaPKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), keys.getPublic());
        if (!requestedNames.isEmpty()) {
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(requestedNames.toArray(GeneralName[]::new)));
            extensions.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
        }
        return builder.build(new JcaContentSignerBuilder(signatureAlgorithm(keys.getPrivate())).setProvider(BC).build(keys.getPrivate()));
    }

    static String csrPem(KeyPair keys) throws Exception {
        return pem(csr(keys, "CN=job", List.of()));
    }

    static String pem(Object object) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }

    /** A CA certificate for {@code keys}, signed by {@code issuer} (self-signed when null), valid from now for {@code validity}. */
    static X509Certificate caCertificate(String subject, KeyPair keys, X509Certificate issuerCert, PrivateKey issuerKey,
                                         Instant notBefore, Duration validity) throws Exception {
        X500Name issuer = issuerCert == null ? new X500Name(subject) : X500Name.getInstance(issuerCert.getSubjectX500Principal().getEncoded());
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(new SecureRandom().nextInt(1 << 30) + 1L),
                Date.from(notBefore), Date.from(notBefore.plus(validity)), new X500Name(subject), keys.getPublic());
        // A root above an intermediate may not limit the path to 0; the CA that signs leaves may.
        boolean rootOfAnIntermediate = issuerCert == null && subject.contains("Operator Root");
        builder.addExtension(Extension.basicConstraints, true, rootOfAnIntermediate ? new BasicConstraints(1) : new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
        PublicKey authorityKey = issuerCert == null ? keys.getPublic() : issuerCert.getPublicKey();
        builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(authorityKey));
        PrivateKey signer = issuerKey == null ? keys.getPrivate() : issuerKey;
        return new JcaX509CertificateConverter().setProvider(BC)
                .getCertificate(builder.build(new JcaContentSignerBuilder(signatureAlgorithm(signer)).setProvider(BC).build(signer)));
    }

    /** A self-signed EC P-256 root, valid from an hour ago for {@code validity}. */
    static CertificateAuthority rootCa(Duration validity) throws Exception {
        KeyPair keys = keyPair("P-256");
        Instant start = Instant.now().minus(Duration.ofHours(1));
        return new CertificateAuthority(keys.getPrivate(), List.of(caCertificate("CN=Test Root", keys, null, null, start, validity)));
    }

    /** An RSA intermediate under an EC root: the chain an operator would bring. */
    static CertificateAuthority intermediateCa() throws Exception {
        KeyPair rootKeys = keyPair("P-384");
        Instant start = Instant.now().minus(Duration.ofHours(1));
        X509Certificate root = caCertificate("CN=Operator Root", rootKeys, null, null, start, Duration.ofDays(3650));
        KeyPair intermediateKeys = keyPair("RSA-2048");
        X509Certificate intermediate = caCertificate("CN=Keyway Intermediate", intermediateKeys, root, rootKeys.getPrivate(), start,
                Duration.ofDays(365));
        return new CertificateAuthority(intermediateKeys.getPrivate(), List.of(intermediate, root));
    }

    /** The broker's side, as a hand-written fake: its CA, or none. */
    static BrokerContext broker(Optional<CertificateAuthority> ca) {
        return new BrokerContext() {
            @Override
            public String publicUrl() {
                return "https://keyway.test";
            }

            @Override
            public String signJwt(Map<String, Object> claims) {
                throw new AssertionError("the x509 grant never signs JWTs");
            }

            @Override
            public Optional<CertificateAuthority> x509Authority() {
                return ca;
            }
        };
    }
}
