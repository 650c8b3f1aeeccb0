package dev.keyway.providers.ssh;

import dev.keyway.spi.IssueException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;
import java.util.Set;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * The job's OpenSSH public key, one authorized_keys-style line ({@code ssh-ed25519 AAAA... comment})
 * without options. Only keys worth certifying pass: Ed25519, ECDSA P-256/P-384, RSA of 2048 to
 * 16384 bits; no certificates, no security-key types.
 */
final class JobKeys {

    static final Set<String> TYPES = Set.of("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ssh-rsa");
    static final int MIN_RSA_BITS = 2048;
    static final int MAX_RSA_BITS = 16384;
    private static final int MAX_LINE = 16384;

    private JobKeys() {
    }

    static PublicKey parse(String text) throws IssueException {
        String line = text.strip();
        if (line.isEmpty() || line.length() > MAX_LINE || line.contains("\n") || line.contains("\r")) {
            throw invalid("publicKey must be one OpenSSH public key line, e.g. the content of id_ed25519.pub");
        }
        String type = line.split("\\s+", 2)[0];
        if (!TYPES.contains(type)) {
            throw invalid("publicKey type '" + abbreviate(type) + "' is not accepted (ssh-ed25519, ecdsa-sha2-nistp256,"
                    + " ecdsa-sha2-nistp384, ssh-rsa of at least " + MIN_RSA_BITS + " bits)");
        }
        PublicKey key;
        try {
            key = PublicKeyEntry.parsePublicKeyEntry(line).resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
        } catch (Exception e) {
            throw invalid("publicKey does not decode as an OpenSSH " + type + " key");
        }
        if (key == null || !type.equals(KeyUtils.getKeyType(key))) {
            throw invalid("publicKey's key data is not the " + type + " key its line says it is");
        }
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
                throw invalid("RSA keys must have " + MIN_RSA_BITS + " to " + MAX_RSA_BITS + " bits, not " + bits);
            }
        }
        return key;
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    private static IssueException invalid(String message) {
        return new IssueException("invalid_request", "ssh grant: " + message);
    }
}
