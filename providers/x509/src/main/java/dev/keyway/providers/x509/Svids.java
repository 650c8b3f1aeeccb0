package dev.keyway.providers.x509;

import dev.keyway.spi.CertificateAuthority;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds X509-SVIDs (spiffe.io X509-SVID spec): exactly one URI SAN, optional DNS SANs, an empty
 * subject (so the SAN is critical, RFC 5280 §4.2.1.6), not a CA, digitalSignature, the EKUs of the
 * grant's usage, SKI/AKI, a random 128-bit serial, and the caller's facts as extensions.
 */
final class Svids {

    /** What goes into one certificate; every name already validated. */
    record Spec(SubjectPublicKeyInfo key, boolean rsaKey, String spiffeId, List<String> dnsNames, Set<Usage> usages,
                Map<ASN1ObjectIdentifier, String> facts, Instant notBefore, Instant notAfter) {
    }

    private final SecureRandom random = new SecureRandom();

    X509Certificate sign(CertificateAuthority ca, Spec spec) throws GeneralSecurityException {
        try {
            X509Certificate caCert = ca.certificate();
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(
                    X500Name.getInstance(caCert.getSubjectX500Principal().getEncoded()),
                    serial(), Date.from(spec.notBefore()), Date.from(spec.notAfter()),
                    new X500Name(new org.bouncycastle.asn1.x500.RDN[0]), spec.key());
            List<GeneralName> names = new ArrayList<>();
            names.add(new GeneralName(GeneralName.uniformResourceIdentifier, spec.spiffeId()));
            spec.dnsNames().forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
            builder.addExtension(Extension.subjectAlternativeName, true, new GeneralNames(names.toArray(GeneralName[]::new)));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            int keyUsage = KeyUsage.digitalSignature;
            if (spec.rsaKey() && spec.usages().contains(Usage.SERVER)) {
                keyUsage |= KeyUsage.keyEncipherment; // RSA key exchange in TLS 1.2 servers
            }
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(spec.usages().stream().sorted().map(Usage::purpose).toArray(KeyPurposeId[]::new)));
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(spec.key()));
            builder.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(caCert, utils));
            for (Map.Entry<ASN1ObjectIdentifier, String> fact : spec.facts().entrySet()) {
                builder.addExtension(fact.getKey(), false, new DERUTF8String(fact.getValue()));
            }
            ContentSigner signer = new JcaContentSignerBuilder(signatureAlgorithm(caCert.getPublicKey())).setProvider(Bc.PROVIDER)
                    .build(ca.key());
            return new JcaX509CertificateConverter().setProvider(Bc.PROVIDER).getCertificate(builder.build(signer));
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot encode the certificate: " + e.getMessage(), e);
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign with the CA key: " + e.getMessage(), e);
        }
    }

    /** Positive, non-zero, 128 random bits: unpredictable, so no one can pre-compute a colliding certificate. */
    private BigInteger serial() {
        BigInteger serial;
        do {
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            serial = new BigInteger(1, bytes);
        } while (serial.signum() == 0);
        return serial;
    }

    /** The CA's own SKI when it has one (so the AKI matches what verifiers look up), else derived from its key. */
    private static AuthorityKeyIdentifier authorityKeyIdentifier(X509Certificate ca, JcaX509ExtensionUtils utils) {
        byte[] ski = ca.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (ski != null) {
            byte[] keyId = SubjectKeyIdentifier.getInstance(
                    org.bouncycastle.asn1.ASN1OctetString.getInstance(ski).getOctets()).getKeyIdentifier();
            return new AuthorityKeyIdentifier(keyId);
        }
        return utils.createAuthorityKeyIdentifier(ca.getPublicKey());
    }

    static String signatureAlgorithm(PublicKey caKey) {
        String algorithm = caKey.getAlgorithm();
        if (caKey instanceof ECKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return bits > 384 ? "SHA512withECDSA" : bits > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
        }
        if (algorithm.equals("RSA")) {
            return "SHA256withRSA";
        }
        if (algorithm.equals("Ed25519") || algorithm.equals("EdDSA")) {
            return "Ed25519";
        }
        throw new IllegalArgumentException("the CA key algorithm " + algorithm + " cannot sign certificates here");
    }

    static String pem(X509Certificate certificate) {
        return pem(List.of(certificate));
    }

    static String pem(Collection<X509Certificate> certificates) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (X509Certificate certificate : certificates) {
                writer.writeObject(certificate);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
