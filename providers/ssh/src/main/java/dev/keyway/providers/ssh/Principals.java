package dev.keyway.providers.ssh;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Certificate principals and key IDs. sshd compares a principal with a user name or an
 * AuthorizedPrincipalsFile line, and {@code authorized_keys principals="a,b"} splits on commas:
 * a principal holds no comma, space, quote or pattern character, so a claim value can never turn
 * one principal into two ("root,admin") or into a wildcard.
 */
final class Principals {

    private static final Pattern PRINCIPAL = Pattern.compile("[A-Za-z0-9._@][A-Za-z0-9._@-]{0,254}");
    private static final int MAX_KEY_ID = 1024;

    private Principals() {
    }

    static Optional<String> problem(String principal) {
        if (PRINCIPAL.matcher(principal).matches()) {
            return Optional.empty();
        }
        return Optional.of("a principal has 1 to 255 of letters, digits, '.', '_', '@' and '-' (not first);"
                + " no comma, whitespace, quote or wildcard");
    }

    /** Key IDs end up in sshd's logs: no control characters (no forged log lines), bounded length. */
    static Optional<String> keyIdProblem(String keyId) {
        if (keyId.isEmpty() || keyId.length() > MAX_KEY_ID) {
            return Optional.of("a key ID has 1 to " + MAX_KEY_ID + " characters");
        }
        if (keyId.chars().anyMatch(c -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029')) {
            return Optional.of("a key ID holds no control characters");
        }
        return Optional.empty();
    }
}
