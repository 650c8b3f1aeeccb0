package dev.keyway.providers.x509;

import dev.keyway.spi.template.Template;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * SPIFFE IDs (spiffe.io/docs/latest/spiffe-specs/spiffe-id): {@code spiffe://trust-domain/path},
 * trust domain {@code [a-z0-9._-]}, path segments {@code [A-Za-z0-9._-]}, no empty, "." or ".."
 * segment, no trailing slash, no percent-encoding, at most 2048 bytes. An X509-SVID's ID has a
 * non-root path.
 */
final class SpiffeIds {

    static final String SCHEME = "spiffe://";
    private static final int MAX_LENGTH = 2048;
    private static final int MAX_TRUST_DOMAIN = 255;
    private static final char ESCAPE = '_';

    private SpiffeIds() {
    }

    /** Why {@code id} is not a SPIFFE ID usable in an X509-SVID, or empty when it is one. */
    static Optional<String> problem(String id) {
        if (!id.startsWith(SCHEME)) {
            return Optional.of("it must start with spiffe://");
        }
        if (id.getBytes(StandardCharsets.UTF_8).length > MAX_LENGTH) {
            return Optional.of("it is longer than " + MAX_LENGTH + " bytes");
        }
        String rest = id.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        String trustDomain = slash < 0 ? rest : rest.substring(0, slash);
        if (trustDomain.isEmpty()) {
            return Optional.of("the trust domain is empty");
        }
        if (trustDomain.length() > MAX_TRUST_DOMAIN) {
            return Optional.of("the trust domain is longer than " + MAX_TRUST_DOMAIN + " characters");
        }
        if (!trustDomain.chars().allMatch(SpiffeIds::trustDomainChar)) {
            return Optional.of("the trust domain '" + trustDomain + "' may only hold lowercase letters, digits, '.', '-' and '_'"
                    + " (no port, user or uppercase)");
        }
        if (slash < 0 || slash == rest.length() - 1) {
            return Optional.of("an X509-SVID's SPIFFE ID needs a path after the trust domain (and no trailing '/')");
        }
        String path = rest.substring(slash + 1);
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty()) {
                return Optional.of("the path has an empty segment (a double or trailing '/')");
            }
            if (segment.equals(".") || segment.equals("..")) {
                return Optional.of("the path has a '" + segment + "' segment");
            }
            if (!segment.chars().allMatch(SpiffeIds::pathChar)) {
                return Optional.of("path segments may only hold letters, digits, '.', '-' and '_'");
            }
        }
        return Optional.empty();
    }

    /**
     * Why a spiffe-id template is unusable, or empty: its literal text with every placeholder
     * standing in as {@code x} must be a valid SPIFFE ID, and placeholders may only sit in the
     * path, so the trust domain is fixed by policy and never by a claim.
     */
    static Optional<String> templateProblem(Template template) {
        Optional<String> literal = problem(template.withPlaceholders("x"));
        if (literal.isPresent()) {
            return literal;
        }
        String marked = template.withPlaceholders("\u0000");
        int first = marked.indexOf('\u0000');
        if (first >= 0) {
            int pathStart = marked.indexOf('/', SCHEME.length());
            if (pathStart < 0 || first < pathStart) {
                return Optional.of("the trust domain must be literal: placeholders may only appear in the path");
            }
        }
        return Optional.empty();
    }

    /**
     * Escapes one claim value for a SPIFFE path so that it stays inside the segment it was put in:
     * letters, digits, '.' and '-' stay; '_' becomes "__"; every other byte of the value's UTF-8
     * form becomes '_' and two uppercase hex digits ("acme/api" → "acme_2Fapi"). Percent-encoding
     * is not an option: SPIFFE forbids '%' in paths. The mapping is reversible, so two different
     * values never yield the same ID. A value that ends up as a whole "." or ".." segment (or an
     * empty one) fails {@link #problem} and is refused.
     */
    static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c == ESCAPE) {
                out.append(ESCAPE).append(ESCAPE);
            } else if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '.' || c == '-')) {
                out.append((char) c);
            } else {
                out.append(ESCAPE).append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return out.toString();
    }

    /** The trust domain of a valid ID. */
    static String trustDomain(String id) {
        String rest = id.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    private static boolean trustDomainChar(int c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_';
    }

    private static boolean pathChar(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_';
    }
}
