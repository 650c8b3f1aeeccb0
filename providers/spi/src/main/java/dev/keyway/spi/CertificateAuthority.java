package dev.keyway.spi;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The broker's current X.509 CA as it lends it to the x509 grant: the signing key, the CA's chain
 * (its own certificate first, then its issuers up to the root) and the trust bundle verifiers
 * should hold (the roots of the current and of every previous CA not yet expired). JDK types only:
 * providers bring their own certificate library.
 */
public record CertificateAuthority(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> trustBundle) {

    public CertificateAuthority {
        chain = List.copyOf(chain);
        trustBundle = List.copyOf(trustBundle);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a CA chain holds at least the CA's own certificate");
        }
    }

    /** A CA whose bundle is its own root: no rotation overlap. */
    public CertificateAuthority(PrivateKey key, List<X509Certificate> chain) {
        this(key, chain, List.of(chain.get(chain.size() - 1)));
    }

    /** The certificate whose key signs: the first of the chain. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "CertificateAuthority[" + certificate().getSubjectX500Principal() + "]";
    }
}
