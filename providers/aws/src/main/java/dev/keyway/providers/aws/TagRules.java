package dev.keyway.providers.aws;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Session tags and source identity are authorization inputs: IAM conditions compare them
 * ({@code aws:PrincipalTag/repo}, {@code sts:SourceIdentity}). A sanitized value could equal a value
 * some other caller is entitled to, so Keyway never alters them: a value AWS would refuse fails the
 * exchange ({@code invalid_request}) instead.
 */
final class TagRules {

    static final int MAX_TAGS = 50;
    static final int MAX_KEY = 128;
    static final int MAX_VALUE = 256;
    /** AWS: letters, spaces and digits in any script, and {@code _ . : / = + - @}. */
    private static final Pattern TAG_TEXT = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    static final String TAG_CHARACTERS = "letters, digits, spaces and _ . : / = + - @";

    private TagRules() {
    }

    /** Why {@code key} cannot be a session tag key, or empty when it can. */
    static Optional<String> keyProblem(String key) {
        if (key.isEmpty() || key.length() > MAX_KEY) {
            return Optional.of("must be 1 to " + MAX_KEY + " characters");
        }
        if (!TAG_TEXT.matcher(key).matches()) {
            return Optional.of("may contain only " + TAG_CHARACTERS);
        }
        if (key.toLowerCase(Locale.ROOT).startsWith("aws:")) {
            return Optional.of("must not start with aws: (reserved by AWS)");
        }
        return Optional.empty();
    }

    static boolean validValueText(String text) {
        return TAG_TEXT.matcher(text).matches();
    }

    /** Why a rendered tag value cannot be sent, or empty when it can. */
    static Optional<String> valueProblem(String value) {
        if (value.length() > MAX_VALUE) {
            return Optional.of("is longer than " + MAX_VALUE + " characters");
        }
        if (!validValueText(value)) {
            return Optional.of("contains characters AWS does not allow in tag values (" + TAG_CHARACTERS + ")");
        }
        return Optional.empty();
    }

    /** Why a rendered source identity cannot be sent: the session-name character set, 2 to 64 characters. */
    static Optional<String> sourceIdentityProblem(String value) {
        if (value.length() < SessionNames.MIN || value.length() > SessionNames.MAX) {
            return Optional.of("must be 2 to 64 characters");
        }
        if (SessionNames.firstDisallowed(value).isPresent()) {
            return Optional.of("contains characters outside [A-Za-z0-9_+=,.@-]");
        }
        return Optional.empty();
    }
}
