package dev.keyway.providers.x509;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.asn1.x509.KeyPurposeId;

/** What the certificate may authenticate in TLS: a client, a server, or both (its extended key usage). */
enum Usage {
    CLIENT(KeyPurposeId.id_kp_clientAuth),
    SERVER(KeyPurposeId.id_kp_serverAuth);

    private final KeyPurposeId purpose;

    Usage(KeyPurposeId purpose) {
        this.purpose = purpose;
    }

    KeyPurposeId purpose() {
        return purpose;
    }

    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<Usage> byId(String id) {
        return Arrays.stream(values()).filter(u -> u.id().equals(id)).findFirst();
    }
}
