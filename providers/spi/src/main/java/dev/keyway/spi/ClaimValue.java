package dev.keyway.spi;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A claim as policy sees it. Scalars compare as strings (booleans as "true"/"false", numbers in
 * plain decimal); arrays and objects are structured and never equal a string; a missing claim
 * never matches anything.
 */
public sealed interface ClaimValue {

    ClaimValue MISSING = new Missing();

    /** The string a matcher compares against, or empty when nothing may match. */
    Optional<String> scalar();

    /** What an explanation shows the caller: the value, or a short description of why there is none. */
    String describe();

    record Missing() implements ClaimValue {
        @Override
        public Optional<String> scalar() {
            return Optional.empty();
        }

        @Override
        public String describe() {
            return "(missing)";
        }
    }

    record Scalar(String value) implements ClaimValue {
        @Override
        public Optional<String> scalar() {
            return Optional.of(value);
        }

        @Override
        public String describe() {
            return value;
        }
    }

    record Structured(Object value) implements ClaimValue {
        @Override
        public Optional<String> scalar() {
            return Optional.empty();
        }

        @Override
        public String describe() {
            return value instanceof List<?> ? "(array)" : "(object)";
        }
    }

    static ClaimValue of(Object raw) {
        if (raw == null) {
            return MISSING;
        }
        if (raw instanceof String s) {
            return new Scalar(s);
        }
        if (raw instanceof Boolean b) {
            return new Scalar(b.toString());
        }
        if (raw instanceof Number n) {
            return new Scalar(canonical(n));
        }
        if (raw instanceof List<?> || raw instanceof Map<?, ?>) {
            return new Structured(raw);
        }
        return new Scalar(raw.toString());
    }

    /** 123, 123.0 and 1.23e2 all read "123": JSON numbers carry no type, only a value. */
    private static String canonical(Number n) {
        if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
            return Long.toString(n.longValue());
        }
        if ((n instanceof Double || n instanceof Float) && !Double.isFinite(n.doubleValue())) {
            return Double.toString(n.doubleValue()); // NaN, Infinity: BigDecimal cannot hold them
        }
        BigDecimal d = n instanceof BigDecimal bd ? bd : new BigDecimal(n.toString());
        d = d.stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
    }
}
