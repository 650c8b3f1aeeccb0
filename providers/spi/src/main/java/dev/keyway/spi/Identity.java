package dev.keyway.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A verified caller: the configured issuer it came from, its normalized claims (what bindings and
 * templates use by name) and the raw claims (what JSON pointers reach). Grant providers read only
 * this, never the token.
 */
public record Identity(String issuer, Map<String, Object> claims, Map<String, Object> raw) {

    public Identity {
        claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
        raw = Collections.unmodifiableMap(new LinkedHashMap<>(raw));
    }

    public ClaimValue value(ClaimRef ref) {
        if (!ref.isPointer()) {
            return ClaimValue.of(claims.get(ref.text()));
        }
        Object current = raw;
        for (String segment : ref.pointer()) {
            current = step(current, segment);
            if (current == null) {
                return ClaimValue.MISSING;
            }
        }
        return ClaimValue.of(current);
    }

    private static Object step(Object current, String segment) {
        if (current instanceof Map<?, ?> map) {
            return map.get(segment);
        }
        if (current instanceof List<?> list && isIndex(segment)) {
            int index = Integer.parseInt(segment);
            return index < list.size() ? list.get(index) : null;
        }
        return null;
    }

    /** RFC 6901 array index: "0" or digits without a leading zero. */
    private static boolean isIndex(String segment) {
        if (segment.isEmpty() || segment.length() > 9 || (segment.length() > 1 && segment.charAt(0) == '0')) {
            return false;
        }
        return segment.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** The normalized claims that have a scalar value, as strings: the shape explanations and audit show. */
    public Map<String, String> scalarClaims() {
        Map<String, String> out = new LinkedHashMap<>();
        claims.forEach((name, value) -> ClaimValue.of(value).scalar().ifPresent(s -> out.put(name, s)));
        return Collections.unmodifiableMap(out);
    }
}
