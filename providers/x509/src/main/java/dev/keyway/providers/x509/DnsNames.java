package dev.keyway.providers.x509;

import dev.keyway.spi.template.Template;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * DNS names for the certificate's SAN: lowercase LDH labels of 1–63 characters, at most 253 in
 * all, no wildcard (a job's certificate names the job, never a whole zone). A claim value in a
 * template is one label at most: it may not hold a '.', so it cannot add labels.
 */
final class DnsNames {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9-]+");
    private static final int MAX_LENGTH = 253;

    private DnsNames() {
    }

    /** Why {@code name} is not a usable DNS SAN, or empty. */
    static Optional<String> problem(String name) {
        if (name.isEmpty() || name.length() > MAX_LENGTH) {
            return Optional.of("a DNS name has 1 to " + MAX_LENGTH + " characters");
        }
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return Optional.of("'" + label + "' is not a DNS label (lowercase letters, digits and inner '-', 1 to 63"
                        + " characters; no wildcard, no empty label)");
            }
        }
        return Optional.empty();
    }

    /** A template's literal text must already make a valid name with each placeholder standing in as one label. */
    static Optional<String> templateProblem(Template template) {
        return problem(template.withPlaceholders("x"));
    }

    /** Claim values may only hold label characters; they are lowercased (DNS is case-insensitive). */
    static boolean validValue(String value) {
        return VALUE.matcher(value).matches();
    }

    static String normalize(String value) {
        return value.toLowerCase(Locale.ROOT);
    }
}
