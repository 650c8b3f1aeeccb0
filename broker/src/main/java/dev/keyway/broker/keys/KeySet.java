package dev.keyway.broker.keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole key set of {@code keys init}/{@code keys rotate}: the JWT signing keys, the X.509 CA
 * and the SSH CA. Each method returns what it did, one line per part, for the command to print.
 */
public final class KeySet {

    private KeySet() {
    }

    /** Creates all three; refuses before writing anything when any part already exists. */
    public static List<String> init(Path dir) throws IOException {
        for (Path existing : List.of(dir.resolve(SigningKeys.FILE), dir.resolve(X509Ca.CHAIN_FILE), dir.resolve(X509Ca.KEY_FILE),
                dir.resolve(SshCa.KEY_FILE))) {
            if (Files.exists(existing)) {
                throw new IOException(existing + " already exists; use keys rotate to add new keys");
            }
        }
        Instant now = Instant.now();
        SigningKeys signing = SigningKeys.init(dir);
        X509Ca.Loaded x509 = X509Ca.init(dir, now);
        SshCa.Loaded ssh = SshCa.init(dir);
        return List.of(
                "created signing keys " + signing.algorithms() + ", published kids " + signing.keyIds(),
                "created " + describe(x509),
                "created SSH CA " + ssh.fingerprint() + " (" + SshCa.KEY_FILE + ", " + SshCa.PUBLIC_FILE + ")");
    }

    /** A new current key or CA for each part; the previous one stays published. A missing CA is created. */
    public static List<String> rotate(Path dir) throws IOException {
        Instant now = Instant.now();
        SigningKeys signing = SigningKeys.rotate(dir);
        List<String> out = new ArrayList<>();
        out.add("rotated signing keys " + signing.algorithms() + ", published kids " + signing.keyIds());
        X509Ca.Rotation x509 = X509Ca.rotate(dir, now);
        out.add(x509.rotated() ? "rotated to " + describe(x509.ca()) + ", " + x509.ca().bundle().size() + " root(s) published"
                : "kept the operator-supplied X.509 CA " + x509.ca().authority().certificate().getSubjectX500Principal().getName()
                        + ": rotate it in the PKI that issued it");
        SshCa.Loaded ssh = SshCa.rotate(dir);
        out.add("rotated to SSH CA " + ssh.fingerprint() + ", " + ssh.published().size() + " key(s) published");
        return out;
    }

    private static String describe(X509Ca.Loaded ca) {
        var certificate = ca.authority().certificate();
        return "X.509 CA '" + certificate.getSubjectX500Principal().getName() + "' valid until " + certificate.getNotAfter().toInstant()
                + " (" + X509Ca.KEY_FILE + ", " + X509Ca.CHAIN_FILE + ")";
    }
}
