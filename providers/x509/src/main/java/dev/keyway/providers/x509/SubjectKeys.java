package dev.keyway.providers.x509;

import dev.keyway.spi.IssueException;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The job's public key, from a PKCS#10 CSR (whose signature proves the job holds the private key)
 * or a bare PEM SubjectPublicKeyInfo. Only keys worth certifying pass: ECDSA P-256/P-384, Ed25519,
 * RSA of 2048 to 16384 bits. Everything else the caller sent (subject, requested SANs,
 * extensions) is ignored: the binding decides the names.
 */
final class SubjectKeys {

    /** The key the certificate will carry, exactly as the caller sent it. */
    record SubjectKey(SubjectPublicKeyInfo info, String description, boolean rsa) {
    }

    private static final Map<ASN1ObjectIdentifier, String> CURVES = Map.of(
            SECObjectIdentifiers.secp256r1, "P-256",
            SECObjectIdentifiers.secp384r1, "P-384");
    static final int MIN_RSA_BITS = 2048;
    static final int MAX_RSA_BITS = 16384;


    SubjectKey read(Optional<String> csr, Optional<String> publicKey) throws IssueException {
        if (csr.isPresent() && publicKey.isPresent()) {
            throw invalid("send either csr or publicKey, not both");
        }
        if (csr.isPresent()) {
            return fromCsr(csr.get());
        }
        if (publicKey.isPresent()) {
            Object parsed = readPem(publicKey.get(), "publicKey");
            if (!(parsed instanceof SubjectPublicKeyInfo info)) {
                throw invalid("publicKey must be a PEM public key (-----BEGIN PUBLIC KEY-----)");
            }
            return check(info);
        }
        throw invalid("an x509 grant needs the job's key: send csr (a PEM PKCS#10 request) or publicKey (a PEM public key)");
    }

    private SubjectKey fromCsr(String pem) throws IssueException {
        if (!(readPem(pem, "csr") instanceof PKCS10CertificationRequest request)) {
            throw invalid("csr must be a PEM PKCS#10 certificate request (-----BEGIN CERTIFICATE REQUEST-----)");
        }
        SubjectKey key = check(request.getSubjectPublicKeyInfo());
        boolean valid;
        try {
            valid = request.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(Bc.PROVIDER)
                    .build(request.getSubjectPublicKeyInfo()));
        } catch (Exception e) {
            valid = false;
        }
        if (!valid) {
            throw invalid("csr signature does not verify with the csr's own key: no proof that the caller holds the private key");
        }
        return key;
    }

    /** Exactly one PEM object, nothing before or after it but whitespace. */
    private static Object readPem(String text, String field) throws IssueException {
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            Object first = parser.readObject();
            if (first == null) {
                throw invalid(field + " holds no PEM object");
            }
            if (parser.readObject() != null) {
                throw invalid(field + " must hold exactly one PEM object");
            }
            return first;
        } catch (IOException | RuntimeException e) {
            throw invalid(field + " is not valid PEM/DER: " + e.getClass().getSimpleName());
        }
    }

    private SubjectKey check(SubjectPublicKeyInfo info) throws IssueException {
        ASN1ObjectIdentifier algorithm = info.getAlgorithm().getAlgorithm();
        String description;
        boolean rsa = false;
        if (algorithm.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            var parameters = info.getAlgorithm().getParameters();
            String curve = parameters instanceof ASN1ObjectIdentifier oid ? CURVES.get(oid) : null;
            if (curve == null) {
                String named = parameters instanceof ASN1ObjectIdentifier oid && ECNamedCurveTable.getName(oid) != null
                        ? ECNamedCurveTable.getName(oid) : "explicit or unknown parameters";
                throw invalid("EC keys must be on P-256 or P-384, not " + named);
            }
            description = "ECDSA " + curve;
        } else if (algorithm.equals(EdECObjectIdentifiers.id_Ed25519)) {
            description = "Ed25519";
        } else if (algorithm.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            description = "RSA " + checkRsa(info);
            rsa = true;
        } else {
            throw invalid("key algorithm " + algorithm.getId() + " is not accepted (ECDSA P-256/P-384, Ed25519 or RSA >= "
                    + MIN_RSA_BITS + ")");
        }
        try {
            // Decoding validates the key itself: an EC point must lie on its curve.
            new JcaPEMKeyConverter().setProvider(Bc.PROVIDER).getPublicKey(info);
        } catch (Exception e) {
            throw invalid("the " + description + " public key does not decode: " + e.getClass().getSimpleName());
        }
        return new SubjectKey(info, description, rsa);
    }

    private static int checkRsa(SubjectPublicKeyInfo info) throws IssueException {
        org.bouncycastle.asn1.pkcs.RSAPublicKey key;
        try {
            ASN1Primitive parsed = info.parsePublicKey();
            key = org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(parsed);
        } catch (IOException | RuntimeException e) {
            throw invalid("the RSA public key does not decode");
        }
        int bits = key.getModulus().bitLength();
        if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
            throw invalid("RSA keys must have " + MIN_RSA_BITS + " to " + MAX_RSA_BITS + " bits, not " + bits);
        }
        BigInteger e = key.getPublicExponent();
        if (!e.testBit(0) || e.compareTo(BigInteger.valueOf(3)) < 0 || !key.getModulus().testBit(0)) {
            throw invalid("the RSA public key is malformed (even modulus or exponent)");
        }
        return bits;
    }

    private static IssueException invalid(String message) {
        return new IssueException("invalid_request", "x509 grant: " + message);
    }
}
