package dev.keyway.providers.aws;

import dev.keyway.spi.Identity;
import dev.keyway.spi.template.Template;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * AWS role session names: 2 to 64 characters from {@code [A-Za-z0-9_+=,.@-]}. A session name
 * labels the session in CloudTrail and in the assumed-role ARN; it is not an authorization input
 * (session tags are), so caller-supplied parts are sanitized rather than refused:
 *
 * <ol>
 *   <li>every character outside the set becomes {@code -};</li>
 *   <li>a result longer than 64 characters keeps its first 55, then {@code -}, then the first 8 hex
 *       digits of the SHA-256 of the rendered (unsanitized) name, so long names stay distinct;</li>
 *   <li>a result shorter than 2 characters is prefixed with {@code keyway-}.</li>
 * </ol>
 *
 * The literal text of a {@code session-name} template is the policy author's and is checked at
 * load time instead.
 */
final class SessionNames {

    static final int MIN = 2;
    static final int MAX = 64;
    /** When the grant has no session-name, these claims (first present) follow the binding name. */
    static final List<String> DEFAULT_SUFFIX_CLAIMS = List.of("run_id", "job_id", "pod");
    static final String DEFAULT_DESCRIPTION = "<binding>-{{run_id|job_id|pod}} (else <binding>-<request id>)";

    private SessionNames() {
    }

    static boolean allowed(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "_+=,.@-".indexOf(c) >= 0;
    }

    /** The characters of {@code text} that no session name, source identity or role name may contain. */
    static Optional<String> firstDisallowed(String text) {
        return text.codePoints().filter(c -> !allowed(c)).mapToObj(Character::toString).findFirst();
    }

    static String sanitize(String rendered) {
        StringBuilder out = new StringBuilder();
        rendered.codePoints().forEach(c -> out.append(allowed(c) ? (char) c : '-'));
        String name = out.toString();
        if (name.length() > MAX) {
            name = name.substring(0, MAX - 9) + "-" + sha256Hex(rendered).substring(0, 8);
        }
        if (name.length() < MIN) {
            name = "keyway-" + name;
        }
        return name;
    }

    /** The rendered template, or {@code <binding>-<run_id|job_id|pod|request id>}; always sanitized. */
    static Optional<String> of(Optional<Template> template, String binding, Identity identity, String requestId) {
        if (template.isPresent()) {
            return template.get().render(identity).map(SessionNames::sanitize);
        }
        String suffix = DEFAULT_SUFFIX_CLAIMS.stream()
                .map(claim -> identity.scalarClaims().get(claim))
                .filter(v -> v != null && !v.isEmpty())
                .findFirst().orElse(requestId);
        return Optional.of(sanitize(binding + "-" + suffix));
    }

    /** The text a template contains outside its placeholders: what the policy author wrote literally. */
    static String literalText(Template template) {
        return template.source().replaceAll("\\{\\{[^}]*}}", "");
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
