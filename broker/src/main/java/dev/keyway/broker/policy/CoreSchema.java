package dev.keyway.broker.policy;

import dev.keyway.spi.config.Node.Scalar.ScalarType;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * YAML 1.2 core-schema typing of scalars: {@code no}, {@code on}, {@code 0123} and {@code 1_000}
 * stay strings (no Norway problem, no octal surprises); quoted text is always a string. Only
 * decimal integers and floats, {@code true}/{@code false} (three spellings) and null are typed.
 */
final class CoreSchema {

    /** SnakeYAML's default resolver leaves longer plain scalars strings; kept so typing does not change. */
    private static final int MAX_NUMBER_LENGTH = 1024;

    private CoreSchema() {
    }

    /**
     * The tag of a plain untagged scalar, from simple character checks. SnakeYAML's default
     * resolver runs several java.util.regex matches on every plain scalar, keys included, to find
     * YAML 1.1 types that {@link #scalarType} mostly turned back into strings; on a large policy
     * that was about a third of the time spent reading YAML. This tags exactly the scalars the core
     * schema types (everything else is {@code !!str}), plus {@code <<} so merge keys can be refused.
     */
    static Tag plainTag(String value) {
        if (isNull(value)) {
            return Tag.NULL;
        }
        if (isBoolean(value)) {
            return Tag.BOOL;
        }
        if (value.length() <= MAX_NUMBER_LENGTH && isDecimalInteger(value)) {
            return Tag.INT;
        }
        if (value.length() <= MAX_NUMBER_LENGTH && isDecimalFloat(value)) {
            return Tag.FLOAT;
        }
        return value.equals("<<") ? Tag.MERGE : Tag.STR;
    }

    /** The type of a scalar from its tag: {@link #plainTag}'s, or one the document wrote ({@code !!int 0x1F} stays a string). */
    static ScalarType scalarType(Tag tag, String text) {
        if (Tag.INT.equals(tag)) {
            return isDecimalInteger(text) ? ScalarType.INTEGER : ScalarType.STRING;
        }
        if (Tag.FLOAT.equals(tag)) {
            return isDecimalFloat(text) ? ScalarType.FLOAT : ScalarType.STRING;
        }
        if (Tag.BOOL.equals(tag)) {
            return isBoolean(text) ? ScalarType.BOOLEAN : ScalarType.STRING;
        }
        if (Tag.NULL.equals(tag)) {
            return ScalarType.NULL;
        }
        return ScalarType.STRING;
    }

    /** What YAML reads as null when written plain: nothing, {@code ~} or null (three spellings). */
    private static boolean isNull(String text) {
        if (text.length() > 4) {
            return false; // most scalars: decided without hashing the text
        }
        return switch (text) {
            case "", "~", "null", "Null", "NULL", " " -> true;
            default -> false;
        };
    }

    private static boolean isBoolean(String text) {
        if (text.length() != 4 && text.length() != 5) {
            return false;
        }
        return switch (text) {
            case "true", "True", "TRUE", "false", "False", "FALSE" -> true;
            default -> false;
        };
    }

    /** {@code [-+]?(0|[1-9][0-9]*)} */
    static boolean isDecimalInteger(String text) {
        int start = signLength(text);
        int end = digitsEnd(text, start);
        return end == text.length() && end > start && (text.charAt(start) != '0' || end == start + 1);
    }

    /** {@code [-+]?(0|[1-9][0-9]*)?\.[0-9]+([eE][-+]?[0-9]+)?} */
    static boolean isDecimalFloat(String text) {
        int start = signLength(text);
        int dot = digitsEnd(text, start);
        if (dot > start + 1 && text.charAt(start) == '0') {
            return false; // a leading zero only on its own
        }
        if (dot == text.length() || text.charAt(dot) != '.') {
            return false;
        }
        int fractionEnd = digitsEnd(text, dot + 1);
        if (fractionEnd == dot + 1) {
            return false;
        }
        if (fractionEnd == text.length()) {
            return true;
        }
        char e = text.charAt(fractionEnd);
        if (e != 'e' && e != 'E') {
            return false;
        }
        int exponent = fractionEnd + 1;
        if (exponent < text.length() && (text.charAt(exponent) == '-' || text.charAt(exponent) == '+')) {
            exponent++;
        }
        int exponentEnd = digitsEnd(text, exponent);
        return exponentEnd > exponent && exponentEnd == text.length();
    }

    private static int signLength(String text) {
        return !text.isEmpty() && (text.charAt(0) == '-' || text.charAt(0) == '+') ? 1 : 0;
    }

    private static int digitsEnd(String text, int from) {
        int i = from;
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
        }
        return i;
    }
}
