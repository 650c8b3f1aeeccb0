package dev.keyway.broker.keys;

import dev.keyway.spi.CertificateAuthority;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The X.509 and SSH CAs found in {@code keys.dir}, loaded once at startup, with the documents
 * {@code /v1/ca/x509} and {@code /v1/ca/ssh} serve computed once. Either may be absent: a broker
 * used for jwt grants only needs neither, and the grants that do answer 503 until keys exist.
 */
public final class CertificateAuthorities {

    private final Path dir;
    private final Optional<X509Ca.Loaded> x509;
    private final Optional<SshCa.Loaded> ssh;
    private final Optional<String> x509Bundle;
    private final Optional<String> sshTrustedUserCaKeys;
    private final Optional<String> sshAuthorizedKeys;

    private CertificateAuthorities(Path dir, Optional<X509Ca.Loaded> x509, Optional<SshCa.Loaded> ssh) throws IOException {
        this.dir = dir;
        this.x509 = x509;
        this.ssh = ssh;
        this.x509Bundle = x509.isPresent() ? Optional.of(X509Ca.pem(x509.get().bundle())) : Optional.empty();
        this.sshTrustedUserCaKeys = ssh.map(ca -> lines(ca.published(), ""));
        this.sshAuthorizedKeys = ssh.map(ca -> lines(ca.published(), "cert-authority "));
    }

    /** What {@code keys.dir} holds; files that exist but do not make a CA are an error, never silently skipped. */
    public static CertificateAuthorities load(Path dir, Instant now) throws IOException {
        return new CertificateAuthorities(dir, X509Ca.load(dir, now), SshCa.load(dir));
    }

    /** Demo mode: creates whichever CA is missing. */
    public static CertificateAuthorities loadOrInit(Path dir, Instant now) throws IOException {
        return new CertificateAuthorities(dir, Optional.of(X509Ca.loadOrInit(dir, now)), Optional.of(SshCa.loadOrInit(dir)));
    }

    /** Current first: its comment says which key is which, for the operator reading the file. */
    private static String lines(List<PublicKey> keys, String prefix) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < keys.size(); i++) {
            out.append(prefix).append(SshCa.line(keys.get(i), i == 0 ? SshCa.COMMENT : SshCa.COMMENT + "-previous")).append('\n');
        }
        return out.toString();
    }

    public Optional<CertificateAuthority> x509Authority() {
        return x509.map(X509Ca.Loaded::authority);
    }

    public Optional<KeyPair> sshAuthority() {
        return ssh.map(SshCa.Loaded::current);
    }

    /** PEM: the current root and every earlier root not yet expired. */
    public Optional<String> x509Bundle() {
        return x509Bundle;
    }

    /** One public key per line: a TrustedUserCAKeys file as it is. */
    public Optional<String> sshTrustedUserCaKeys() {
        return sshTrustedUserCaKeys;
    }

    /** {@code cert-authority <key>} lines for a user's authorized_keys. */
    public Optional<String> sshAuthorizedKeys() {
        return sshAuthorizedKeys;
    }

    /** For the startup log: what was found, and what is missing. */
    public List<String> describe(Instant now) {
        String x509Line = x509.map(ca -> {
            var certificate = ca.authority().certificate();
            return "X.509 CA " + certificate.getSubjectX500Principal().getName() + ", valid until "
                    + certificate.getNotAfter().toInstant() + ", trust bundle of " + ca.bundle().size() + " root(s)"
                    + (certificate.getNotAfter().toInstant().isBefore(now.plus(java.time.Duration.ofDays(30)))
                    ? " -- EXPIRES WITHIN 30 DAYS: run keys rotate" : "");
        }).orElse("no X.509 CA in " + dir + ": x509 grants answer 503 until keys init/rotate creates one");
        String sshLine = ssh.map(ca -> "SSH CA " + ca.fingerprint() + ", " + ca.published().size() + " key(s) published")
                .orElse("no SSH CA in " + dir + ": ssh grants answer 503 until keys init/rotate creates one");
        return List.of(x509Line, sshLine);
    }
}
